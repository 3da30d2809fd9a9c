// Invite members: make an invite (role, uses, days valid), show its link and QR code,
// list the open invites and withdraw one.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import { apiForm, errorSlot, isAdmin, section, SHORT, teamNav } from './team_parts.js';

// The API's QR code is a standalone SVG document. Inlining markup is what the app never
// does, so it becomes an image: an <img> runs no script and loads nothing else, and the
// policy allows data: images.
function qrImageUrl(markup) {
  const text = String(markup).trim();
  if (!/^<svg[\s>]/.test(text)) return null;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}

function isOpen(invite, now) {
  return !invite.revoked && new Date(invite.expires_at) > now && invite.uses < invite.max_uses;
}

function roleName(role) {
  return t(`role_${role}`);
}

function createdCard(invite) {
  const link = h('input', { id: 'invite-url', readonly: true, value: invite.url });
  const copied = h('p', { class: 'hint', role: 'status' });
  const src = qrImageUrl(invite.qr_svg);
  return h('div', { class: 'invite-made' },
    h('h3', { tabindex: -1 }, t('invite_ready', { role: roleName(invite.role) })),
    src ? h('img', { class: 'qr', src, alt: t('qr_alt'), width: 220, height: 220 }) : null,
    h('label', { for: 'invite-url' }, t('invite_link')),
    link,
    h('div', { class: 'row' },
      navigator.clipboard ? h('button', {
        type: 'button',
        class: 'button secondary',
        onclick: () => navigator.clipboard.writeText(invite.url).then(
          () => { copied.textContent = t('copied'); },
          () => { link.select(); },
        ),
      }, t('copy_link')) : null,
      navigator.share ? h('button', { type: 'button', class: 'button secondary',
        onclick: () => navigator.share({ url: invite.url }).catch(() => undefined) }, t('share_link')) : null),
    copied,
    h('p', { class: 'hint' }, t('invite_shown_once')));
}

function inviteList(invites, onRevoke) {
  const now = new Date();
  const open = invites.filter((invite) => isOpen(invite, now));
  if (!open.length) return h('p', {}, t('no_open_invites'));
  return h('ul', { class: 'invite-list' }, open.map((invite) => h('li', {},
    h('span', {},
      h('strong', {}, roleName(invite.role)), ' · ',
      t('invite_uses', { n: invite.uses, m: invite.max_uses }), ' · ',
      t('invite_expires', { date: date(invite.expires_at, SHORT) })),
    h('button', {
      type: 'button',
      class: 'button danger small',
      'aria-label': t('revoke_invite_named', { role: roleName(invite.role), date: date(invite.created_at, SHORT) }),
      onclick: () => onRevoke(invite),
    }, t('revoke')))));
}

export async function show(main, ctx) {
  const { team, session } = ctx;
  const listSlot = h('div');
  const listNote = h('p', { role: 'status', class: 'hint' });
  const result = h('div');
  const general = h('p', { role: 'alert', class: 'error' });

  async function refresh() {
    const invites = await api('GET', `/api/teams/${team.id}/invites`);
    replace(listSlot, inviteList(invites, async (invite) => {
      try {
        await api('DELETE', `/api/invites/${invite.id}`);
        listNote.textContent = t('invite_revoked');
        await refresh();
        main.querySelector('#invite-list-heading')?.focus();
      } catch (error) {
        listNote.textContent = error.message;
      }
    }));
  }

  const roles = ['member', 'lead', ...(isAdmin(session.person) ? ['admin'] : [])];
  const role = h('select', { id: 'invite-role', name: 'role' },
    roles.map((value) => h('option', { value }, roleName(value))));
  const uses = h('input', { id: 'invite-uses', name: 'max_uses', type: 'number', min: 1, max: 500, value: 10, required: true, inputmode: 'numeric' });
  const days = h('input', { id: 'invite-days', name: 'expires_in_days', type: 'number', min: 1, max: 90, value: 14, required: true, inputmode: 'numeric' });
  const slots = {
    role: { field: role, slot: errorSlot(role) },
    max_uses: { field: uses, slot: errorSlot(uses) },
    expires_in_days: { field: days, slot: errorSlot(days) },
  };
  const form = apiForm({
    slots,
    general,
    send: async () => {
      const invite = await api('POST', `/api/teams/${team.id}/invites`, {
        role: role.value,
        max_uses: Number(uses.value),
        expires_in_days: Number(days.value),
      });
      replace(result, createdCard(invite));
      await refresh();
      result.querySelector('h3')?.focus(); // where the link and code now are
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'invite-role' }, t('invite_role')), role, slots.role.slot),
  h('div', { class: 'field' }, h('label', { for: 'invite-uses' }, t('invite_max_uses')), uses, slots.max_uses.slot),
  h('div', { class: 'field' }, h('label', { for: 'invite-days' }, t('invite_days')), days, slots.expires_in_days.slot),
  general,
  h('button', { type: 'submit', class: 'button primary' }, t('make_invite')));

  replace(main,
    h('h1', {}, t('invite_members')),
    h('p', { class: 'lede' }, team.name),
    teamNav(team, `/team/${team.id}/invites`, session.person, ctx.teams),
    section('i-new', t('new_invite'), h('p', { class: 'hint' }, t('invite_intro')), form, result),
    h('section', { class: 'card', 'aria-labelledby': 'invite-list-heading' },
      h('h2', { id: 'invite-list-heading', tabindex: -1 }, t('open_invites')),
      listNote,
      listSlot));
  await refresh();
}
