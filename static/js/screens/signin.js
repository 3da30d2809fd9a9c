// A sign-in link made on another phone: one button signs this phone in.
import { api } from '../api.js';
import { signedInAgain } from '../session.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { startReplaying } from '../outbox.js';

export async function show(main, { go }) {
  const token = location.pathname.split('/')[2] || '';
  const error = h('p', { role: 'alert', class: 'error' });
  // A button, not an automatic request: link previews in chat apps must not use it up.
  const button = h('button', {
    type: 'button',
    class: 'button primary',
    onclick: async () => {
      try {
        await signedInAgain(await api('POST', `/api/auth/sign-in-links/${encodeURIComponent(token)}`));
        startReplaying();
        go('/today', { replaceState: true });
      } catch {
        error.textContent = t('sign_in_link_unusable');
      }
    },
  }, t('sign_in_here'));
  replace(main, h('h1', {}, t('sign_in')), h('p', { class: 'lede' }, t('sign_in_link_intro')), button, error);
}
