// Progress: load and reps per exercise, pain per week, sessions per week, streak.
import { api, Offline } from '../api.js';
import { barChart, lineChart, weekKind, weekLegend } from '../charts.js';
import { h, replace } from '../dom.js';
import { date, number, t } from '../i18n.js';
import { isoWeek } from './team_parts.js';

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
  // The load chart shares the days of the reps chart right above it: the dates go
  // under the lower one only, not twice.
  const loads = loadChart(ex, labels);
  return h('section', { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, ex.name),
    h('p', { class: 'lede' }, t('sessions_n', { n: points.length }), load ? ` · ${t('latest')}: ${load}` : ''),
    lineChart({ label: t(hold ? 'chart_hold' : 'chart_reps', { name: ex.name }), values, labels: loads ? null : labels }),
    loads,
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
  const answered = REGIONS.filter((region) => weeks.some((w) => w.mean[region] != null));
  return h('section', { class: 'card', 'aria-labelledby': 'p-pain' },
    h('h2', { id: 'p-pain' }, t('pain_per_week')),
    // The regions' charts share their weeks: the dates go under the last one only.
    answered.map((region, i) => h('div', {}, h('h3', {}, t(`region_${region}`)),
      lineChart({
        label: t('chart_pain', { region: t(`region_${region}`) }),
        values: weeks.map((w) => w.mean[region]),
        labels: i === answered.length - 1 ? labels : null,
        yMax: 10,
      }))));
}

// This week in words: met already, on its way against what is due by today, nothing
// due yet (no training day so far), or no plan at all.
function thisWeekLines(spw) {
  const now = spw.weeks.at(-1);
  if (!spw.target || !now?.planned) return h('p', { class: 'lede', id: 'week-so-far' }, t('progress_no_plan'));
  let line;
  if (now.met) line = t('week_target_met', { n: now.sessions, target: now.target });
  else if (!now.target_so_far) line = t('week_nothing_due', { n: now.sessions });
  else line = t('week_so_far_line', { n: now.sessions, due: now.target_so_far });
  return [h('p', { class: 'lede' }, t('target_per_week', { n: spw.target })), h('p', { id: 'week-so-far' }, line)];
}

function weekWords(w) {
  if (!w.planned) return t('week_no_plan');
  if (w.partial) return t('n_of_m_so_far', { n: w.sessions, m: w.target_so_far });
  return t('n_of_m', { n: w.sessions, m: w.target });
}

function sessionsSection(spw, streak) {
  const weeks = spw.weeks;
  const labels = weeks.length ? [date(weeks[0].week_start, SHORT), date(weeks.at(-1).week_start, SHORT)] : [];
  const kinds = weeks.map((w) => weekKind({ ...w, due: w.target_so_far }));
  return h('section', { class: 'card', 'aria-labelledby': 'p-sessions' },
    h('h2', { id: 'p-sessions' }, t('sessions_per_week')),
    // Without a plan there is no target to keep a streak on.
    spw.target ? h('p', { class: 'streak' }, h('span', { class: 'big' }, number(streak)), ' ', t('streak_weeks', { n: streak })) : null,
    thisWeekLines(spw),
    barChart({
      label: t(spw.target ? 'chart_sessions' : 'chart_sessions_no_plan', { n: weeks.length }),
      values: weeks.map((w) => w.sessions),
      kinds,
      target: weeks.map((w) => w.target_so_far),
      labels,
      legend: weekLegend(kinds),
    }),
    h('details', {}, h('summary', {}, t('show_numbers')),
      h('ul', { class: 'numbers', id: 'weeks-numbers' }, weeks.slice().reverse().map((w) => h('li', {},
        `${t('week_of', { n: isoWeek(w.week_start), date: date(w.week_start, SHORT) })}: `, weekWords(w))))));
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
