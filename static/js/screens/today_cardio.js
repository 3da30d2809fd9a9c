// Cardio on today's screen: the cardio planned today (by the program or the team, one
// tap logs it as planned), what was logged today (waiting while in the outbox, each
// removable), and a compact "log cardio" for any kind on any day: a kind, the minutes
// and the effort 1-10 — a kind and "log" for the usual case, as the last choice of that
// kind is remembered on this phone.
import { Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { number, t } from '../i18n.js';
import { send, withdraw } from '../outbox.js';
import { meta } from '../store.js';

export const KINDS = ['walking', 'cycling', 'running', 'rowing', 'swimming', 'other'];
const MINUTE_CHIPS = [10, 15, 20, 30, 45, 60];
const MIN_MINUTES = 1;
const MAX_MINUTES = 600;
const EFFORTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// A first guess for a kind never logged on this phone: walking is light, the rest moderate.
const FIRST_GUESS = { minutes: 20, effort: 5 };
const FIRST_EFFORT = { walking: 3 };
const UNDO_MS = 8_000;
const REMEMBERED = 'cardio-last';

// Queued cardio (still in the outbox) counts as logged, marked waiting; a queued undo
// hides what it takes back.
export function withPendingCardio(today, queued) {
  const dayOf = (moment) => new Intl.DateTimeFormat('en-CA', {
    timeZone: today.time_zone, year: 'numeric', month: '2-digit', day: '2-digit',
  }).format(new Date(moment));
  const undone = new Set(queued.filter((e) => e.method === 'DELETE').map((e) => e.id.replace(/^delete:/, '')));
  today.cardio_logged = (today.cardio_logged ?? []).filter((c) => !undone.has(c.id));
  const known = new Set(today.cardio_logged.map((c) => c.id));
  for (const entry of queued) {
    if (entry.kind === 'cardio' && entry.method === 'POST' && !known.has(entry.body.id)
      && dayOf(entry.body.performed_at) === today.date) {
      today.cardio_logged.push({ ...entry.body, waiting: true });
    }
  }
  return today;
}

function loggedOf(model, activity) {
  return model.cardio_logged.filter((c) => c.activity === activity);
}

// Every planned cardio session has one of its kind logged today.
export function plannedCardioDone(model) {
  return model.cardio.every((planned) => loggedOf(model, planned.activity).length > 0);
}

function kindName(activity) {
  return t(`cardio_${activity}`);
}

function entryText(c) {
  return t('cardio_entry', { name: kindName(c.activity), n: c.minutes, effort: c.effort });
}

// The section of today's screen that holds everything cardio. ``onChange`` is told
// after every change (the day-done banner reads it). ``planned`` holds the planned
// cards, placed by the caller (before strength on a day without it, after it beside
// strength); ``root`` holds what was logged and the form.
export function cardioSection(model, { onChange }) {
  const planned = h('div', { class: 'cardio-planned' });
  const logged = h('div', { class: 'cardio-logged' });
  const form = h('div', { class: 'cardio-form-slot' });
  let remembered = {};
  let undo = null;
  let choice = null; // { activity, minutes, effort } while the person is choosing

  meta.get(REMEMBERED).then((value) => {
    remembered = value ?? {};
  }).catch(() => undefined);

  const guess = (activity) => ({
    ...FIRST_GUESS,
    effort: FIRST_EFFORT[activity] ?? FIRST_GUESS.effort,
    ...(remembered[activity] ?? {}),
  });

  async function log(activity, minutes, effort) {
    const body = {
      id: crypto.randomUUID(),
      performed_at: new Date().toISOString(),
      activity,
      minutes,
      effort,
    };
    model.cardio_logged.push({ ...body, waiting: true });
    undo = { id: body.id, until: Date.now() + UNDO_MS };
    choice = null;
    remembered = { ...remembered, [activity]: { minutes, effort } };
    meta.set(REMEMBERED, remembered).catch(() => undefined);
    draw({ focusUndo: true });
    try {
      const stored = await send('cardio', '/api/me/cardio', body);
      const row = model.cardio_logged.find((c) => c.id === body.id);
      if (stored && row) {
        row.waiting = false;
        drawLogged();
      }
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
    }
  }

  // Never sent while it waits in the outbox; already sent, deleted through it.
  async function remove(id) {
    model.cardio_logged = model.cardio_logged.filter((c) => c.id !== id);
    if (undo?.id === id) undo = null;
    draw({ focusForm: true });
    await withdraw(id, `/api/me/cardio/${id}`).catch((error) => {
      if (!(error instanceof Offline)) throw error;
    });
  }

  function plannedCard(item, index) {
    const done = loggedOf(model, item.activity);
    const headingId = `cardio-planned-${index}`;
    return h('article', {
      class: `card cardio${done.length ? ' is-done' : ''}`, 'aria-labelledby': headingId,
    },
    h('h2', { id: headingId }, item.name),
    h('p', { class: 'dose' }, h('span', { class: 'chip' }, t('minutes_n', { n: item.minutes })),
      h('span', {}, t('effort_of_ten', { n: item.effort }))),
    h('p', { class: 'hint' }, t(item.planned_by === 'team' ? 'cardio_by_team' : 'cardio_by_program')),
    done.length ? h('p', { class: 'done-mark' }, t('exercise_done')) : null,
    // A red-flag day is a day to stop: the plan asks for nothing.
    done.length || model.paused ? null : h('div', { class: 'row' },
      h('button', {
        type: 'button',
        class: 'button primary log-planned',
        onclick: () => log(item.activity, item.minutes, item.effort),
      }, t('log_planned_cardio', { n: item.minutes })),
      h('button', {
        type: 'button',
        class: 'link',
        onclick: () => {
          choice = { activity: item.activity, minutes: item.minutes, effort: item.effort };
          drawForm();
          form.querySelector('.cardio-minutes-field')?.focus();
        },
      }, t('cardio_adjust'))));
  }

  function drawPlanned() {
    replace(planned, model.cardio.map(plannedCard));
  }

  function undoBar() {
    const left = undo ? undo.until - Date.now() : 0;
    const entry = undo && model.cardio_logged.find((c) => c.id === undo.id);
    if (left <= 0 || !entry) return null;
    const shown = undo;
    const bar = h('div', { class: 'undo', role: 'status' },
      h('p', {}, t('logged_what', { what: entryText(entry) })),
      h('button', { type: 'button', class: 'button small', onclick: () => remove(shown.id) }, t('undo')));
    setTimeout(() => {
      if (undo === shown) undo = null;
      bar.remove();
    }, left);
    return bar;
  }

  function drawLogged() {
    if (!model.cardio_logged.length) {
      replace(logged);
      return;
    }
    replace(logged, h('section', { class: 'card', 'aria-labelledby': 'cardio-logged-title' },
      h('h2', { id: 'cardio-logged-title' }, t('cardio_logged_today')),
      h('ul', { class: 'cardio-list' }, model.cardio_logged.map((c) => h('li', {},
        h('span', {}, entryText(c), c.waiting ? h('span', { class: 'waiting' }, ` · ${t('waiting')}`) : null),
        h('button', {
          type: 'button', class: 'link', 'aria-label': t('remove_named', { what: entryText(c) }),
          onclick: () => remove(c.id),
        }, t('remove'))))),
      undoBar()));
  }

  function chips(values, current, label, onPick, describe) {
    return h('div', { class: 'choice-chips', role: 'group', 'aria-label': label }, values.map((value) => h('button', {
      type: 'button',
      class: 'choice-chip',
      'aria-pressed': String(value === current),
      'aria-label': describe ? describe(value) : null,
      onclick: () => onPick(value),
    }, typeof value === 'number' ? number(value) : kindName(value))));
  }

  function drawForm() {
    const kinds = chips(KINDS, choice?.activity, t('cardio_kind'), (activity) => {
      choice = { activity, ...guess(activity) };
      drawForm();
      form.querySelector(`.choice-chip[aria-pressed="true"]`)?.focus();
    });
    if (!choice) {
      replace(form, h('section', { class: 'card cardio-log', 'aria-labelledby': 'cardio-log-title' },
        h('h2', { id: 'cardio-log-title' }, t('cardio_log_title')),
        h('p', { class: 'hint' }, t('cardio_log_hint')),
        kinds));
      return;
    }
    const error = h('p', { class: 'error', role: 'alert', id: 'cardio-minutes-error' });
    const field = h('input', {
      type: 'number', id: 'cardio-minutes', class: 'cardio-minutes-field', name: 'minutes',
      min: MIN_MINUTES, max: MAX_MINUTES, step: 1, inputmode: 'numeric', required: true,
      value: String(choice.minutes), 'aria-describedby': 'cardio-minutes-error',
      oninput: () => {
        choice.minutes = field.value === '' ? null : Number(field.value);
        error.textContent = '';
        for (const chip of minuteChips.querySelectorAll('.choice-chip')) {
          chip.setAttribute('aria-pressed', String(Number(chip.dataset.value) === choice.minutes));
        }
        submit.textContent = t('log_cardio', { n: choice.minutes ?? 0 });
      },
    });
    const minuteChips = chips(MINUTE_CHIPS, choice.minutes, t('cardio_minutes'), (n) => {
      choice.minutes = n;
      field.value = String(n);
      field.dispatchEvent(new Event('input'));
    }, (n) => t('minutes_long', { n }));
    minuteChips.querySelectorAll('.choice-chip').forEach((chip, i) => { chip.dataset.value = String(MINUTE_CHIPS[i]); });
    const effortChips = chips(EFFORTS, choice.effort, t('cardio_effort'), (n) => {
      choice.effort = n;
      for (const chip of effortChips.querySelectorAll('.choice-chip')) {
        chip.setAttribute('aria-pressed', String(chip.dataset.value === String(n)));
      }
    }, (n) => t('effort_n', { n }));
    effortChips.classList.add('effort-chips');
    effortChips.querySelectorAll('.choice-chip').forEach((chip, i) => { chip.dataset.value = String(EFFORTS[i]); });
    const submit = h('button', { type: 'submit', class: 'button primary' }, t('log_cardio', { n: choice.minutes }));
    replace(form, h('section', { class: 'card cardio-log', 'aria-labelledby': 'cardio-log-title' },
      h('h2', { id: 'cardio-log-title' }, t('cardio_log_title')),
      kinds,
      h('form', {
        class: 'cardio-form',
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          const minutes = Number(field.value);
          if (!Number.isInteger(minutes) || minutes < MIN_MINUTES || minutes > MAX_MINUTES || field.value === '') {
            error.textContent = t('cardio_bad_minutes', { min: MIN_MINUTES, max: MAX_MINUTES });
            field.focus();
            return;
          }
          log(choice.activity, minutes, choice.effort);
        },
      },
      h('fieldset', {},
        h('legend', {}, t('cardio_minutes')),
        minuteChips,
        h('div', { class: 'field cardio-minutes' }, h('label', { for: field.id }, t('cardio_minutes_other')), field),
        error),
      h('fieldset', { 'aria-describedby': 'effort-explained' },
        h('legend', {}, t('cardio_effort')),
        h('p', { class: 'hint', id: 'effort-explained' }, t('effort_explained')),
        effortChips),
      h('div', { class: 'row' }, submit,
        h('button', { type: 'button', class: 'link', onclick: () => { choice = null; drawForm(); } }, t('cancel'))))));
  }

  function draw({ focusUndo = false, focusForm = false } = {}) {
    drawPlanned();
    drawLogged();
    drawForm();
    onChange?.();
    if (focusUndo) logged.querySelector('.undo button')?.focus();
    if (focusForm) form.querySelector('.choice-chip')?.focus();
  }

  const root = h('div', { class: 'cardio-section' }, logged, form);
  draw();
  return {
    root,
    planned,
    // Keep "waiting" marks honest once the outbox sends an entry.
    sent(id) {
      const row = model.cardio_logged.find((c) => c.id === id);
      if (row?.waiting) {
        row.waiting = false;
        drawLogged();
      }
    },
    rejected(id) {
      if (!model.cardio_logged.some((c) => c.id === id)) return;
      model.cardio_logged = model.cardio_logged.filter((c) => c.id !== id);
      if (undo?.id === id) undo = null;
      draw();
    },
  };
}
