// The team's program and its reminder time and workdays (PATCH /api/teams/<id>), with
// the API's field errors under the fields.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { language, number, t } from '../i18n.js';
import { apiForm, DAYS, errorSlot, section, teamNav } from './team_parts.js';

function programOption(program, current) {
  return h('option', { value: program.slug, selected: program.slug === current },
    t('program_option', {
      name: program.name,
      sessions: program.sessions_per_week,
      minutes: program.session_minutes,
    }));
}

export async function show(main, ctx) {
  const { session } = ctx;
  let team = ctx.team;
  const { programs } = await api('GET', `/api/programs?lang=${language()}`);
  const purpose = h('p', { id: 'program-purpose', class: 'hint' });
  const program = h('select', { id: 'team-program', 'aria-describedby': 'program-purpose' },
    programs.map((p) => programOption(p, team.program)),
    // A program the catalogue no longer has stays visible until it is changed.
    programs.some((p) => p.slug === team.program) ? null : h('option', { value: team.program, selected: true }, team.program));
  const describe = () => {
    const chosen = programs.find((p) => p.slug === program.value);
    purpose.textContent = chosen ? `${chosen.purpose} ${t('program_weeks', { n: chosen.duration_weeks })}` : '';
  };
  program.addEventListener('change', describe);
  describe();

  const time = h('input', { id: 'team-time', type: 'time', value: team.reminder_time || '' });
  const boxes = DAYS.map((day) => h('input', {
    type: 'checkbox', id: `team-day-${day}`, value: day, checked: (team.workdays || []).includes(day),
  }));
  const daysSet = h('fieldset', { id: 'team-days', tabindex: -1 },
    h('legend', {}, t('team_workdays')),
    boxes.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id }, t(`day_${box.value}`)))));
  const slots = {
    program: { field: program, slot: errorSlot(program) },
    reminder_time: { field: time, slot: errorSlot(time) },
    workdays: { field: daysSet, slot: errorSlot(daysSet) },
  };
  const note = h('p', { role: 'status', class: 'hint' });
  const general = h('p', { role: 'alert', class: 'error' });
  const current = h('p', { class: 'lede' });
  const summarise = () => {
    const chosen = programs.find((p) => p.slug === team.program);
    current.textContent = t('team_now', {
      program: chosen?.name ?? team.program,
      time: team.reminder_time ?? '–',
      days: number((team.workdays || []).length),
    });
  };
  summarise();

  const form = apiForm({
    slots,
    general,
    note,
    send: async () => {
      team = await api('PATCH', `/api/teams/${team.id}`, {
        program: program.value,
        reminder_time: time.value,
        workdays: boxes.filter((box) => box.checked).map((box) => box.value),
      });
      summarise();
      note.textContent = t('saved');
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'team-program' }, t('team_program')), program, purpose, slots.program.slot),
  h('div', { class: 'field' }, h('label', { for: 'team-time' }, t('team_reminder_time')), time,
    h('p', { class: 'hint' }, t('team_time_hint')), slots.reminder_time.slot),
  daysSet,
  slots.workdays.slot,
  general,
  note,
  h('button', { type: 'submit', class: 'button primary' }, t('save')));

  replace(main,
    h('h1', {}, t('team_settings')),
    h('p', { class: 'lede' }, team.name),
    teamNav(team, `/team/${team.id}/settings`, session.person, ctx.teams),
    section('ts-form', t('program_and_reminder'), current, form));
}
