// Join: an invite link shows the workplace and team; pick a name, language, sharing.
import { api, ApiError } from '../api.js';
import { joinedHere } from '../session.js';
import { h, replace } from '../dom.js';
import { t, useLanguage } from '../i18n.js';
import { startReplaying } from '../outbox.js';

let chosen = null; // the language picked on this screen, kept across its re-render

export async function show(main, { go }) {
  const token = location.pathname.split('/')[2] || '';
  let invite;
  try {
    invite = await api('GET', `/api/invites/${encodeURIComponent(token)}`);
  } catch (error) {
    replace(main, h('h1', {}, t('join')), h('p', { role: 'alert' },
      error instanceof ApiError ? t('invite_unusable') : t('offline_join')));
    return;
  }
  const language = await useLanguage(chosen || invite.language);
  const error = h('p', { role: 'alert', class: 'error' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        const body = await api('POST', `/api/invites/${encodeURIComponent(token)}/accept`, {
          display_name: String(data.get('display_name')).trim(),
          language: data.get('language'),
          share_participation: data.get('share') === 'on',
        });
        await joinedHere(body);
        startReplaying();
        go('/today', { replaceState: true });
      } catch (failure) {
        error.textContent = failure.body?.errors?.json?.display_name?.[0] || failure.message;
      }
    },
  },
  h('div', { class: 'field' },
    h('label', { for: 'display_name' }, t('display_name')),
    h('input', { id: 'display_name', name: 'display_name', required: true, maxlength: 60, autocomplete: 'nickname' })),
  h('fieldset', {}, h('legend', {}, t('language')),
    ['da', 'en'].map((code) => h('div', { class: 'check' },
      h('input', { type: 'radio', id: `lang-${code}`, name: 'language', value: code, checked: code === language,
        onchange: async () => {
          chosen = code;
          const name = form.querySelector('#display_name').value;
          await show(main, { go });
          main.querySelector('#display_name').value = name;
          main.querySelector(`#lang-${code}`).focus();
        } }),
      h('label', { for: `lang-${code}`, lang: code }, code === 'da' ? 'Dansk' : 'English')))),
  h('div', { class: 'check' },
    h('input', { type: 'checkbox', id: 'share', name: 'share' }),
    h('label', { for: 'share' }, t('share_label'))),
  h('p', { class: 'hint' }, t('share_hint')),
  error,
  h('button', { type: 'submit', class: 'button primary' }, t('join_button')));
  replace(main,
    h('h1', {}, t('join')),
    h('p', { class: 'lede' }, t('join_intro', { team: invite.team.name, workplace: invite.workplace.name })),
    form);
}
