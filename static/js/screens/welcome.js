// Not signed in: how to get in (an invite link), or email and password.
import { api } from '../api.js';
import { signedInAgain } from '../session.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { startReplaying } from '../outbox.js';
import * as passkeys from '../passkeys.js';

// One button, nothing typed: the browser offers the passkeys it holds for this site.
function passkeySignIn(go) {
  if (!passkeys.supported()) return null;
  const error = h('p', { role: 'alert', class: 'error' });
  const button = h('button', {
    type: 'button',
    class: 'button primary',
    onclick: async () => {
      error.textContent = '';
      try {
        const options = await api('POST', '/api/auth/passkeys/options');
        const credential = await passkeys.get(options);
        await signedInAgain(await api('POST', '/api/auth/passkeys/sign-in', { credential }));
        startReplaying();
        go('/today', { replaceState: true });
      } catch (failure) {
        // Cancelled in the browser's own dialog: nothing to say.
        if (failure.name === 'NotAllowedError' || failure.name === 'AbortError') return;
        error.textContent = failure.status ? t('passkey_failed') : failure.message;
      }
    },
  }, t('passkey_sign_in'));
  return h('div', { class: 'stack' }, h('h2', {}, t('have_passkey')), button, error);
}

export async function show(main, { go }) {
  const error = h('p', { role: 'alert', class: 'error' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        await signedInAgain(await api('POST', '/api/auth/login', {
          email: data.get('email'), password: data.get('password'),
        }));
        startReplaying();
        go('/today', { replaceState: true });
      } catch (failure) {
        error.textContent = failure.status === 401 ? t('login_failed') : failure.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'email' }, t('email')),
    h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'username' })),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('password')),
    h('input', { id: 'password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
  error,
  h('button', { type: 'submit', class: 'button primary' }, t('sign_in')));
  replace(main,
    h('h1', {}, t('welcome')),
    h('p', { class: 'lede' }, t('welcome_intro')),
    passkeySignIn(go),
    h('h2', {}, t('have_password')),
    form);
}
