// Who is signed in on this phone: the person (and the browser's install offer), and the
// three moments that change it. Screens and app.js both import it; it imports no screen.
import { setCsrf } from './api.js';
import { useLanguage } from './i18n.js';
import { meta } from './store.js';

export const session = { person: null, installPrompt: null };

// A signed-in person: remember them (and the CSRF token) for offline start-ups.
export async function signedIn(body) {
  session.person = body.person;
  setCsrf(body.csrf_token);
  await meta.set('me', body);
  await useLanguage(body.person.language);
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
  // server forgets the device too, but the browser would keep a dead subscription).
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await (await registration?.pushManager?.getSubscription())?.unsubscribe();
  } catch {
    // no worker, no push support, or the push service is out of reach: nothing to undo
  }
}
