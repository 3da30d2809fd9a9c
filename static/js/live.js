// A live session as every phone follows it: the server's clock, the event stream, and
// countdowns drawn from a step's start instant in server time (never by counting ticks).
import { api } from './api.js';

const ROUND_TRIPS = 5;

// The server's clock minus this phone's, in ms: of several round trips the one with the
// lowest round-trip time counts, offset = server time - (send + receive) / 2 (NTP's rule).
export async function clockOffset(rounds = ROUND_TRIPS) {
  let best = null;
  for (let i = 0; i < rounds; i += 1) {
    const sent = Date.now();
    const { server_time: serverTime } = await api('GET', '/api/time');
    const received = Date.now();
    const trip = received - sent;
    if (!best || trip < best.trip) best = { trip, offset: Date.parse(serverTime) - (sent + received) / 2 };
  }
  return best.offset;
}

// Whole seconds left of the session's step (null: a set of repetitions, no clock).
export function secondsLeft(state, offset) {
  const step = state?.step;
  if (!step || step.duration_s == null) return null;
  if (state.status === 'paused') return step.remaining_s ?? null;
  const end = Date.parse(step.started_at) + step.duration_s * 1000;
  return Math.max(0, Math.ceil((end - (Date.now() + offset)) / 1000));
}

// Follows the session: onState(document, offset) for every newer state. The clock is
// estimated on start and again on every reconnect; a phone back from the background
// (iPhones drop connections there) re-reads the state at once.
export function follow(id, onState) {
  let source = null;
  let offset = 0;
  let version = 0;
  let ended = false;
  const take = (doc) => {
    if (doc.version < version) return;
    version = doc.version;
    ended = doc.status === 'ended';
    onState(doc, offset);
    if (ended) source?.close();
  };
  const estimate = async () => {
    try {
      offset = await clockOffset();
    } catch {
      // offline for a moment: keep the last estimate
    }
  };
  const open = () => {
    source = new EventSource(`/api/sessions/${id}/events`);
    source.addEventListener('state', (event) => take(JSON.parse(event.data)));
    let lost = false;
    source.addEventListener('error', () => { lost = true; });
    source.addEventListener('open', () => {
      if (lost) estimate();
    });
  };
  const reread = async () => {
    if (document.visibilityState !== 'visible' || ended) return;
    await estimate();
    try {
      take(await api('GET', `/api/sessions/${id}`));
    } catch {
      return;
    }
    if (!ended && source?.readyState === EventSource.CLOSED) open();
  };
  document.addEventListener('visibilitychange', reread);
  estimate().then(open);
  return {
    get offset() { return offset; },
    take,
    close() {
      document.removeEventListener('visibilitychange', reread);
      source?.close();
    },
  };
}
