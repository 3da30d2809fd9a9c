// Reminder settings: the daily reminder on or off, its time and its days. Empty time
// or days follow the team's; the person's own choice wins once saved.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function reminderSettings() {
  const note = h('p', { class: 'hint', role: 'status' });
  const enabled = h('input', { type: 'checkbox', id: 'reminder-on' });
  const time = h('input', { type: 'time', id: 'reminder-time', required: true });
  const days = DAYS.map((day) => h('input', { type: 'checkbox', id: `reminder-${day}`, value: day }));
  const form = h('form', {
    class: 'stack',
    onsubmit: async (event) => {
      event.preventDefault();
      const chosen = days.filter((box) => box.checked).map((box) => box.value);
      if (!chosen.length) {
        note.textContent = t('reminder_pick_a_day');
        return;
      }
      try {
        const saved = await api('PUT', '/api/me/reminders', {
          enabled: enabled.checked, time: time.value, days: chosen,
        });
        show(saved);
        note.textContent = t('saved');
      } catch (error) {
        note.textContent = error.message;
      }
    },
  },
  h('div', { class: 'check' }, enabled, h('label', { for: 'reminder-on' }, t('reminder_on'))),
  h('div', { class: 'field' }, h('label', { for: 'reminder-time' }, t('reminder_time')), time),
  h('fieldset', {}, h('legend', {}, t('reminder_days')),
    days.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id }, t(`day_${box.value}`))))),
  h('button', { type: 'submit', class: 'button secondary' }, t('save')),
  note);

  function show(settings) {
    enabled.checked = settings.enabled;
    time.value = settings.time ?? settings.defaults?.time ?? '';
    const on = new Set(settings.days ?? settings.defaults?.days ?? []);
    for (const box of days) box.checked = on.has(box.value);
  }

  api('GET', '/api/me/reminders').then(show, () => { note.textContent = t('reminder_unavailable'); });
  return h('section', { class: 'card', 'aria-labelledby': 's-reminders' },
    h('h2', { id: 's-reminders' }, t('reminders')), form);
}
