// Today: the routine as cards, a big counter and "log set", timers, the reasons.
import { api, ApiError, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { date, language, number, t } from '../i18n.js';
import { onOutboxChange, pending, send, withdraw } from '../outbox.js';
import { liveBanner } from '../live_banner.js';
import { pollCard } from '../poll_card.js';
import { teamTodayCard } from './team_today.js';
import { cardioSection, plannedCardioDone, withPendingCardio } from './today_cardio.js';
import { countdown } from '../timer.js';

const GET_READY = 3;
// How long "undo" stays beside a set just logged.
const UNDO_MS = 8_000;
let model = null;
let cards = new Map();
let cardio = null;

// Sets and cardio logged offline (still in the outbox) count as logged, marked waiting.
async function withPending(today) {
  const queued = await pending();
  const undone = new Set(queued.filter((e) => e.method === 'DELETE').map((e) => e.id.replace(/^delete:/, '')));
  for (const item of today.exercises) {
    item.logged = item.logged.filter((s) => !undone.has(s.id));
    const known = new Set(item.logged.map((s) => s.id));
    for (const entry of queued) {
      if (entry.kind === 'set' && entry.body.exercise === item.exercise.slug && !known.has(entry.body.id)) {
        item.logged.push({ ...entry.body, waiting: true });
      }
    }
  }
  return withPendingCardio(today, queued);
}

function done(item) {
  return item.logged.length >= (item.prescription.sets || 1);
}

export function doseText(item) {
  const p = item.prescription;
  if (item.exercise.kind === 'hold') return t('hold_for', { n: p.hold_seconds ?? item.exercise.default_dose.seconds });
  if (p.rule === 'one-set-to-failure') return t('reps_to_failure', { min: p.reps_min, max: p.reps_max });
  return t('sets_of_reps', { sets: p.sets, min: p.reps_min, max: p.reps_max });
}

export function loadChip(p) {
  if (p.band) {
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('--band', p.band.colour); // CSSOM: allowed by a strict CSP
    return h('span', { class: 'chip' }, swatch, t('band_named', { name: p.band.name }));
  }
  if (p.load_kg) return h('span', { class: 'chip' }, t('kg', { n: p.load_kg }));
  return null;
}

function cues(exercise) {
  const c = exercise.cues || {};
  const rows = ['start', 'movement', 'tempo', 'mistakes', 'feel']
    .filter((k) => c[k])
    .map((k) => [h('dt', {}, t(`cue_${k}`)), h('dd', {}, c[k])]);
  return h('details', { class: 'cues' },
    h('summary', {}, t('how_to')),
    h('dl', {}, rows),
    exercise.safety ? h('p', { class: 'safety' }, exercise.safety) : null);
}

function loggedList(item) {
  if (!item.logged.length) return null;
  return h('ol', { class: 'logged', 'aria-label': t('logged_sets') }, item.logged.map((s) => h('li', {},
    s.hold_seconds != null ? t('seconds_short', { n: s.hold_seconds }) : t('reps_n', { n: s.reps ?? 0 }),
    s.waiting ? h('span', { class: 'waiting' }, ` · ${t('waiting')}`) : null)));
}

function newSet(item, values) {
  const p = item.prescription;
  return {
    id: crypto.randomUUID(),
    exercise: item.exercise.slug,
    performed_at: new Date().toISOString(),
    band_level: p.band?.key ?? null,
    load_kg: p.load_kg ?? null,
    ...values,
  };
}

async function logSet(item, values, ctx) {
  const body = newSet(item, values);
  item.logged.push({ ...body, waiting: true });
  item.undo = { id: body.id, until: Date.now() + UNDO_MS };
  redraw(item, ctx, { focus: true, rest: !done(item) });
  try {
    const stored = await send('set', '/api/me/sets', body);
    const row = item.logged.find((s) => s.id === body.id);
    if (stored && row) row.waiting = false;
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
  }
  refreshLogged(item);
}

// Take back a set just logged: never sent if it still waits in the outbox, else deleted.
async function undoSet(item, id, ctx) {
  item.logged = item.logged.filter((s) => s.id !== id);
  item.undo = null;
  redraw(item, ctx, { focus: true });
  await withdraw(id, `/api/me/sets/${id}`).catch((error) => {
    if (!(error instanceof Offline)) throw error;
  });
}

function undoBar(item, ctx) {
  const undo = item.undo;
  const left = undo ? undo.until - Date.now() : 0;
  if (left <= 0) return null;
  const set = item.logged.find((s) => s.id === undo.id);
  if (!set) return null;
  const what = set.hold_seconds != null ? t('seconds_short', { n: set.hold_seconds }) : t('reps_n', { n: set.reps });
  const bar = h('div', { class: 'undo', role: 'status' },
    h('p', {}, t('logged_what', { what })),
    h('button', { type: 'button', class: 'button small', onclick: () => undoSet(item, undo.id, ctx) },
      t('undo')));
  setTimeout(() => {
    if (item.undo === undo) item.undo = null;
    bar.remove();
  }, left);
  return bar;
}

function refreshLogged(item) {
  const list = cards.get(item.exercise.slug)?.querySelector('.logged');
  const fresh = loggedList(item);
  if (list && fresh) list.replaceWith(fresh);
}

// The counts a set most likely ends at: a few under today's target (one set to failure
// often falls short) and a few over. One tap on one of them logs the set.
const CHIPS_BELOW = 5;
const CHIPS_ABOVE = 3;

function targetReps(p) {
  return p.target_reps ?? p.reps_max ?? p.reps_min ?? 10;
}

function repChips(item, ctx) {
  const target = targetReps(item.prescription);
  const counts = [];
  for (let n = Math.max(1, target - CHIPS_BELOW); n <= target + CHIPS_ABOVE; n += 1) counts.push(n);
  const id = `chips-${item.exercise.slug}`;
  return h('div', { class: 'rep-chips-wrap' },
    h('p', { class: 'count-label', id }, t('tap_reps_done')),
    h('div', { class: 'rep-chips', role: 'group', 'aria-labelledby': id }, counts.map((n) => h('button', {
      type: 'button',
      class: `rep-chip${n === target ? ' is-target' : ''}`,
      'aria-label': t('log_n_reps', { n }),
      onclick: () => logSet(item, { reps: n }, ctx),
    }, number(n)))));
}

function counter(item, ctx) {
  const p = item.prescription;
  let reps = targetReps(p);
  const id = `reps-${item.exercise.slug}`;
  const output = h('output', { id, class: 'count', 'aria-live': 'polite' }, number(reps));
  const set = (value) => {
    reps = Math.max(0, Math.min(200, value));
    output.textContent = number(reps);
  };
  return h('div', { class: 'log' },
    repChips(item, ctx),
    h('details', { class: 'other-count' },
      h('summary', {}, t('other_count')),
      h('p', { class: 'count-label', id: `${id}-label` }, t('reps')),
      h('div', { class: 'counter', role: 'group', 'aria-labelledby': `${id}-label` },
        h('button', { type: 'button', class: 'round', 'aria-label': t('fewer'), onclick: () => set(reps - 1) }, '−'),
        output,
        h('button', { type: 'button', class: 'round', 'aria-label': t('more'), onclick: () => set(reps + 1) }, '+')),
      h('button', {
        type: 'button',
        class: 'button primary log-set',
        onclick: () => logSet(item, { reps }, ctx),
      }, t('log_set_n', { n: item.logged.length + 1, of: p.sets || 1 }))));
}

function holdControls(item, ctx, slot) {
  const seconds = item.prescription.hold_seconds ?? item.exercise.default_dose.seconds ?? 30;
  return h('div', { class: 'log' }, h('button', {
    type: 'button',
    class: 'button primary log-set',
    onclick: async () => {
      const timer = countdown({ seconds, getReady: GET_READY, label: t('hold') });
      replace(slot, timer.element);
      timer.element.querySelector('button').focus();
      const finished = await timer.done;
      if (finished) await logSet(item, { hold_seconds: seconds }, ctx);
      else redraw(item, ctx, { focus: true });
    },
  }, t('start_hold', { n: seconds })));
}

function rest(item, slot) {
  const seconds = item.prescription.rest_seconds;
  if (!seconds) return;
  const timer = countdown({ seconds, label: t('rest') });
  slot.prepend(timer.element);
  timer.done.then(() => timer.element.remove());
}

// The drawing shows the band in the prescribed band's colour (the server draws it).
function drawingUrl(exercise, p) {
  const hex = /^#([0-9a-f]{6})$/i.exec(p.band?.colour ?? '');
  if (!hex) return exercise.illustration_url;
  const url = new URL(exercise.illustration_url, location.origin);
  url.searchParams.set('band', hex[1].toLowerCase());
  return url.pathname + url.search;
}

// Swapping: the exercise's alternatives from the catalogue, each with its description;
// the choice stays (the server keeps it wherever the program has the exercise) until
// the person goes back.
async function chooseSwap(exercise, replacement, ctx, slot) {
  try {
    if (replacement) await api('PUT', `/api/me/swaps/${exercise}`, { replacement });
    else await api('DELETE', `/api/me/swaps/${exercise}`);
  } catch (error) {
    const text = error instanceof Offline ? t('swap_offline') : error.message;
    replace(slot, h('p', { class: 'error', role: 'alert' }, text));
    return;
  }
  await ctx.go('/today', { replaceState: true });
}

function swapPanel(item, ctx) {
  const slot = h('div', { class: 'swap-choices' });
  if (item.swapped_from) {
    return h('div', { class: 'swap' },
      h('p', { class: 'hint' }, item.swap_kept_until
        ? t('swapped_note_until', { date: date(item.swap_kept_until) }) : t('swapped_note')),
      h('button', { type: 'button', class: 'button small secondary', onclick: () => chooseSwap(item.swapped_from, null, ctx, slot) },
        t('swap_back')), slot);
  }
  const alternatives = item.exercise.alternatives ?? [];
  if (!alternatives.length) return null;
  const details = h('details', {
    class: 'swap',
    ontoggle: async () => {
      if (!details.open || slot.childElementCount) return;
      replace(slot, h('p', { class: 'hint' }, '…'));
      const found = await Promise.all(alternatives.map((a) => api('GET', `/api/exercises/${a.slug}?lang=${language()}`)
        .catch(() => ({ slug: a.slug, name: a.name }))));
      replace(slot, h('p', { class: 'hint' }, t('swap_intro')), h('ul', { class: 'swap-list' }, found.map((alt) => h('li', {},
        h('h3', {}, alt.name),
        alt.description ? h('p', {}, alt.description) : null,
        h('button', { type: 'button', class: 'button small', onclick: () => chooseSwap(item.exercise.slug, alt.slug, ctx, slot) },
          t('swap_to', { name: alt.name }))))));
    },
  }, h('summary', {}, t('swap')), slot);
  return details;
}

function card(item, ctx) {
  const e = item.exercise;
  const p = item.prescription;
  const headingId = `ex-${e.slug}`;
  const slot = h('div', { class: 'slot' });
  // Paused (a red flag), the stop message above the cards says why, once.
  const change = p.change && p.change.direction !== 0 && !p.paused ? p.change.reason : null;
  const finished = done(item);
  if (!finished && !model.paused) slot.append(e.kind === 'hold' ? holdControls(item, ctx, slot) : counter(item, ctx));
  return h('article', { class: `card${finished ? ' is-done' : ''}`, 'aria-labelledby': headingId, id: `card-${e.slug}` },
    h('img', { src: drawingUrl(e, p), alt: e.illustration_alt, width: 240, height: 240, class: 'figure', decoding: 'async' }),
    h('h2', { id: headingId }, e.name),
    h('p', { class: 'dose' }, loadChip(p), h('span', {}, doseText(item))),
    change ? h('p', { class: `change change-${p.change.direction > 0 ? 'up' : p.change.direction < 0 ? 'down' : 'same'}` }, change) : null,
    p.preview ? h('p', { class: 'preview' }, p.preview) : null,
    cues(e),
    swapPanel(item, ctx),
    loggedList(item),
    undoBar(item, ctx),
    finished ? h('p', { class: 'done-mark' }, t('exercise_done')) : null,
    slot);
}

function redraw(item, ctx, { focus = false, rest: resting = false } = {}) {
  const old = cards.get(item.exercise.slug);
  const fresh = card(item, ctx);
  cards.set(item.exercise.slug, fresh);
  old?.replaceWith(fresh);
  if (resting) rest(item, fresh.querySelector('.slot'));
  if (focus) {
    const next = fresh.querySelector('.rep-chip.is-target') || fresh.querySelector('.log > .log-set')
      || fresh.querySelector('.undo button');
    next?.focus();
  }
  paintDone(ctx);
}

function paintDone() {
  const banner = document.getElementById('day-done');
  if (!banner || !model) return;
  // A red-flag day is a day to stop, whatever was logged before the check-in.
  const planned = model.exercises.length + model.cardio.length > 0;
  const all = !model.paused && planned && model.exercises.every(done) && plannedCardioDone(model);
  banner.hidden = !all;
}

export async function show(main, ctx) {
  let today;
  try {
    today = await api('GET', `/api/me/today?lang=${language()}`);
  } catch (error) {
    if (error instanceof Offline) {
      replace(main, h('h1', {}, t('today')), h('p', {}, t('offline_no_copy')));
      return;
    }
    if (error instanceof ApiError && error.status === 401) return ctx.go('/', { replaceState: true });
    throw error;
  }
  model = await withPending(today);
  cards = new Map();
  const list = model.exercises.map((item) => {
    const c = card(item, ctx);
    cards.set(item.exercise.slug, c);
    return c;
  });
  cardio = cardioSection(model, { onChange: paintDone });
  // On a team's cardio day without strength, the cardio is the day's plan: it leads.
  const teamCardioDay = !model.training_day && model.cardio.some((c) => c.planned_by === 'team');
  const nothingPlanned = model.exercises.length === 0 && model.cardio.length === 0;
  replace(main,
    h('h1', {}, t('today')),
    h('p', { class: 'lede' }, date(model.date),
      model.program ? ` · ${model.program.name}` : '',
      model.week ? ` · ${t('week_n', { n: model.week })}` : ''),
    model.offline_copy ? h('p', { class: 'note' }, t('offline_copy')) : null,
    model.offline_copy ? null : liveBanner(model.live_session, ctx),
    model.offline_copy ? null : pollCard(ctx),
    model.paused ? h('section', { class: 'stop', 'aria-labelledby': 'stop-title' },
      h('h2', { id: 'stop-title' }, t('stop_title')),
      h('p', {}, t('paused')),
      h('a', { href: '/checkin', class: 'button secondary' }, t('to_checkin'))) : null,
    !model.training_day ? h('p', { class: 'note' }, t(teamCardioDay ? 'cardio_day_note' : 'rest_day')) : null,
    model.paused ? null : h('div', { id: 'day-done', class: 'day-done', role: 'status', hidden: true },
      h('p', { class: 'big' }, t('day_done')), h('a', { href: '/progress', class: 'button secondary' }, t('see_progress'))),
    teamCardioDay ? cardio.planned : null,
    list,
    teamCardioDay ? null : cardio.planned,
    // Only when truly nothing is planned; logging cardio is offered below all the same.
    nothingPlanned ? h('p', { class: 'nothing-planned' }, t('nothing_today')) : null,
    cardio.root,
    teamTodayCard(ctx),
    h('p', { class: 'more-links' }, h('a', { href: '/history' }, t('see_history'))));
  paintDone();
}

// Keep "waiting" marks honest once the outbox sends an entry.
onOutboxChange((entries, event) => {
  // Cardio the server refused (the header says why) is not logged: it leaves the list.
  if (model && event?.rejected) cardio?.rejected(event.rejected.id);
  if (!model || !event?.sent) return;
  cardio?.sent(event.sent.id);
  for (const item of model.exercises) {
    const row = item.logged.find((s) => s.id === event.sent.id);
    if (row) {
      row.waiting = false;
      refreshLogged(item);
    }
  }
});
