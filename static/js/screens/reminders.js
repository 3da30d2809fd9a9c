// Reminder settings: the daily reminder on or off, its time and its days (empty time
// or days follow the team's; the person's own choice wins once saved), and whether
// this phone gets the reminder as a notification.
import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import {
  keepThisPhoneSubscribed, onIosBrowser, postSubscription, pushSupported, subscribeThisPhone,
  thisPhonesSubscription,
} from '../push.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// How long turning notifications on may take. A browser that cannot reach its push
// service (no network, or a test browser) never settles pushManager.subscribe(); the
// person is told after this long instead of waiting for ever. Tests shorten it.
export const pushSetup = { timeoutMs: 15_000 };

class TimedOut extends Error {}

function within(ms, promise) {
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

function when(value, zone) {
  return date(value, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: zone });
}

function testOutcome(result) {
  if (!result.devices) return result.emailed ? t('test_no_phone_emailed') : t('test_no_phone');
  if (result.delivered && result.failed) {
    return t('test_partly', { delivered: result.delivered, failed: result.failed });
  }
  if (result.delivered) return t('test_delivered', { n: result.delivered });
  return result.emailed ? t('test_failed_emailed') : t('test_failed', { n: result.failed });
}

function notificationsCard(view, refresh, person) {
  const status = h('p', { class: 'hint', role: 'status', id: 'push-status' });
  const body = h('div', { class: 'push' });
  const card = h('section', { class: 'card', 'aria-labelledby': 's-push' },
    h('h2', { id: 's-push' }, t('push_title')), body, status);

  const say = (message) => { status.textContent = message; };
  const button = (label, onclick, kind = 'secondary') => h('button', {
    type: 'button',
    class: `button ${kind}`,
    onclick: async (event) => {
      const pressed = event.currentTarget;
      pressed.disabled = true;
      try {
        await onclick();
      } finally {
        pressed.disabled = false;
      }
    },
  }, label);

  async function turnOn() {
    say(t('push_setting_up'));
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      // Denied: the card itself now explains how to allow them again.
      say(permission === 'denied' ? '' : t('push_not_allowed'));
      await draw();
      return;
    }
    let subscription;
    try {
      subscription = await within(pushSetup.timeoutMs, subscribeThisPhone());
    } catch (error) {
      say(error instanceof TimedOut ? t('push_timeout') : t('push_failed', { message: error.message }));
      return;
    }
    try {
      await postSubscription(subscription, person);
      say(t('push_turned_on'));
      await refresh();
    } catch (error) {
      say(t('push_failed', { message: error.message }));
    }
  }

  async function turnOff() {
    const subscription = await thisPhonesSubscription();
    if (subscription) {
      const { endpoint } = subscription;
      await subscription.unsubscribe().catch(() => false);
      try {
        await api('DELETE', `/api/push/subscriptions?endpoint=${encodeURIComponent(endpoint)}`);
      } catch (error) {
        // 404: the server had already let it go (it expired at the push service).
        if (!(error instanceof ApiError && error.status === 404)) {
          say(t('push_failed', { message: error.message }));
          return;
        }
      }
    }
    say(t('push_turned_off'));
    await refresh();
  }

  async function sendTest() {
    say(t('test_sending'));
    try {
      say(testOutcome(await api('POST', '/api/me/reminders/test')));
      await refresh();
    } catch (error) {
      say(error.message);
    }
  }

  async function draw() {
    const parts = [];
    if (view.delivery_problem) {
      parts.push(h('p', { class: 'note warn', role: 'alert', id: 'delivery-problem' }, t('delivery_problem_settings')));
    }
    parts.push(h('p', {}, t('push_devices', { n: view.devices })));
    if (onIosBrowser()) {
      parts.push(h('p', { id: 'push-ios' }, t('push_ios_intro')));
    } else if (!pushSupported()) {
      parts.push(h('p', {}, t('push_unsupported')));
    } else {
      const here = await thisPhonesSubscription().catch(() => null);
      if (here) {
        parts.push(h('p', {}, t('push_on_here')), button(t('push_turn_off'), turnOff));
      } else if (Notification.permission === 'denied') {
        parts.push(h('p', { class: 'note', id: 'push-blocked' }, t('push_denied')));
      } else {
        parts.push(h('p', {}, t('push_intro')), button(t('push_turn_on'), turnOn, 'primary'));
      }
    }
    parts.push(button(t('test_send'), sendTest));
    replace(body, ...parts);
  }

  draw();
  return {
    card,
    update(next) {
      view = next;
      return draw();
    },
  };
}

export function reminderSettings({ session }) {
  const note = h('p', { class: 'hint', role: 'status' });
  const next = h('p', { id: 'next-reminder' });
  const enabled = h('input', { type: 'checkbox', id: 'reminder-on' });
  const time = h('input', { type: 'time', id: 'reminder-time', required: true });
  const days = DAYS.map((day) => h('input', { type: 'checkbox', id: `reminder-${day}`, value: day }));
  const pushSlot = h('div');
  let notifications = null;

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
        resubscribeIfLost(saved); // reminders back on: this phone gets them again
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

  function show(view) {
    enabled.checked = view.enabled;
    time.value = view.time ?? view.defaults?.time ?? '';
    const on = new Set(view.days ?? view.defaults?.days ?? []);
    for (const box of days) box.checked = on.has(box.value);
    if (!view.enabled) next.textContent = t('reminder_off');
    else if (view.snoozed_until) next.textContent = t('reminder_snoozed', { time: when(view.snoozed_until, view.time_zone) });
    else if (view.next_reminder_at) next.textContent = t('reminder_next', { time: when(view.next_reminder_at, view.time_zone) });
    else next.textContent = '';
    if (notifications) {
      notifications.update(view);
    } else {
      notifications = notificationsCard(view, refresh, session.person);
      replace(pushSlot, notifications.card);
      resubscribeIfLost(view);
    }
  }

  // The server may have let this phone's subscription go with an ended session while
  // the browser kept it: post it again (push.js), then show the devices it counts.
  async function resubscribeIfLost(view) {
    if (await keepThisPhoneSubscribed(session.person, view)) await refresh().catch(() => {});
  }

  async function refresh() {
    show(await api('GET', '/api/me/reminders'));
  }

  refresh().catch(() => { note.textContent = t('reminder_unavailable'); });
  return [
    h('section', { class: 'card', 'aria-labelledby': 's-reminders' },
      h('h2', { id: 's-reminders' }, t('reminders')), next, form),
    pushSlot,
  ];
}
