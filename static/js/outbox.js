// Writes made offline wait here with their client ids and are sent in order later.
// Only network failures (and 5xx, which a retry may fix) keep an entry queued: a 4xx
// answer will not change by retrying, so it is shown to the person and dropped.
import { api, ApiError, Offline } from './api.js';
import { outboxStore } from './store.js';

const listeners = new Set();
let flushing = null;
// The entry whose request is on the way now, and entries taken back before they left:
// a write withdrawn while its request is out cannot be called back, only undone after.
let inFlight = null;
const withdrawn = new Set();

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
// Writes other than POST (a correction, an undo) name their method and an entry id of
// their own, so they never replace the entry of the write they change.
export async function send(kind, path, body, { method = 'POST', id } = {}) {
  const entry = {
    id: id || body?.id || crypto.randomUUID(), kind, method, path, body, queued_at: Date.now(),
  };
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

// Take back a POST by its client id: still queued, it is dropped and never sent;
// already sent, a DELETE of ``deletePath`` follows it through the outbox. Resolves
// true when the write never reached the server.
export async function withdraw(id, deletePath) {
  while (inFlight === id) await flushing?.catch(() => undefined);
  withdrawn.add(id); // from here on, a replay under way skips it
  const queued = await outboxStore.take(id);
  if (queued) {
    await changed({ withdrawn: queued });
    return true;
  }
  withdrawn.delete(id);
  await send('undo', deletePath, undefined, { method: 'DELETE', id: `delete:${id}` });
  return false;
}

async function replay() {
  const results = new Map();
  try {
    for (const entry of await outboxStore.all()) {
      if (withdrawn.has(entry.id)) continue;
      inFlight = entry.id;
      try {
        results.set(entry.id, await api(entry.method || 'POST', entry.path, entry.body));
      } catch (error) {
        if (error instanceof Offline) break;
        if (error instanceof ApiError && error.status >= 500) break;
        // A DELETE sent twice (its first answer lost) finds nothing the second time:
        // what it asked for is done.
        const done = entry.method === 'DELETE' && error instanceof ApiError && error.status === 404;
        await outboxStore.remove(entry.id);
        await changed(done ? { sent: entry } : { rejected: entry, error });
        continue;
      }
      await outboxStore.remove(entry.id);
      await changed({ sent: entry });
    }
  } finally {
    inFlight = null;
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
