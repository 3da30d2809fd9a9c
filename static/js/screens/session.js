// A live session on a person's own phone: the exercise everyone does now, the shared
// countdown, this person's own band and target, logging in place, and (for the host)
// the controls. /session/<id>/screen is the corridor's shared screen instead.
import { api, ApiError, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { language, number, t } from '../i18n.js';
import { follow, secondsLeft } from '../live.js';
import { send } from '../outbox.js';
import { doseText, loadChip } from './today.js';

let current = null; // {follower, timer}: one session screen at a time
export { stopFollowing };

function stopFollowing() {
  if (!current) return;
  current.follower.close();
  clearInterval(current.timer);
  current = null;
}

// The person's own item for the session's exercise (or the swap that stands in for it).
function ownItem(today, slug) {
  return today?.exercises.find((e) => e.exercise.slug === slug || e.swapped_from === slug) ?? null;
}

function phaseLabel(state) {
  if (state.status === 'lobby') return t('live_lobby');
  if (state.status === 'ended') return t('live_ended');
  const label = t(`live_phase_${state.step.phase}`);
  return state.status === 'paused' ? `${label} · ${t('live_paused')}` : label;
}

function presence(state) {
  const { count, named } = state.participants;
  return h('p', { class: 'live-presence', id: 'live-presence' },
    t('live_here', { n: count }), named.length ? ` · ${named.join(', ')}` : '');
}

// Two taps: the count, then it is logged (with the session's id) through the outbox.
function logging(item, state, ui) {
  const p = item.prescription;
  const log = async (values) => {
    const body = {
      id: crypto.randomUUID(),
      exercise: item.exercise.slug,
      performed_at: new Date().toISOString(),
      band_level: p.band?.key ?? null,
      load_kg: p.load_kg ?? null,
      session_id: state.id,
      ...values,
    };
    item.logged.push(body);
    ui.status.textContent = t('live_logged', { n: item.logged.length });
    try {
      await send('set', '/api/me/sets', body);
    } catch (error) {
      if (!(error instanceof Offline)) ui.status.textContent = error.message;
    }
  };
  if (item.exercise.kind === 'hold') {
    return h('div', { class: 'log' }, h('button', {
      type: 'button', class: 'button primary', onclick: () => log({ hold_seconds: p.hold_seconds ?? 0 }),
    }, t('live_hold_done')));
  }
  const target = p.target_reps ?? p.reps_max ?? p.reps_min ?? 10;
  const counts = [];
  for (let n = Math.max(1, target - 5); n <= target + 3; n += 1) counts.push(n);
  return h('div', { class: 'rep-chips-wrap' },
    h('p', { class: 'count-label', id: 'live-chips' }, t('tap_reps_done')),
    h('div', { class: 'rep-chips', role: 'group', 'aria-labelledby': 'live-chips' }, counts.map((n) => h('button', {
      type: 'button',
      class: `rep-chip${n === target ? ' is-target' : ''}`,
      'aria-label': t('log_n_reps', { n }),
      onclick: () => log({ reps: n }),
    }, number(n)))));
}

async function control(state, action, ui, extra = {}) {
  try {
    ui.follower.take(await api('POST', `/api/sessions/${state.id}/control`, { action, version: state.version, ...extra }));
  } catch (error) {
    // A stale screen: the answer carries where the session is now.
    if (error instanceof ApiError && error.status === 409 && error.body?.session) ui.follower.take(error.body.session);
    else ui.status.textContent = error.message;
  }
}

function hostControls(state, ui, leads) {
  const button = (action, label, kind = 'secondary') => h('button', {
    type: 'button', class: `button ${kind}`, 'data-action': action, onclick: () => control(state, action, ui),
  }, t(label));
  if (state.status === 'lobby') return h('div', { class: 'live-controls' }, button('start', 'live_start', 'primary'), button('end', 'live_end'));
  const others = leads.filter((lead) => lead.id !== state.host?.id);
  const choose = others.length ? h('select', { 'aria-label': t('live_hand_over_to') },
    others.map((lead) => h('option', { value: String(lead.id) }, lead.display_name))) : null;
  return h('div', { class: 'live-controls' },
    button('previous', 'live_previous'),
    button('next', 'live_next', 'primary'),
    state.status === 'paused' ? button('resume', 'live_resume') : button('pause', 'live_pause'),
    button('end', 'live_end'),
    choose ? h('p', {}, choose, h('button', {
      type: 'button', class: 'link', onclick: () => control(state, 'hand_over', ui, { to: Number(choose.value) }),
    }, t('live_hand_over'))) : null);
}

function paint(main, state, ctx, ui) {
  const me = ctx.session.person;
  if (state.status === 'ended') {
    stopFollowing();
    replace(main,
      h('h1', {}, t('live_ended')),
      h('p', { class: 'big', id: 'live-summary' }, t('live_together', { n: state.participants.count })),
      h('a', { href: '/today', class: 'button secondary' }, t('tab_today')));
    return;
  }
  const slug = state.step?.slug;
  const exercise = slug ? state.exercises[state.step.index] : null;
  const item = slug ? ownItem(ui.today, slug) : null;
  const isHost = state.host?.id === me.id;
  const joined = ui.joined;
  ui.countdown = h('p', { class: 'timer-readout live-countdown', id: 'live-countdown', role: 'timer', 'aria-live': 'off' });
  replace(main,
    h('h1', {}, item ? item.exercise.name : exercise?.name ?? t('live_title')),
    h('p', { class: 'lede', id: 'live-phase', 'data-phase': state.step?.phase ?? state.status }, phaseLabel(state),
      state.host ? ` · ${t('live_led_by', { host: state.host.name })}` : ''),
    ui.countdown,
    presence(state),
    item ? h('section', { class: 'card live-own' },
      h('p', {}, loadChip(item.prescription), ' ', doseText(item)),
      item.exercise.illustration_url ? h('img', { src: item.exercise.illustration_url, alt: item.exercise.illustration_alt ?? '', class: 'drawing' }) : null,
      joined && state.step.phase === 'work' ? logging(item, state, ui) : null) : null,
    ui.status,
    isHost ? hostControls(state, ui, ui.leads) : null,
    joined ? h('button', { type: 'button', class: 'link', onclick: async () => {
      await api('POST', `/api/sessions/${state.id}/leave`).catch(() => null);
      stopFollowing();
      ctx.go('/today');
    } }, t('live_leave')) : null);
  tick(state, ui);
}

function tick(state, ui) {
  // Another screen took over (a tab, the back button): stop following this session.
  if (!location.pathname.startsWith(`/session/${state.id}`)) return stopFollowing();
  if (!ui.countdown) return;
  const left = secondsLeft(state, ui.follower.offset);
  ui.countdown.dataset.seconds = left == null ? '' : String(left);
  ui.countdown.textContent = left == null
    ? (state.step?.phase === 'work' ? t('live_to_your_limit') : '')
    : t('seconds_short', { n: left });
}

export async function show(main, ctx) {
  stopFollowing();
  const [, , id, part] = location.pathname.split('/');
  if (part === 'screen') return (await import('./session_screen.js')).show(main, ctx, id);
  let first;
  try {
    first = await api('GET', `/api/sessions/${id}`);
  } catch (error) {
    replace(main, h('h1', {}, t('live_title')), h('p', { role: 'alert' }, error instanceof Offline ? t('live_offline') : error.message));
    return;
  }
  const me = ctx.session.person;
  const inTeam = me.team?.id === first.team_id;
  const ui = { status: h('p', { class: 'note', role: 'status' }), joined: false, leads: [], today: null };
  if (inTeam && first.status !== 'ended') {
    ui.joined = Boolean(await api('POST', `/api/sessions/${id}/join`).catch(() => null));
    ui.today = await api('GET', `/api/me/today?lang=${language()}`).catch(() => null);
  }
  if (['lead', 'admin'].includes(me.role)) {
    ui.leads = (await api('GET', `/api/teams/${first.team_id}`).catch(() => null))?.leads ?? [];
  }
  let latest = first;
  ui.follower = follow(id, (state) => {
    latest = state;
    if (location.pathname.startsWith(`/session/${id}`)) paint(main, state, ctx, ui);
  });
  current = { follower: ui.follower, timer: setInterval(() => tick(latest, ui), 250) };
  paint(main, first, ctx, ui);
}
