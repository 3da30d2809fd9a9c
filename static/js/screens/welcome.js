// Not signed in: how to get in (an invite link), or email and password.
import { api } from '../api.js';
import { signedIn } from '../app.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { startReplaying } from '../outbox.js';

export async function show(main, { go }) {
  const error = h('p', { role: 'alert', class: 'error' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        await signedIn(await api('POST', '/api/auth/login', {
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
    h('h2', {}, t('have_password')),
    form);
}
