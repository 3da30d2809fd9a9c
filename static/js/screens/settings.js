// Settings: language, sharing, a sign-in link for a new phone, email and password,
// signed-in devices, install, export and erase.
import { api } from '../api.js';
import { remember, signedOut } from '../session.js';
import { h, replace } from '../dom.js';
import { date, t, useLanguage } from '../i18n.js';
import * as passkeys from '../passkeys.js';
import { thisPhonesSubscription } from '../push.js';
import { reminderSettings } from './reminders.js';

function section(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

function saved(element, message = t('saved')) {
  element.textContent = message;
}

function preferences(ctx) {
  const person = ctx.session.person;
  const note = h('p', { class: 'hint', role: 'status' });
  const patch = async (changes) => {
    try {
      const updated = await api('PATCH', '/api/me', changes);
      Object.assign(person, updated);
      await remember(person);
      saved(note);
    } catch (error) {
      saved(note, error.message);
    }
  };
  return section('s-prefs', t('preferences'),
    h('div', { class: 'field' },
      h('label', { for: 'language' }, t('language')),
      h('select', {
        id: 'language',
        onchange: async (event) => {
          await patch({ language: event.target.value });
          await useLanguage(event.target.value);
          await ctx.go('/settings', { replaceState: true }); // the tabs change language too
          document.getElementById('language')?.focus();
        },
      }, ['da', 'en'].map((code) => h('option', { value: code, selected: person.language === code, lang: code },
        code === 'da' ? 'Dansk' : 'English')))),
    h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: 'sharing', checked: person.share_participation,
        onchange: (event) => patch({ share_participation: event.target.checked }) }),
      h('label', { for: 'sharing' }, t('share_label'))),
    h('p', { class: 'hint' }, t('share_hint')),
    note);
}

function newPhone() {
  const out = h('div', { role: 'status' });
  return section('s-phone', t('new_phone'),
    h('p', {}, t('new_phone_intro')),
    h('button', {
      type: 'button',
      class: 'button secondary',
      onclick: async () => {
        try {
          const link = await api('POST', '/api/me/sign-in-links');
          const field = h('input', { id: 'sign-in-url', readonly: true, value: link.url });
          replace(out,
            h('label', { for: 'sign-in-url' }, t('link_valid_until', { time: date(link.expires_at, { hour: '2-digit', minute: '2-digit' }) })),
            field,
            navigator.share ? h('button', { type: 'button', class: 'button secondary',
              onclick: () => navigator.share({ url: link.url }).catch(() => undefined) }, t('share_link')) : null);
          field.select();
        } catch (error) {
          replace(out, h('p', { role: 'alert' }, error.message));
        }
      },
    }, t('make_link')),
    out);
}

function credentials(ctx) {
  const person = ctx.session.person;
  const note = h('p', { role: 'status', class: 'hint' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const body = { email: data.get('email'), password: data.get('new_password') };
      if (person.has_password) body.current_password = data.get('current_password');
      try {
        const updated = await api('PUT', '/api/me/credentials', body);
        ctx.session.person = { ...person, ...updated };
        form.reset();
        saved(note);
      } catch (error) {
        const fields = error.body?.errors?.json;
        saved(note, fields ? Object.values(fields).flat().join(' ') : error.message);
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'cred-email' }, t('email')),
    h('input', { id: 'cred-email', name: 'email', type: 'email', required: true, value: person.email || '', autocomplete: 'username' })),
  person.has_password ? h('div', { class: 'field' }, h('label', { for: 'current_password' }, t('current_password')),
    h('input', { id: 'current_password', name: 'current_password', type: 'password', required: true, autocomplete: 'current-password' })) : null,
  h('div', { class: 'field' }, h('label', { for: 'new_password' }, t('new_password')),
    h('input', { id: 'new_password', name: 'new_password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password', 'aria-describedby': 'pw-hint' })),
  h('p', { id: 'pw-hint', class: 'hint' }, t('password_hint')),
  note,
  h('button', { type: 'submit', class: 'button secondary' }, t('save')));
  return section('s-cred', t('email_password'), form);
}

function install(ctx) {
  const standalone = matchMedia('(display-mode: standalone)').matches || navigator.standalone;
  if (standalone) return null;
  if (/iphone|ipad|ipod/i.test(navigator.userAgent)) {
    return section('s-install', t('install_title'),
      h('p', {}, t('ios_why')),
      h('ol', { class: 'steps' }, h('li', {}, t('ios_step1')), h('li', {}, t('ios_step2')), h('li', {}, t('ios_step3'))));
  }
  // Shown only once the browser offers to install: nothing to press before that.
  const slot = h('div');
  const card = section('s-install', t('install_title'), h('p', {}, t('install_why')), slot);
  card.hidden = true;
  const offer = () => {
    if (!ctx.session.installPrompt) return;
    card.hidden = false;
    replace(slot, h('button', {
      type: 'button',
      class: 'button primary',
      onclick: async () => {
        const prompt = ctx.session.installPrompt;
        ctx.session.installPrompt = null;
        card.hidden = true;
        await prompt.prompt();
      },
    }, t('install')));
  };
  offer();
  document.addEventListener('coach:installable', offer, { once: true });
  return card;
}

// Passkeys: sign in on this and other devices without a password; each one named.
function passkeyList() {
  if (!passkeys.supported()) return null;
  const list = h('ul', { class: 'devices', 'aria-live': 'polite' });
  const note = h('p', { role: 'status', class: 'hint' });
  const nameField = h('input', { id: 'passkey-name', name: 'name', required: true, maxlength: 60,
    value: /iphone|ipad|android/i.test(navigator.userAgent) ? t('passkey_phone') : t('passkey_computer') });

  const row = (passkey) => h('li', { class: 'device' },
    h('p', {}, h('strong', {}, passkey.name)),
    h('p', { class: 'hint' }, passkey.last_used_at
      ? t('passkey_used', { when: date(passkey.last_used_at, SEEN) })
      : t('passkey_added', { when: date(passkey.created_at, SEEN) })),
    h('button', {
      type: 'button',
      class: 'button secondary',
      'aria-label': t('passkey_remove_named', { name: passkey.name }),
      onclick: async () => {
        try {
          await api('DELETE', `/api/me/passkeys/${passkey.id}`);
          saved(note, t('passkey_removed'));
        } catch (error) {
          if (error.status !== 404) saved(note, error.message);
        }
        await load();
      },
    }, t('passkey_remove')));

  async function load() {
    try {
      replace(list, ...(await api('GET', '/api/me/passkeys')).map(row));
    } catch (error) {
      replace(list, h('li', { role: 'alert' }, error.message));
    }
  }

  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const credential = await passkeys.create(await api('POST', '/api/me/passkeys/options'));
        await api('POST', '/api/me/passkeys', { name: nameField.value, credential });
        saved(note, t('passkey_saved'));
        await load();
      } catch (error) {
        if (error.name === 'NotAllowedError' || error.name === 'AbortError') return;
        saved(note, error.name === 'InvalidStateError' ? t('passkey_exists') : error.message);
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'passkey-name' }, t('passkey_name')), nameField),
  h('button', { type: 'submit', class: 'button secondary' }, t('passkey_add')));
  load();
  return section('s-passkeys', t('passkeys'), h('p', {}, t('passkeys_intro')), list, form, note);
}

const SEEN = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };

// Every device signed in as me: a lost phone is ended from here, or all but this one.
function devices() {
  const list = h('ul', { class: 'devices', 'aria-live': 'polite' });
  const note = h('p', { role: 'status', class: 'hint' });
  const others = h('button', {
    type: 'button',
    class: 'button secondary',
    id: 'end-other-devices',
    hidden: true,
    onclick: async () => {
      try {
        const { ended } = await api('DELETE', '/api/me/devices');
        saved(note, t('devices_ended', { n: ended }));
        await load();
      } catch (error) {
        saved(note, error.message);
      }
    },
  }, t('devices_end_others'));

  const row = (device) => h('li', { class: 'device' },
    h('p', {},
      h('strong', {}, device.kind || t('device_unknown')),
      device.current ? h('span', { class: 'chip' }, t('device_this')) : null),
    h('p', { class: 'hint' }, t('device_seen', {
      seen: date(device.last_seen_at, SEEN),
      since: date(device.signed_in_at, { day: 'numeric', month: 'short', year: 'numeric' }),
      from: device.signed_in_from || '?',
    })),
    device.current ? null : h('button', {
      type: 'button',
      class: 'button secondary',
      'aria-label': t('device_end_named', { kind: device.kind || t('device_unknown') }),
      onclick: async () => {
        try {
          await api('DELETE', `/api/me/devices/${device.id}`);
          saved(note, t('devices_ended', { n: 1 }));
        } catch (error) {
          // Already signed out elsewhere: the list below shows what is left.
          if (error.status !== 404) saved(note, error.message);
        }
        await load();
      },
    }, t('device_end')));

  async function load() {
    try {
      const found = await api('GET', '/api/me/devices');
      replace(list, ...found.map(row));
      others.hidden = !found.some((device) => !device.current);
    } catch (error) {
      replace(list, h('li', { role: 'alert' }, error.message));
    }
  }
  load();
  return section('s-devices', t('devices'), h('p', {}, t('devices_intro')), list, others, note);
}

// Sign this phone out (a shared or a lost phone). Someone without email and password
// is told first that only a sign-in link from another phone brings them back.
function signOut(ctx) {
  const person = ctx.session.person;
  const note = h('p', { role: 'alert', class: 'error' });
  return section('s-signout', t('sign_out'),
    h('p', {}, person.has_password ? t('sign_out_intro') : t('sign_out_no_password')),
    h('button', {
      type: 'button',
      class: 'button secondary',
      onclick: async () => {
        try {
          // The server must stop sending this person's reminders to this phone.
          const device = await thisPhonesSubscription();
          if (device) await api('DELETE', `/api/push/subscriptions?endpoint=${encodeURIComponent(device.endpoint)}`);
          await api('POST', '/api/auth/logout');
          await signedOut();
          ctx.go('/', { replaceState: true });
          ctx.notify(t('signed_out'));
        } catch (error) {
          note.textContent = error.message;
        }
      },
    }, t('sign_out')),
    note);
}

function myData(ctx) {
  const confirmSlot = h('div');
  const note = h('p', { role: 'alert', class: 'error' });
  return section('s-data', t('my_data'),
    h('p', {}, h('a', { href: '/api/me/export.csv', download: '', class: 'button secondary' }, t('export'))),
    h('p', {}, t('delete_intro')),
    h('button', {
      type: 'button',
      class: 'button danger',
      onclick: () => {
        replace(confirmSlot, h('p', {}, t('delete_sure')), h('button', {
          type: 'button',
          class: 'button danger',
          id: 'delete-confirm',
          onclick: async () => {
            try {
              await api('DELETE', '/api/me');
              await signedOut();
              ctx.go('/', { replaceState: true });
              ctx.notify(t('deleted'));
            } catch (error) {
              note.textContent = error.status === 409 ? t('only_admin') : error.message;
            }
          },
        }, t('delete_confirm')));
        confirmSlot.querySelector('button').focus();
      },
    }, t('delete_account')),
    confirmSlot,
    note);
}

export async function show(main, ctx) {
  const reminders = reminderSettings(ctx);
  replace(main,
    h('h1', {}, t('settings')),
    h('p', { class: 'lede' }, ctx.session.person.display_name),
    preferences(ctx),
    reminders,
    install(ctx),
    newPhone(),
    credentials(ctx),
    passkeyList(),
    devices(),
    signOut(ctx),
    myData(ctx));
}
