// This phone's push subscription, and keeping the server's copy of it.
//
// The server binds a subscription to the device session that posted it and lets it go
// when that session ends — signed out or ended from another device, or run out — but
// the browser keeps its PushSubscription. So at each sign-in and whenever the
// reminder settings open, the app asks whether the server still sends to this phone
// and, if not, posts the subscription again (the server keys devices by endpoint, so
// posting twice replaces, never duplicates). Nothing is posted while the person has
// reminders off. Signing out on this phone unsubscribes the browser too (session.js):
// whoever signs in next turns notifications on for themselves. A subscription some
// other person made here (their session ended elsewhere) is let go, not taken over.
import { api, ApiError } from './api.js';
import { meta } from './store.js';

// Who the browser's subscription was made for ('meta', kept until sign-out clears it).
const OWNER = 'push-person';

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

// iPhone and iPad get web push only in an app added to the home screen (iOS 16.4+).
export function onIosBrowser() {
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent)
    || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  const standalone = matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
  return ios && !standalone;
}

function serverKey(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

// This phone's subscription, if the worker is registered and has one.
export async function thisPhonesSubscription() {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

// A new subscription from the browser's push service (may never settle in a browser
// without one: the caller bounds it).
export async function subscribeThisPhone() {
  const { public_key: key } = await api('GET', '/api/push/public-key');
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey(key) });
}

// Tell the server about this phone's subscription, made for this person.
export async function postSubscription(subscription, person) {
  const stored = await api('POST', '/api/push/subscriptions', subscription.toJSON());
  await meta.set(OWNER, person.id);
  return stored;
}

// Unsubscribe this phone in the browser (signing out, or a new account made here):
// no one's reminders reach it until someone turns notifications on.
export async function letGoOfThisPhone() {
  try {
    await (await thisPhonesSubscription())?.unsubscribe();
    await meta.remove(OWNER);
  } catch {
    // no worker, no push support, or the push service is out of reach: nothing to undo
  }
}

async function knownHere(subscription) {
  try {
    await api('GET', `/api/push/subscriptions?endpoint=${encodeURIComponent(subscription.endpoint)}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

async function check(person, view) {
  if (!person || !pushSupported() || onIosBrowser()) return false;
  if (Notification.permission !== 'granted') return false;
  const subscription = await thisPhonesSubscription();
  if (!subscription) return false;
  const owner = await meta.get(OWNER);
  if (owner !== undefined && owner !== person.id) {
    // Someone else's, whose session here ended: their reminders stopped with it.
    await subscription.unsubscribe().catch(() => false);
    await meta.remove(OWNER);
    return false;
  }
  const reminders = view ?? await api('GET', '/api/me/reminders');
  if (!reminders.enabled) return false; // the person's choice: nothing goes out
  if (await knownHere(subscription)) return false;
  await postSubscription(subscription, person);
  return true;
}

let checking = null;

// Post this phone's subscription again if the server no longer sends to it and the
// person has reminders on (`view`: their GET /api/me/reminders, read if not given).
// Resolves to true when it was posted; never rejects: offline, or any failure, leaves
// it for the next sign-in or visit to settings. One check at a time.
export function keepThisPhoneSubscribed(person, view = null) {
  checking ??= check(person, view)
    .catch(() => false)
    .finally(() => { checking = null; });
  return checking;
}
