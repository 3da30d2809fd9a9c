// Who is signed in on this phone: the person (and the browser's install offer), and the
// moments that change it. Screens and app.js both import it; it imports no screen.
import { setCsrf } from './api.js';
import { useLanguage } from './i18n.js';
import { keepThisPhoneSubscribed, letGoOfThisPhone } from './push.js';
import { meta } from './store.js';

export const session = { person: null, installPrompt: null };

// A signed-in person: remember them (and the CSRF token) for offline start-ups.
export async function signedIn(body) {
  session.person = body.person;
  setCsrf(body.csrf_token);
  await meta.set('me', body);
  await useLanguage(body.person.language);
}

// Signed in anew on this phone (password, passkey or a sign-in link): a new device
// session, which no push subscription is bound to yet. If the browser kept this
// person's subscription from a session that ended elsewhere, the server gets it again
// (push.js), in the background: signing in does not wait for it.
export async function signedInAgain(body) {
  await signedIn(body);
  keepThisPhoneSubscribed(body.person);
}

// A new account made on this phone (an invite): whatever subscription the browser
// still holds was made for someone else, so it goes; notifications start off here.
export async function joinedHere(body) {
  await signedIn(body);
  await letGoOfThisPhone();
}

// The person changed (language, sharing): keep the remembered copy in step.
export async function remember(person) {
  const stored = await meta.get('me');
  if (stored) await meta.set('me', { ...stored, person });
}

export async function signedOut() {
  session.person = null;
  setCsrf(null);
  await meta.clear();
  navigator.serviceWorker?.controller?.postMessage({ type: 'signed-out' });
  // Reminders for someone no longer signed in here must stop reaching this phone (the
  // server forgets the device too, but the browser would keep a dead subscription):
  // whoever signs in here next turns notifications on for themselves (push.js).
  await letGoOfThisPhone();
}
