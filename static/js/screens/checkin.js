// Check-in: pain per region, soreness and the red-flag questions; the API's advice.
// The form shows the day's saved answers; a slider nobody moved is "not answered",
// never 0, and is not sent, so saving again keeps what the person did not touch.
import { api, ApiError, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { date, localDay, number, t } from '../i18n.js';
import { send } from '../outbox.js';

const REGIONS = ['neck', 'shoulder', 'arm', 'lower-back'];
const RED_FLAGS = ['numbness_or_tingling', 'weakness', 'trauma', 'fever_or_weight_loss', 'worsening_for_weeks'];

// One region's slider. ``state.answer`` is the pain (0–10), or null: not answered.
function slider(region, saved) {
  const id = `pain-${region}`;
  const state = { answer: saved ?? null, changed: false };
  const output = h('output', { for: id, class: 'slider-value' });
  const input = h('input', {
    type: 'range', id, name: region, min: 0, max: 10, step: 1, value: String(saved ?? 0),
    'aria-describedby': `${id}-scale`,
    oninput: () => answer(Number(input.value)),
  });
  const clear = h('button', {
    type: 'button', class: 'link clear', 'aria-label': t('pain_clear_named', { region: t(`region_${region}`) }),
    onclick: () => answer(null),
  }, t('pain_clear'));
  const field = h('div', { class: 'field slider' },
    h('label', { for: id }, t(`region_${region}`)), output, input,
    h('p', { id: `${id}-scale`, class: 'scale' }, h('span', {}, t('pain_none')), h('span', {}, t('pain_worst'))),
    clear);
  function paint() {
    const unanswered = state.answer === null;
    field.classList.toggle('unanswered', unanswered);
    output.textContent = unanswered ? t('not_answered') : number(state.answer);
    input.setAttribute('aria-valuetext', unanswered ? t('not_answered') : t('pain_valuetext', { n: state.answer }));
    clear.hidden = unanswered;
  }
  function answer(value) {
    state.answer = value;
    state.changed = true;
    if (value !== null) input.value = String(value);
    paint();
  }
  paint();
  // Filled from a saved answer: what the server holds, so nothing changed yet.
  const set = (value) => {
    answer(value);
    state.changed = false;
  };
  return { field, state, set };
}

function check(name, label, checked) {
  const id = `check-${name}`;
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, name, checked: Boolean(checked) }),
    h('label', { for: id }, label));
}

function adviceList(result) {
  return h('section', { class: 'advice', 'aria-labelledby': 'advice-title', tabindex: -1, id: 'advice' },
    h('h2', { id: 'advice-title' }, t('advice')),
    (result.advice || []).map((a) => h('p', { class: `advice-${a.code}` }, a.text)));
}

async function savedCheckIn(day) {
  try {
    return await api('GET', `/api/me/checkins?date=${day}`);
  } catch (error) {
    if (error instanceof Offline || (error instanceof ApiError && error.status === 404)) return null;
    throw error;
  }
}

export async function show(main, { session }) {
  const day = localDay(session.person.effective_time_zone);
  let saved = await savedCheckIn(day);
  const sliders = Object.fromEntries(REGIONS.map((r) => [r, slider(r, saved?.pain?.[r])]));
  const result = h('div', { id: 'checkin-result' });
  const status = h('p', { class: 'hint', id: 'checkin-saved' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const pain = {};
      for (const [region, { state }] of Object.entries(sliders)) {
        // Answered now, or taken back now (null); untouched and unanswered: left out.
        if (state.answer !== null || state.changed) pain[region] = state.answer;
      }
      const body = { day, pain };
      // A box ticked, or unticked after it was saved ticked, is an answer; an unticked
      // box the person never saw ticked says nothing, so an open red flag stays.
      const soreness = data.get('soreness') === 'on';
      if (soreness || saved?.soreness) body.soreness = soreness;
      const flags = {};
      for (const flag of RED_FLAGS) {
        const ticked = data.get(flag) === 'on';
        if (ticked || saved?.red_flags?.[flag]) flags[flag] = ticked;
      }
      if (Object.keys(flags).length) body.red_flags = flags;
      if (!Object.keys(pain).length && !('soreness' in body) && !body.red_flags) {
        replace(result, h('p', { role: 'alert', class: 'error' }, t('checkin_empty')));
        return;
      }
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        const answer = await send('checkin', '/api/me/checkins', body);
        if (answer) {
          saved = answer;
          fill(answer);
        }
        const shown = answer ? adviceList(answer) : h('p', { class: 'note', tabindex: -1 }, t('checkin_queued'));
        replace(result, shown);
        shown.focus();
      } catch (error) {
        replace(result, h('p', { role: 'alert' }, error.message));
      } finally {
        button.disabled = false;
      }
    },
  },
  h('fieldset', {}, h('legend', {}, t('pain_today')),
    h('p', { class: 'hint' }, t('pain_hint')),
    REGIONS.map((r) => sliders[r].field)),
  h('fieldset', {}, h('legend', {}, t('soreness_q')), check('soreness', t('soreness_label'), saved?.soreness)),
  h('fieldset', {}, h('legend', {}, t('red_flags_q')),
    RED_FLAGS.map((f) => check(f, t(`flag_${f}`), saved?.red_flags?.[f]))),
  h('button', { type: 'submit', class: 'button primary' }, t('save_checkin')));

  function fill(answer) {
    for (const region of REGIONS) sliders[region].set(answer.pain?.[region] ?? null);
    form.elements.soreness.checked = Boolean(answer.soreness);
    for (const flag of RED_FLAGS) form.elements[flag].checked = Boolean(answer.red_flags?.[flag]);
    status.textContent = t('checkin_saved_at', { time: date(answer.updated_at, { hour: '2-digit', minute: '2-digit' }) });
  }
  if (saved) fill(saved);
  if (saved?.advice?.length) replace(result, adviceList(saved));
  replace(main, h('h1', {}, t('checkin')), h('p', { class: 'lede' }, t('checkin_intro')), status, form, result);
}
