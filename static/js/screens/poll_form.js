// Opening a poll (leads and admins): the next phase's exercises from the app's
// suggestions (pick 2–4, change any exercise for another the suggestions offer at its
// place), or 2–4 training times with their days; and when it closes.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import { apiForm, DAYS, errorSlot } from './team_parts.js';

const MIN = 2;
const MAX = 4;

// A datetime-local value ("2027-01-04T11:30") for a moment, in the phone's zone.
function localInput(moment) {
  const shifted = new Date(moment.getTime() - moment.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function closesField(latest) {
  const now = Date.now();
  let when = new Date(now + 2 * 86_400_000);
  if (latest && when > latest) when = new Date(Math.max(now + 10 * 60_000, latest.getTime() - 3_600_000));
  const input = h('input', { id: 'poll-closes', type: 'datetime-local', value: localInput(when), required: true });
  return input;
}

function common(latest) {
  const question = h('input', { id: 'poll-question', type: 'text', maxlength: 200, autocomplete: 'off' });
  const closes = closesField(latest);
  return { question, closes };
}

function commonFields({ question, closes }, slots) {
  return [
    h('div', { class: 'field' }, h('label', { for: question.id }, t('poll_question_label')), question,
      h('p', { class: 'hint' }, t('poll_question_hint')), slots.question.slot),
    h('div', { class: 'field' }, h('label', { for: closes.id }, t('poll_closes_label')), closes, slots.closes_at.slot),
  ];
}

function exerciseRow(suggestion, index, places) {
  const box = h('input', { type: 'checkbox', id: `poll-set-${index}`, checked: index < MIN, class: 'poll-pick' });
  const selects = suggestion.exercises.map((slug, position) => h('select', {
    id: `poll-set-${index}-${position}`, 'aria-label': t('poll_exercise_n', { n: position + 1 }),
  }, [...places[position]].map(([value, name]) => h('option', { value, selected: value === slug }, name))));
  const row = h('li', { class: 'check poll-set' }, box,
    h('label', { for: box.id }, index === 0 ? t('poll_as_written', { names: suggestion.names.join(', ') }) : suggestion.names.join(', ')),
    h('details', {}, h('summary', {}, t('poll_edit_set')), h('div', { class: 'stack' }, selects)));
  return { row, box, selects };
}

async function exercisesForm(team, refresh) {
  const suggested = await api('GET', `/api/teams/${team.id}/polls/suggestions?kind=exercises`);
  // The exercises each place may take: those the suggestions offer there.
  const places = suggested.options[0].exercises.map((_, position) => new Map(
    suggested.options.map((o) => [o.exercises[position], o.names[position]])));
  const rows = suggested.options.map((s, i) => exerciseRow(s, i, places));
  const list = h('ul', { class: 'poll-sets', id: 'poll-sets', tabindex: -1 }, rows.map((r) => r.row));
  const starts = new Date(`${suggested.phase.starts_on}T00:00:00`);
  const fields = common(starts);
  const slots = {
    options: { field: list, slot: errorSlot(list) },
    closes_at: { field: fields.closes, slot: errorSlot(fields.closes) },
    question: { field: fields.question, slot: errorSlot(fields.question) },
  };
  const general = h('p', { role: 'alert', class: 'error' });
  return apiForm({
    slots,
    general,
    send: async () => {
      const picked = rows.filter((r) => r.box.checked);
      if (picked.length < MIN || picked.length > MAX) {
        general.textContent = t('poll_pick_2_4');
        return;
      }
      await api('POST', `/api/teams/${team.id}/polls`, {
        kind: 'exercises',
        question: fields.question.value.trim() || null,
        closes_at: fields.closes.value ? new Date(fields.closes.value).toISOString() : null,
        options: picked.map((r) => ({ exercises: r.selects.map((s) => s.value) })),
      });
      await refresh(t('poll_opened'));
    },
  },
  h('p', { class: 'lede' }, t('poll_for_phase', {
    first: suggested.phase.first_week, last: suggested.phase.last_week, date: date(suggested.phase.starts_on),
  })),
  h('fieldset', {}, h('legend', {}, t('poll_pick_sets')), list), slots.options.slot,
  commonFields(fields, slots),
  general,
  h('button', { type: 'submit', class: 'button primary', id: 'poll-open' }, t('poll_open')));
}

function timeRow(option, index) {
  const time = h('input', { type: 'time', id: `poll-time-${index}`, value: option.time, required: true });
  const boxes = DAYS.map((day, d) => h('input', {
    type: 'checkbox', id: `poll-time-${index}-${day}`, value: String(d + 1), checked: option.days.includes(d + 1),
  }));
  const row = h('fieldset', { class: 'poll-time' },
    h('legend', {}, t('poll_option_n', { n: index + 1 })),
    h('div', { class: 'field' }, h('label', { for: time.id }, t('poll_time_label')), time),
    h('div', { class: 'days' }, boxes.map((box) => h('div', { class: 'check' }, box,
      h('label', { for: box.id }, t(`day_short_${DAYS[Number(box.value) - 1]}`))))));
  return { row, time, boxes };
}

async function timeForm(team, refresh) {
  const suggested = await api('GET', `/api/teams/${team.id}/polls/suggestions?kind=time`);
  const rows = suggested.options.slice(0, 3).map(timeRow);
  const holder = h('div', { class: 'stack', id: 'poll-times', tabindex: -1 }, rows.map((r) => r.row));
  const fields = common(null);
  const slots = {
    options: { field: holder, slot: errorSlot(holder) },
    closes_at: { field: fields.closes, slot: errorSlot(fields.closes) },
    question: { field: fields.question, slot: errorSlot(fields.question) },
  };
  const general = h('p', { role: 'alert', class: 'error' });
  const more = h('button', {
    type: 'button',
    class: 'button secondary',
    onclick: () => {
      if (rows.length >= MAX) return;
      const row = timeRow(suggested.options[0], rows.length);
      rows.push(row);
      holder.append(row.row);
      more.disabled = rows.length >= MAX;
    },
  }, t('poll_add_time'));
  const fewer = h('button', {
    type: 'button',
    class: 'button secondary',
    onclick: () => {
      if (rows.length <= MIN) return;
      rows.pop().row.remove();
      more.disabled = false;
    },
  }, t('poll_remove_time'));
  return apiForm({
    slots,
    general,
    send: async () => {
      await api('POST', `/api/teams/${team.id}/polls`, {
        kind: 'time',
        question: fields.question.value.trim() || null,
        closes_at: fields.closes.value ? new Date(fields.closes.value).toISOString() : null,
        options: rows.map((r) => ({
          time: r.time.value,
          days: r.boxes.filter((b) => b.checked).map((b) => Number(b.value)),
        })),
      });
      await refresh(t('poll_opened'));
    },
  },
  h('p', { class: 'hint' }, t('poll_time_hint')),
  holder, slots.options.slot,
  h('div', { class: 'actions' }, more, fewer),
  commonFields(fields, slots),
  general,
  h('button', { type: 'submit', class: 'button primary', id: 'poll-open' }, t('poll_open')));
}

export function pollForm(team, open, refresh) {
  const place = h('div', { id: 'poll-form' });
  const start = (kind) => async () => {
    const form = kind === 'exercises' ? await exercisesForm(team, refresh) : await timeForm(team, refresh);
    replace(place, form);
    form.querySelector('input, select')?.focus();
  };
  const busy = (kind) => open.some((p) => p.kind === kind);
  return h('div', { class: 'stack' },
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button secondary', id: 'poll-new-exercises', disabled: busy('exercises'), onclick: start('exercises') },
        t('poll_new_exercises')),
      h('button', { type: 'button', class: 'button secondary', id: 'poll-new-time', disabled: busy('time'), onclick: start('time') },
        t('poll_new_time'))),
    busy('exercises') || busy('time') ? h('p', { class: 'hint' }, t('poll_one_open')) : null,
    place);
}
