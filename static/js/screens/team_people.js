// The workplace's people, for an admin: who has an account, by team, and removing one
// who leaves (with a confirm step). Names, roles and teams only: nothing of anyone's
// training is shown here.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import { LONG, section } from './team_parts.js';

function byTeam(people) {
  const groups = new Map();
  for (const person of people) {
    const key = person.team ? person.team.name : '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(person);
  }
  // Teams by name; people without a team (admins, mostly) last.
  return [...groups.entries()].sort(([a], [b]) => (a === '') - (b === '') || a.localeCompare(b));
}

function confirmRemoval(slot, person, onRemove) {
  const cancel = h('button', { type: 'button', class: 'button secondary small', onclick: () => replace(slot) }, t('cancel'));
  replace(slot,
    h('div', { class: 'confirm', role: 'group', 'aria-label': t('remove_person_named', { name: person.display_name }) },
      h('p', {}, t('remove_person_sure', { name: person.display_name })),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'button danger small', id: `remove-confirm-${person.id}`, onclick: () => onRemove(person) },
          t('remove_person_confirm')),
        cancel)));
  slot.querySelector('button').focus();
}

function personRow(person, me, onRemove) {
  const slot = h('div');
  return h('li', { class: 'person-row' },
    h('span', {},
      h('strong', {}, person.display_name), ' · ', t(`role_${person.role}`),
      h('small', { class: 'member-facts' }, ` · ${t('joined_on', { date: date(person.joined_at, LONG) })}`)),
    person.id === me.id ? h('span', { class: 'hint' }, t('this_is_you')) : h('button', {
      type: 'button',
      class: 'button danger small',
      'aria-label': t('remove_person_named', { name: person.display_name }),
      onclick: () => confirmRemoval(slot, person, onRemove),
    }, t('remove_person')),
    slot);
}

export async function show(main, ctx) {
  const me = ctx.session.person;
  const listSlot = h('div');
  const note = h('p', { role: 'status', class: 'hint', id: 'people-note' });

  async function refresh() {
    const people = await api('GET', '/api/people');
    replace(listSlot, ...byTeam(people).map(([team, members]) => h('div', { class: 'people-group' },
      h('h3', {}, team || t('no_team')),
      h('ul', { class: 'people-list' }, members.map((person) => personRow(person, me, remove))))));
  }

  async function remove(person) {
    let said;
    try {
      await api('DELETE', `/api/people/${person.id}`);
      said = t('person_removed', { name: person.display_name });
    } catch (error) {
      said = error.message;
    }
    await refresh(); // the list as it is now, then what happened
    note.textContent = said;
    main.querySelector('#people-heading')?.focus();
  }

  replace(main,
    h('h1', {}, t('people')),
    h('nav', { class: 'subnav', 'aria-label': t('team_screens') }, h('a', { href: '/team' }, t('all_teams'))),
    h('section', { class: 'card', 'aria-labelledby': 'people-heading' },
      h('h2', { id: 'people-heading', tabindex: -1 }, t('people_in_workplace')),
      h('p', { class: 'hint' }, t('people_intro')),
      note,
      listSlot),
    section('p-removal', t('removal_what'), h('p', {}, t('removal_explained'))));
  await refresh();
}
