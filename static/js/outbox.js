// Writes made offline wait here with their client ids and are sent in order later.
// Only network failures (and 5xx, which a retry may fix) keep an entry queued: a 4xx
// answer will not change by retrying, so it is shown to the person and dropped.
import { api, ApiError, Offline } from './api.js';
import { outboxStore } from './store.js';

const listeners = new Set();
let flushing = null;

export function onOutboxChange(listener) {
  listeners.add(listener);
}

async function changed(event) {
  const entries = await outboxStore.all();
  for (const listener of listeners) listener(entries, event);
}

export async function pending() {
  return outboxStore.all();
}

// Queue a write and try to send it at once. Resolves with the answer, or null if queued.
export async function send(kind, path, body) {
  const entry = { id: body.id || crypto.randomUUID(), kind, path, body, queued_at: Date.now() };
  await outboxStore.put(entry);
  await changed();
  if (flushing) await flushing; // a replay under way read the queue before this entry
  const results = await flush();
  return results.get(entry.id) ?? null;
}

export function flush() {
  flushing ??= replay().finally(() => {
    flushing = null;
  });
  return flushing;
}

async function replay() {
  const results = new Map();
  for (const entry of await outboxStore.all()) {
    try {
      results.set(entry.id, await api('POST', entry.path, entry.body));
    } catch (error) {
      if (error instanceof Offline) break;
      if (error instanceof ApiError && error.status >= 500) break;
      await outboxStore.remove(entry.id);
      await changed({ rejected: entry, error });
      continue;
    }
    await outboxStore.remove(entry.id);
    await changed({ sent: entry });
  }
  return results;
}

let replaying = false;
export function startReplaying() {
  if (replaying) return flush();
  replaying = true;
  window.addEventListener('online', () => flush());
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type === 'replay-outbox') flush();
  });
  return flush();
}

export async function askForBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register('outbox');
  } catch {
    // Background Sync is not everywhere (Safari, Firefox): 'online' and start-up do it.
  }
}
