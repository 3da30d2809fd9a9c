// Check-in: pain per region, soreness and the red-flag questions; the API's advice.
import { h, replace } from '../dom.js';
import { number, t } from '../i18n.js';
import { send } from '../outbox.js';

const REGIONS = ['neck', 'shoulder', 'arm', 'lower-back'];
const RED_FLAGS = ['numbness_or_tingling', 'weakness', 'trauma', 'fever_or_weight_loss', 'worsening_for_weeks'];

function localDay(timeZone) {
  // en-CA formats as YYYY-MM-DD; the day is the person's, not the phone's zone.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

function slider(region) {
  const id = `pain-${region}`;
  const output = h('output', { for: id, class: 'slider-value' }, number(0));
  const input = h('input', {
    type: 'range', id, name: region, min: 0, max: 10, step: 1, value: '0',
    'aria-describedby': `${id}-scale`,
    oninput: () => {
      output.textContent = number(Number(input.value));
      input.setAttribute('aria-valuetext', t('pain_valuetext', { n: Number(input.value) }));
    },
  });
  input.setAttribute('aria-valuetext', t('pain_valuetext', { n: 0 }));
  return h('div', { class: 'field slider' },
    h('label', { for: id }, t(`region_${region}`)), output, input,
    h('p', { id: `${id}-scale`, class: 'scale' }, h('span', {}, t('pain_none')), h('span', {}, t('pain_worst'))));
}

function check(name, label) {
  const id = `check-${name}`;
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, name }),
    h('label', { for: id }, label));
}

function adviceList(result) {
  return h('section', { class: 'advice', 'aria-labelledby': 'advice-title', tabindex: -1, id: 'advice' },
    h('h2', { id: 'advice-title' }, t('advice')),
    (result.advice || []).map((a) => h('p', { class: `advice-${a.code}` }, a.text)));
}

export async function show(main, { session }) {
  const result = h('div', { id: 'checkin-result' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const body = {
        day: localDay(session.person.effective_time_zone),
        pain: Object.fromEntries(REGIONS.map((r) => [r, Number(data.get(r))])),
        soreness: data.get('soreness') === 'on',
        red_flags: Object.fromEntries(RED_FLAGS.map((f) => [f, data.get(f) === 'on'])),
      };
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        const answer = await send('checkin', '/api/me/checkins', body);
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
  h('fieldset', {}, h('legend', {}, t('pain_today')), REGIONS.map(slider)),
  h('fieldset', {}, h('legend', {}, t('soreness_q')), check('soreness', t('soreness_label'))),
  h('fieldset', {}, h('legend', {}, t('red_flags_q')), RED_FLAGS.map((f) => check(f, t(`flag_${f}`)))),
  h('button', { type: 'submit', class: 'button primary' }, t('save_checkin')));
  replace(main, h('h1', {}, t('checkin')), h('p', { class: 'lede' }, t('checkin_intro')), form, result);
}
