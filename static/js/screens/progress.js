// Progress: load and reps per exercise, pain per week, sessions per week, streak.
import { api, Offline } from '../api.js';
import { barChart, lineChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { date, number, t } from '../i18n.js';

const SHORT = { day: 'numeric', month: 'short' };
const REGIONS = ['neck', 'shoulder', 'arm', 'lower-back'];

function exerciseSection(ex) {
  const points = ex.sessions;
  const hold = ex.kind === 'hold';
  const values = points.map((p) => (hold ? p.hold_seconds : p.reps));
  const labels = points.length ? [date(points[0].date, SHORT), date(points.at(-1).date, SHORT)] : [];
  const last = points.at(-1);
  const load = last?.band_level ? t('band_named', { name: last.band_level.name })
    : last?.load_kg ? t('kg', { n: last.load_kg }) : '';
  const headingId = `p-${ex.exercise}`;
  return h('section', { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, ex.name),
    h('p', { class: 'lede' }, t('sessions_n', { n: points.length }), load ? ` · ${t('latest')}: ${load}` : ''),
    lineChart({ label: t(hold ? 'chart_hold' : 'chart_reps', { name: ex.name }), values, labels }),
    loadChart(ex, labels),
    h('details', {}, h('summary', {}, t('show_numbers')),
      h('ul', { class: 'numbers' }, points.slice(-10).reverse().map((p) => h('li', {},
        `${date(p.date, SHORT)}: `,
        hold ? t('seconds_short', { n: p.hold_seconds ?? 0 }) : t('reps_n', { n: p.reps ?? 0 }),
        p.band_level ? ` · ${p.band_level.name}` : p.load_kg ? ` · ${t('kg', { n: p.load_kg })}` : '')))));
}

// The load over time: band level (1 = the lightest band) or kilograms.
function loadChart(ex, labels) {
  const points = ex.sessions;
  if (points.some((p) => p.load_kg != null)) {
    return lineChart({ label: t('chart_kg', { name: ex.name }), values: points.map((p) => p.load_kg), labels });
  }
  if (points.some((p) => p.band_level?.position != null)) {
    const values = points.map((p) => (p.band_level?.position == null ? null : p.band_level.position + 1));
    return lineChart({ label: t('chart_band', { name: ex.name }), values, labels });
  }
  return null;
}

function painSection(weeks) {
  if (!weeks.length) return null;
  const labels = [date(weeks[0].week_start, SHORT), date(weeks.at(-1).week_start, SHORT)];
  return h('section', { class: 'card', 'aria-labelledby': 'p-pain' },
    h('h2', { id: 'p-pain' }, t('pain_per_week')),
    REGIONS.map((region) => {
      const values = weeks.map((w) => w.mean[region]);
      if (values.every((v) => v == null)) return null;
      return h('div', {}, h('h3', {}, t(`region_${region}`)),
        lineChart({ label: t('chart_pain', { region: t(`region_${region}`) }), values, labels, yMax: 10 }));
    }));
}

function sessionsSection(spw, streak) {
  const weeks = spw.weeks;
  const labels = weeks.length ? [date(weeks[0].week_start, SHORT), date(weeks.at(-1).week_start, SHORT)] : [];
  return h('section', { class: 'card', 'aria-labelledby': 'p-sessions' },
    h('h2', { id: 'p-sessions' }, t('sessions_per_week')),
    h('p', { class: 'streak' }, h('span', { class: 'big' }, number(streak)), ' ', t('streak_weeks', { n: streak })),
    spw.target ? h('p', { class: 'lede' }, t('target_per_week', { n: spw.target })) : null,
    barChart({
      label: t('chart_sessions'),
      values: weeks.map((w) => w.sessions),
      met: weeks.map((w) => w.met),
      target: spw.target,
      labels,
    }));
}

export async function show(main) {
  let progress;
  try {
    progress = await api('GET', '/api/me/progress');
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    replace(main, h('h1', {}, t('progress')), h('p', {}, t('offline_no_copy')));
    return;
  }
  replace(main,
    h('h1', {}, t('progress')),
    h('p', {}, h('a', { href: '/history', class: 'button secondary' }, t('see_history'))),
    progress.offline_copy ? h('p', { class: 'note' }, t('offline_copy')) : null,
    sessionsSection(progress.sessions_per_week, progress.streak_weeks),
    progress.exercises.length ? progress.exercises.map(exerciseSection) : h('p', {}, t('no_progress_yet')),
    painSection(progress.pain_weeks));
}
