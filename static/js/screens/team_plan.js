// The instruction plan: the project's dates, the instructor weeks (and how many of the
// 15 are left), key persons per team, and each team's phase starts against the visits.
// Leads read their team's part; an admin reads the whole and edits it.
import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import {
  apiForm, errorSlot, isAdmin, isoWeek, LONG, mondayOf, section, SHORT, teamNav, weekLabel,
} from './team_parts.js';

const MAX_WEEKS = 15; // Arbejdsmiljøpuljen's limit; the API is the judge, this only counts

async function planOrNothing(path) {
  try {
    return await api('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function teamPart(teamPlan) {
  const id = `plan-team-${teamPlan.team_id}`;
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h3', { id }, teamPlan.team_name),
    h('p', {}, h('strong', {}, `${t('key_persons')}: `),
      teamPlan.key_persons.length ? teamPlan.key_persons.map((p) => p.display_name).join(', ') : t('no_key_persons')),
    teamPlan.phase_starts.length ? h('ul', { class: 'phase-list', 'aria-label': t('phase_starts') },
      teamPlan.phase_starts.map((s) => h('li', { class: s.at_visit ? 'at-visit' : 'alone' },
        t('phase_start', { week: s.program_week, when: weekLabel(s.week_start) }), ' — ',
        s.at_visit ? t('with_instructor') : t('without_instructor')))) : null,
    // The list above marks each such week; the API's own wording is one tap away.
    teamPlan.warnings.length ? h('div', { class: 'note warn' },
      h('p', {}, h('strong', {}, t('plan_warnings', { n: teamPlan.warnings.length }))),
      h('details', {}, h('summary', {}, t('plan_warnings_details')),
        h('ul', {}, teamPlan.warnings.map((w) => h('li', {}, w))))) : null);
}

function planView(plan) {
  if (!plan) return section('plan-view', t('plan_now'), h('p', {}, t('no_plan')));
  return section('plan-view', t('plan_now'),
    h('dl', { class: 'facts' },
      h('dt', {}, t('project_period')),
      h('dd', {}, `${date(plan.starts_on, LONG)} – ${date(plan.ends_on, LONG)}`),
      h('dt', {}, t('instructor_weeks')),
      h('dd', { id: 'weeks-left' }, t('instructor_weeks_used', {
        n: plan.instructor_weeks.length, left: plan.instructor_weeks_left,
      })),
      plan.instructor_weeks.length ? h('dd', {}, h('ul', { class: 'week-list' },
        plan.instructor_weeks.map((w) => h('li', {}, weekLabel(w))))) : null),
    plan.teams.map(teamPart));
}

// Per team, a checkbox for each of its leads (from GET /api/teams), ticked when the
// plan has them as key persons. A key person who is no longer one of the team's leads
// stays ticked and says so: saving as it is then names them in the API's refusal,
// rather than dropping them without a word.
function keyPersonChoices(teams, plan) {
  const chosen = new Map((plan?.teams ?? []).map((part) => [part.team_id, part.key_persons]));
  const boxes = [];
  const groups = teams.map((team) => {
    const current = chosen.get(team.id) ?? [];
    const leadIds = new Set(team.leads.map((lead) => lead.id));
    const people = [...team.leads, ...current.filter((p) => !leadIds.has(p.id))];
    if (!people.length) {
      return h('fieldset', { class: 'key-team' }, h('legend', {}, team.name),
        h('p', { class: 'hint' }, t('team_has_no_lead'), ' ',
          h('a', { href: `/team/${team.id}/invites` }, t('invite_a_lead', { team: team.name }))));
    }
    return h('fieldset', { class: 'key-team' }, h('legend', {}, team.name),
      people.map((person) => {
        const id = `key-${team.id}-${person.id}`;
        const box = h('input', {
          type: 'checkbox', id, checked: current.some((p) => p.id === person.id),
        });
        boxes.push({ box, teamId: team.id, personId: person.id });
        return h('div', { class: 'check' }, box, h('label', { for: id }, person.display_name,
          leadIds.has(person.id) ? null : h('small', { class: 'hint' }, ` (${t('no_longer_lead')})`)));
      }));
  });
  const box = h('fieldset', { id: 'plan-key-persons', tabindex: -1 },
    h('legend', {}, t('key_persons')),
    h('p', { class: 'hint' }, t('key_persons_hint')),
    groups);
  // The plan's key_persons: one entry per team with at least one ticked.
  const value = () => {
    const byTeam = new Map();
    for (const { box: input, teamId, personId } of boxes) {
      if (!input.checked) continue;
      if (!byTeam.has(teamId)) byTeam.set(teamId, []);
      byTeam.get(teamId).push(personId);
    }
    return [...byTeam].map(([team_id, person_ids]) => ({ team_id, person_ids }));
  };
  return { box, value };
}

// The admin's form: dates, instructor weeks and each team's key persons.
function planForm(plan, teams, onSaved) {
  const starts = h('input', { id: 'plan-starts', type: 'date', value: plan?.starts_on ?? '' });
  const ends = h('input', { id: 'plan-ends', type: 'date', value: plan?.ends_on ?? '' });
  const weeksBox = h('fieldset', { id: 'plan-weeks', tabindex: -1 }, h('legend', {}, t('instructor_weeks')));
  const keyPersons = keyPersonChoices(teams, plan);
  const rows = h('ol', { class: 'week-inputs' });
  const counter = h('p', { class: 'hint', 'aria-live': 'polite' });
  const slots = {
    starts_on: { field: starts, slot: errorSlot(starts) },
    ends_on: { field: ends, slot: errorSlot(ends) },
    instructor_weeks: { field: weeksBox, slot: errorSlot(weeksBox) },
    key_persons: { field: keyPersons.box, slot: errorSlot(keyPersons.box) },
  };
  const general = h('p', { role: 'alert', class: 'error' });
  const note = h('p', { role: 'status', class: 'hint' });
  let serial = 0;

  const inputs = () => [...rows.querySelectorAll('input')];
  const count = () => {
    const n = inputs().filter((input) => input.value).length;
    counter.textContent = t('weeks_chosen', { n, max: MAX_WEEKS });
    counter.classList.toggle('error', n > MAX_WEEKS);
  };
  const addWeek = (value) => {
    serial += 1;
    const id = `plan-week-${serial}`;
    const shown = h('output', { for: id, class: 'hint' });
    const describe = () => {
      shown.textContent = input.value
        ? t('week_shown_as', { n: isoWeek(input.value), date: date(mondayOf(input.value), SHORT) }) : '';
    };
    const input = h('input', { id, type: 'date', value: value ?? '', oninput: () => { describe(); count(); } });
    describe();
    const row = h('li', { class: 'week-row' },
      h('label', { for: id }, t('week_day_label')),
      shown,
      h('div', { class: 'row' }, input, h('button', {
        type: 'button',
        class: 'button danger small',
        'aria-label': t('remove_week_n', { n: serial }),
        onclick: () => { row.remove(); count(); },
      }, t('remove'))));
    rows.append(row);
    count();
    return input;
  };
  // The next week after the last one given, else the project's first week.
  const nextWeek = () => {
    const given = inputs().map((i) => i.value).filter(Boolean).sort();
    const base = given.at(-1) ?? starts.value;
    if (!base) return '';
    const monday = new Date(`${mondayOf(base)}T12:00:00Z`);
    if (given.length) monday.setUTCDate(monday.getUTCDate() + 7);
    return monday.toISOString().slice(0, 10);
  };
  for (const week of plan?.instructor_weeks ?? []) addWeek(week);
  weeksBox.append(
    h('p', { class: 'hint' }, t('week_hint')),
    rows,
    counter,
    h('button', { type: 'button', class: 'button secondary', onclick: () => addWeek(nextWeek()).focus() }, t('add_week')));
  count();

  const form = apiForm({
    slots,
    general,
    note,
    intro: {
      starts_on: t('limit_starts_on'),
      ends_on: t('limit_project_months'),
      instructor_weeks: t('limit_instructor_weeks', { max: MAX_WEEKS }),
      key_persons: t('limit_key_persons'),
    },
    send: async () => {
      const weeks = [...new Set(inputs().map((i) => i.value).filter(Boolean).map(mondayOf))];
      const saved = await api('PUT', '/api/workplace/plan', {
        starts_on: starts.value || null,
        ends_on: ends.value || null,
        instructor_weeks: weeks,
        key_persons: keyPersons.value(),
      });
      note.textContent = t('saved');
      // From now on there is a plan to change, not one to make.
      document.getElementById('plan-edit').textContent = t('edit_plan');
      onSaved(saved);
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'plan-starts' }, t('project_starts')), starts, slots.starts_on.slot),
  h('div', { class: 'field' }, h('label', { for: 'plan-ends' }, t('project_ends')), ends,
    h('p', { class: 'hint' }, t('project_ends_hint')), slots.ends_on.slot),
  weeksBox,
  slots.instructor_weeks.slot,
  keyPersons.box,
  slots.key_persons.slot,
  general,
  note,
  h('button', { type: 'submit', class: 'button primary' }, t('save_plan')));
  return section('plan-edit', plan ? t('edit_plan') : t('make_plan'), form);
}

export async function show(main, ctx) {
  const { teams, session } = ctx;
  const admin = isAdmin(session.person);
  const viewSlot = h('div');
  let plan;
  if (admin) {
    plan = await planOrNothing('/api/workplace/plan');
  } else {
    // A lead's teams share one workplace plan; each answer holds that team's part.
    const parts = (await Promise.all(teams.map((team) => planOrNothing(`/api/teams/${team.id}/plan`)))).filter(Boolean);
    plan = parts.length ? { ...parts[0], teams: parts.flatMap((p) => p.teams) } : null;
  }
  replace(viewSlot, planView(plan));
  const onSaved = (saved) => replace(viewSlot, planView(saved));
  replace(main,
    h('h1', {}, t('plan')),
    h('p', { class: 'lede' }, t('plan_intro', { max: MAX_WEEKS })),
    !admin && teams.length === 1 ? teamNav(teams[0], '/team/plan', session.person, teams) : null,
    admin ? h('nav', { class: 'subnav', 'aria-label': t('team_screens') },
      h('a', { href: '/team', class: 'chip-link' }, t('all_teams'))) : null,
    viewSlot,
    admin ? planForm(plan, teams, onSaved) : null);
}
