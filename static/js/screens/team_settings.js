// The team's program and its reminder time and workdays (PATCH /api/teams/<id>), with
// the API's field errors under the fields.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { date, language, number, t } from '../i18n.js';
import { apiForm, DAYS, errorSlot, section, teamNav } from './team_parts.js';
import { KINDS } from './today_cardio.js';

const EFFORTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const NEW_CARDIO = { weekdays: [], activity: 'walking', minutes: 20, effort: 4 };

// Cardio days beside the strength routine: which weekdays, the kind, minutes and effort.
// No day ticked means no cardio days (the API's null).
function cardioChoices(current) {
  const plan = current ?? NEW_CARDIO;
  const days = DAYS.map((day) => h('input', {
    type: 'checkbox', id: `cardio-day-${day}`, value: day, checked: plan.weekdays.includes(day),
  }));
  const kind = h('select', { id: 'cardio-kind' },
    KINDS.map((k) => h('option', { value: k, selected: k === plan.activity }, t(`cardio_${k}`))));
  const minutes = h('input', {
    id: 'cardio-plan-minutes', type: 'number', min: 5, max: 180, step: 1, inputmode: 'numeric',
    value: String(plan.minutes),
  });
  const effort = h('select', { id: 'cardio-plan-effort', 'aria-describedby': 'cardio-plan-effort-hint' },
    EFFORTS.map((n) => h('option', { value: String(n), selected: n === plan.effort }, number(n))));
  const box = h('fieldset', { id: 'team-cardio', class: 'cardio-days', tabindex: -1 },
    h('legend', {}, t('team_cardio')),
    h('p', { class: 'hint' }, t('team_cardio_hint')),
    h('div', { class: 'days' }, days.map((d) => h('div', { class: 'check' }, d, h('label', { for: d.id }, t(`day_${d.value}`))))),
    h('div', { class: 'field' }, h('label', { for: kind.id }, t('cardio_kind')), kind),
    h('div', { class: 'field' }, h('label', { for: minutes.id }, t('cardio_minutes')), minutes),
    h('div', { class: 'field' }, h('label', { for: effort.id }, t('cardio_effort')), effort,
      h('p', { class: 'hint', id: 'cardio-plan-effort-hint' }, t('effort_explained'))));
  const value = () => {
    const weekdays = days.filter((d) => d.checked).map((d) => d.value);
    if (!weekdays.length) return null;
    return {
      weekdays,
      activity: kind.value,
      // A number the API can judge: an empty or broken field is sent as it is.
      minutes: minutes.value === '' ? null : Number(minutes.value),
      effort: Number(effort.value),
    };
  };
  return { box, value };
}

// A weekday's name inside a sentence ("fredag", "Friday"): from a week of January 2026
// that starts on a Monday.
function dayInSentence(day) {
  return date(`2026-01-${String(5 + DAYS.indexOf(day)).padStart(2, '0')}`, { weekday: 'long' });
}

function cardioSummary(plan) {
  if (!plan) return t('team_cardio_none');
  return t('team_cardio_now', {
    name: t(`cardio_${plan.activity}`),
    n: plan.minutes,
    effort: plan.effort,
    days: plan.weekdays.map(dayInSentence).join(', '),
  });
}

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
  const cardio = cardioChoices(team.cardio);
  const slots = {
    cardio: { field: cardio.box, slot: errorSlot(cardio.box) },
    program: { field: program, slot: errorSlot(program) },
    reminder_time: { field: time, slot: errorSlot(time) },
    workdays: { field: daysSet, slot: errorSlot(daysSet) },
  };
  const note = h('p', { role: 'status', class: 'hint' });
  const general = h('p', { role: 'alert', class: 'error' });
  const current = h('p', { class: 'lede' });
  const currentCardio = h('p', { id: 'team-cardio-now' });
  const summarise = () => {
    currentCardio.textContent = cardioSummary(team.cardio);
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
        cardio: cardio.value(),
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
  cardio.box,
  slots.cardio.slot,
  general,
  note,
  h('button', { type: 'submit', class: 'button primary' }, t('save')));

  replace(main,
    h('h1', {}, t('team_settings')),
    h('p', { class: 'lede' }, team.name),
    teamNav(team, `/team/${team.id}/settings`, session.person, ctx.teams),
    section('ts-form', t('program_and_reminder'), current, currentCardio, form));
}
