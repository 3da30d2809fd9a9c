// History: the days trained, newest first (sets with band and pain, cardio, the
// check-in); a set of the last 7 days can be corrected or deleted. Corrections go
// through the outbox like logging, so they wait offline and are sent once.
import { api, ApiError, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { date, language, localDay, number, t } from '../i18n.js';
import { pending, send } from '../outbox.js';

const EDITABLE_DAYS = 7;
const DAYS_PER_PAGE = 14;
const REGIONS = ['neck', 'shoulder', 'arm', 'lower-back'];

let bands = new Map();

// The oldest day whose sets may still be changed, in the person's own calendar.
function firstEditableDay(today) {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - (EDITABLE_DAYS - 1));
  return d.toISOString().slice(0, 10);
}

function bandName(key) {
  const band = bands.get(key);
  if (!band) return key;
  return language() === 'en' ? band.colour_name_en : band.colour_name_da;
}

function setText(s) {
  const parts = [s.hold_seconds != null ? t('seconds_short', { n: s.hold_seconds }) : t('reps_n', { n: s.reps ?? 0 })];
  if (s.band_level) parts.push(t('band_named', { name: bandName(s.band_level) }));
  if (s.load_kg != null) parts.push(t('kg', { n: s.load_kg }));
  if (s.pain != null) parts.push(t('set_pain', { n: s.pain }));
  return parts.join(' · ');
}

// Outbox entries not yet sent change what the server answered: deletes and corrections.
async function withPending(days) {
  const queued = await pending();
  for (const day of days) {
    for (const entry of queued) {
      const cardioId = entry.path.match(/^\/api\/me\/cardio\/([\w-]+)$/)?.[1];
      if (cardioId && entry.method === 'DELETE') day.cardio = day.cardio.filter((c) => c.id !== cardioId);
      const id = entry.path.match(/^\/api\/me\/sets\/([\w-]+)$/)?.[1];
      if (!id) continue;
      if (entry.method === 'DELETE') day.sets = day.sets.filter((s) => s.id !== id);
      if (entry.method === 'PATCH') {
        const set = day.sets.find((s) => s.id === id);
        if (set) Object.assign(set, entry.body, { waiting: true });
      }
    }
  }
  return days;
}

function editForm(set, onDone) {
  const hold = set.hold_seconds != null;
  const id = `edit-${set.id}`;
  const amount = h('input', {
    type: 'number', id: `${id}-amount`, name: 'amount', min: 0, max: hold ? 600 : 200, step: 1,
    inputmode: 'numeric', required: true, value: String(hold ? set.hold_seconds : set.reps ?? 0),
  });
  const band = set.band_level ? h('select', { id: `${id}-band`, name: 'band' },
    [...bands.values()].map((b) => h('option', { value: b.key, selected: b.key === set.band_level },
      language() === 'en' ? b.colour_name_en : b.colour_name_da))) : null;
  const pain = h('select', { id: `${id}-pain`, name: 'pain' },
    h('option', { value: '', selected: set.pain == null }, t('not_answered')),
    Array.from({ length: 11 }, (_, n) => h('option', { value: String(n), selected: set.pain === n }, number(n))));
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', {
    class: 'edit-set',
    'aria-label': t('edit_set_named', { what: setText(set) }),
    onsubmit: async (event) => {
      event.preventDefault();
      const value = Number(amount.value);
      if (!amount.checkValidity() || !Number.isInteger(value)) {
        error.textContent = t(hold ? 'edit_bad_seconds' : 'edit_bad_reps');
        amount.focus();
        return;
      }
      const changes = hold ? { hold_seconds: value } : { reps: value };
      if (band) changes.band_level = band.value;
      changes.pain = pain.value === '' ? null : Number(pain.value);
      await onDone('save', changes);
    },
  },
  h('div', { class: 'field' }, h('label', { for: amount.id }, t(hold ? 'seconds' : 'reps')), amount),
  band ? h('div', { class: 'field' }, h('label', { for: band.id }, t('band')), band) : null,
  h('div', { class: 'field' }, h('label', { for: pain.id }, t('pain_during_set')), pain),
  error,
  h('div', { class: 'row' },
    h('button', { type: 'submit', class: 'button small' }, t('save')),
    h('button', { type: 'button', class: 'button small danger', onclick: () => onDone('delete') }, t('delete_set')),
    h('button', { type: 'button', class: 'link', onclick: () => onDone('cancel') }, t('cancel'))));
  return form;
}

function setRow(set, editable, redraw) {
  const li = h('li', { class: 'history-set' });
  const plain = () => replace(li,
    h('span', {}, setText(set), set.waiting ? h('span', { class: 'waiting' }, ` · ${t('waiting')}`) : null),
    editable ? h('button', {
      type: 'button', class: 'link', 'aria-label': t('edit_set_named', { what: setText(set) }),
      onclick: () => {
        replace(li, editForm(set, finish));
        li.querySelector('input').focus();
      },
    }, t('edit')) : null);
  async function finish(action, changes) {
    if (action === 'cancel') {
      plain();
      li.querySelector('button')?.focus();
      return;
    }
    const path = `/api/me/sets/${set.id}`;
    const stamp = crypto.randomUUID();
    try {
      if (action === 'delete') {
        set.deleted = true;
        redraw();
        await send('undo', path, undefined, { method: 'DELETE', id: `delete:${set.id}` });
      } else {
        Object.assign(set, changes, { waiting: true });
        plain();
        const answer = await send('correction', path, changes, { method: 'PATCH', id: `patch:${set.id}:${stamp}` });
        if (answer) Object.assign(set, answer, { waiting: false });
        plain();
        li.querySelector('button')?.focus();
      }
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
    }
  }
  plain();
  return li;
}

// A cardio session of the last 7 days can be removed (through the outbox, like sets).
function cardioRow(c, editable, redraw) {
  const text = t('cardio_logged', { name: c.name, n: c.minutes, effort: c.effort });
  return h('li', {}, h('span', {}, text), editable ? h('button', {
    type: 'button', class: 'link', 'aria-label': t('remove_named', { what: text }),
    onclick: async () => {
      c.deleted = true;
      redraw();
      await send('undo', `/api/me/cardio/${c.id}`, undefined, { method: 'DELETE', id: `delete:${c.id}` })
        .catch((error) => {
          if (!(error instanceof Offline)) throw error;
        });
    },
  }, t('remove')) : null);
}

function dayCard(day, editableFrom, redraw) {
  const editable = day.date >= editableFrom;
  const headingId = `day-${day.date}`;
  const byExercise = new Map();
  for (const set of day.sets.filter((s) => !s.deleted)) {
    if (!byExercise.has(set.exercise)) byExercise.set(set.exercise, { name: set.name, sets: [] });
    byExercise.get(set.exercise).sets.push(set);
  }
  const checkIn = day.check_in;
  const pains = checkIn ? REGIONS.filter((r) => checkIn.pain[r] != null)
    .map((r) => `${t(`region_${r}`)} ${number(checkIn.pain[r])}`) : [];
  return h('section', { class: 'card history-day', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, date(day.date)),
    [...byExercise.values()].map((ex) => [
      h('h3', {}, ex.name),
      h('ul', { class: 'history-sets' }, ex.sets.map((s) => setRow(s, editable, redraw)))]),
    day.cardio.length ? h('ul', { class: 'cardio-list history-cardio' },
      day.cardio.filter((c) => !c.deleted).map((c) => cardioRow(c, editable, redraw))) : null,
    checkIn ? h('p', { class: 'history-checkin' },
      t('checkin_of_day', { pain: pains.length ? pains.join(', ') : t('no_pain_answered') }),
      checkIn.red_flag ? h('strong', {}, ` · ${t('red_flag_answered')}`) : null) : null,
    !editable && (day.sets.length || day.cardio.length) ? h('p', { class: 'hint' }, t('too_old_to_edit')) : null);
}

export async function show(main, ctx) {
  let found;
  let workplace;
  try {
    [found, workplace] = await Promise.all([
      api('GET', `/api/me/history?page_size=${DAYS_PER_PAGE}`),
      api('GET', '/api/workplace'),
    ]);
  } catch (error) {
    if (error instanceof Offline) {
      replace(main, h('h1', {}, t('history')), h('p', {}, t('offline_no_copy')));
      return;
    }
    if (error instanceof ApiError && error.status === 401) return ctx.go('/', { replaceState: true });
    throw error;
  }
  bands = new Map((workplace.band_set?.levels ?? []).map((b) => [b.key, b]));
  const days = await withPending(found);
  const editableFrom = firstEditableDay(localDay(ctx.session.person.effective_time_zone));
  const list = h('div', { class: 'history-days' });
  const redraw = () => replace(list, days.map((d) => dayCard(d, editableFrom, redraw)));
  redraw();
  replace(main,
    h('h1', {}, t('history')),
    h('p', { class: 'lede' }, t('history_intro', { n: EDITABLE_DAYS })),
    found.offline_copy ? h('p', { class: 'note' }, t('offline_copy_history')) : null,
    days.length ? list : h('p', {}, t('no_history_yet')),
    h('a', { href: '/progress', class: 'button secondary' }, t('see_progress')));
}
