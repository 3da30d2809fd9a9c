// Pieces the team screens share: who may see them, their sub-navigation, week labels,
// and the API's field errors placed next to the fields they belong to.
import { h } from '../dom.js';
import { date, t } from '../i18n.js';

export const SHORT = { day: 'numeric', month: 'short' };
export const LONG = { day: 'numeric', month: 'long', year: 'numeric' };
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function runsTeams(person) {
  return person?.role === 'lead' || person?.role === 'admin';
}

export function isAdmin(person) {
  return person?.role === 'admin';
}

export function section(id, title, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// "Week 12 (17 Mar)": the ISO week number and its Monday.
export function weekLabel(monday) {
  return t('week_of', { n: isoWeek(monday), date: date(monday, SHORT) });
}

// For a table's row header: "Week 12" over its Monday.
export function weekCell(monday) {
  return h('span', { class: 'week-label' }, t('week_n_short', { n: isoWeek(monday) }), h('small', {}, date(monday, SHORT)));
}

export function isoWeek(isoDate) {
  // The week's Thursday decides the year; week 1 holds 4 January.
  const thursday = new Date(`${isoDate}T12:00:00Z`);
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const january4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4, 12));
  const week1Thursday = new Date(january4);
  week1Thursday.setUTCDate(january4.getUTCDate() + 3 - ((january4.getUTCDay() + 6) % 7));
  return 1 + Math.round((thursday - week1Thursday) / (7 * 864e5));
}

// The Monday of the week a YYYY-MM-DD date falls in, as YYYY-MM-DD.
export function mondayOf(isoDate) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

// Links between the screens of one team; the current one is marked. Whoever runs
// several teams (an admin, or a lead of more than one) also gets the list of them.
export function teamNav(team, current, person, teams = []) {
  const links = [
    [`/team/${team.id}`, t('team_overview')],
    [`/team/${team.id}/invites`, t('invite_members')],
    [`/team/${team.id}/settings`, t('team_settings')],
    [`/team/${team.id}/polls`, t('polls_nav')],
    ['/team/plan', t('plan')],
  ];
  if (isAdmin(person) || teams.length > 1) links.unshift(['/team', t('all_teams')]);
  return h('nav', { class: 'subnav', 'aria-label': t('team_screens') },
    links.map(([href, label]) => h('a', {
      href, class: 'chip-link', 'aria-current': href === current ? 'page' : false,
    }, label)));
}

// A slot under a field for its errors, tied to the field for screen readers.
export function errorSlot(field) {
  const slot = h('div', { id: `err-${field.id}`, class: 'error', role: 'alert' });
  field.setAttribute('aria-describedby', [field.getAttribute('aria-describedby'), slot.id].filter(Boolean).join(' '));
  return slot;
}

// The messages of a field, also when they sit deeper (a list's items: {"1": {...}}).
function messagesIn(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(messagesIn);
  return value && typeof value === 'object' ? Object.values(value).flatMap(messagesIn) : [];
}

// Puts each of the API's field messages (422 `errors.json`) into the slot named for
// it; `intro` may add a line in the app's language above the API's own words.
// Returns the messages no slot took, for a general line.
export function showFieldErrors(slots, error, intro = {}) {
  for (const [, { slot, field }] of Object.entries(slots)) {
    slot.replaceChildren();
    field?.removeAttribute('aria-invalid');
  }
  const fields = error?.body?.errors?.json || {};
  const left = [];
  for (const [name, messages] of Object.entries(fields)) {
    const list = messagesIn(messages);
    const target = slots[name];
    if (!target) {
      left.push(...(list.length ? list : [JSON.stringify(messages)]));
      continue;
    }
    target.field?.setAttribute('aria-invalid', 'true');
    if (intro[name]) target.slot.append(h('p', {}, intro[name]));
    // The API answers in the person's language, the app's own: no lang of its own.
    target.slot.append(...list.map((message) => h('p', {}, message)));
  }
  if (!Object.keys(fields).length && error) left.push(error.message);
  return left;
}

export function clearFieldErrors(slots) {
  showFieldErrors(slots, null);
}

// A form that sends to the API: each submit clears the last answer's errors and runs
// send(); a refusal puts the API's field errors under their fields (after the intro
// line in the app's language, if any), the rest in `general`, and focuses the first.
export function apiForm({ slots, general, note = null, intro = {}, send }, ...children) {
  return h('form', {
    class: 'stack',
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      clearFieldErrors(slots);
      general.textContent = '';
      if (note) note.textContent = '';
      try {
        await send();
      } catch (error) {
        general.textContent = showFieldErrors(slots, error, intro).join(' ');
        const first = Object.keys(error.body?.errors?.json ?? {})[0];
        (slots[first]?.field ?? slots[first]?.slot)?.focus?.();
      }
    },
  }, ...children);
}
