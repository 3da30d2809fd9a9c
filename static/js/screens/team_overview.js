// Team overview: twelve weeks of participation as charts and a table, this week's
// members (by name only those who share), and the team's pain as aggregates. For an
// admin, /team is the workplace's summary with every team.
import { api } from '../api.js';
import { barChart, lineChart, numbersTable, weekKind, weekLegend } from '../charts.js';
import { h, replace } from '../dom.js';
import { date, number, t } from '../i18n.js';
import { isAdmin, isoWeek, section, SHORT, teamNav, weekCell } from './team_parts.js';

const WEEKS = 12;
const REGIONS = ['neck', 'shoulder', 'arm', 'lower-back'];

function percent(value) {
  return value == null ? '–' : number(value / 100, { style: 'percent', maximumFractionDigits: 0 });
}

function edgeLabels(weeks) {
  return weeks.length ? [date(weeks[0].week_start, SHORT), date(weeks.at(-1).week_start, SHORT)] : [];
}

// The week under way in one sentence: against what is due by today, not the week's
// whole target; a week without a plan says so.
function thisWeek(now) {
  if (!now.enrolled) return t('this_week_no_members');
  const counts = { active: now.active, enrolled: now.enrolled, sessions: now.sessions };
  if (!now.planned) return t('this_week_no_plan', counts);
  if (!now.target_so_far) return t('this_week_nothing_due', { ...counts, target: now.target_sessions });
  return t('this_week_summary', {
    ...counts, due: now.target_so_far, target: now.target_sessions, adherence: percent(now.adherence_percent),
  });
}

// A week's row head: "Week 49" over its Monday, and "so far" for the week under way.
function weekHead(w) {
  const cell = weekCell(w.week_start);
  if (w.partial) cell.append(h('small', { class: 'so-far' }, t('so_far')));
  return cell;
}

function weekRow(w) {
  if (!w.planned) {
    return { head: weekHead(w), note: w.sessions ? t('week_no_plan_sessions', { n: w.sessions }) : t('week_no_plan') };
  }
  return [
    weekHead(w),
    t('n_of_m', { n: w.active, m: w.enrolled }),
    t('n_of_m', { n: w.sessions, m: w.target_so_far }),
    percent(w.adherence_percent),
  ];
}

// This week in one sentence, then the charts and the table with every number.
function participationSection(id, title, weeks) {
  const now = weeks.at(-1);
  const labels = edgeLabels(weeks);
  const kinds = weeks.map((w) => weekKind({ ...w, due: w.target_so_far }));
  return section(id, title,
    now ? h('p', { class: 'lede', id: `${id}-now` }, thisWeek(now)) : null,
    barChart({
      label: t('chart_team_sessions', { n: weeks.length }),
      values: weeks.map((w) => w.sessions),
      kinds,
      target: weeks.map((w) => w.target_so_far),
      labels,
      legend: weekLegend(kinds),
    }),
    lineChart({
      label: t('chart_adherence'),
      values: weeks.map((w) => w.adherence_percent),
      open: weeks.map((w) => w.partial),
      labels,
      yMax: 100,
      legend: now?.partial && now.adherence_percent != null ? [{ key: 'open-dot', text: t('legend_so_far_dot') }] : null,
    }),
    h('details', {}, h('summary', {}, t('show_numbers')),
      numbersTable({
        caption: t('participation_table', { n: weeks.length }),
        columns: [t('col_week'), t('col_active'), t('col_sessions'), t('col_adherence')],
        rows: weeks.slice().reverse().map(weekRow),
      })));
}

function streaks(longest) {
  if (!longest.length) return h('p', { class: 'hint' }, t('no_streaks'));
  return h('p', {}, t('longest_streaks', { list: longest.map((n) => number(n)).join(', ') }));
}

// Sharing members by name; everyone else only as a count.
function membersSection(data) {
  const members = data.members_sharing;
  const hidden = data.members_not_sharing;
  return section('t-members', t('this_weeks_members'),
    members.length ? h('ul', { class: 'member-list' }, members.map((m) => h('li', {},
      h('span', { class: 'member-name' }, m.display_name),
      h('span', { class: 'member-facts' },
        t('sessions_this_week', { n: m.sessions.at(-1) ?? 0 }),
        ' · ',
        m.last_session ? t('last_session', { date: date(m.last_session, SHORT) }) : t('no_session_yet'))))) :
      h('p', {}, t('nobody_shares')),
    hidden ? h('p', { class: 'lede' }, t('more_not_sharing', { n: hidden })) : null,
    // With one person not sharing, the totals minus the named rows point at them.
    hidden === 1 ? h('p', { class: 'note' }, t('one_not_sharing_caution')) : null,
    streaks(data.longest_streaks));
}

// The median, and under it its change since the start: five columns fit 360 px.
function painCell(figure) {
  if (!figure) return '–';
  const change = figure.change_in_median;
  const median = number(figure.median, { maximumFractionDigits: 1 });
  if (change == null) return median;
  const sign = change > 0 ? '+' : change === 0 ? '±' : '';
  return h('span', {}, median, ' ',
    h('span', { class: 'pain-change' }, `(${sign}${number(change, { maximumFractionDigits: 1 })})`));
}

// Newest first; a run of weeks with too few answers is one row ("Week 37–47").
function painRows(pain) {
  const rows = [];
  for (const week of pain.slice().reverse()) {
    const last = rows.at(-1);
    if (week.status === 'shown') {
      rows.push([weekCell(week.week_start), ...REGIONS.map((r) => painCell(week.regions?.[r]))]);
    } else if (last?.weeks) {
      last.weeks.unshift(week.week_start);
    } else {
      rows.push({ weeks: [week.week_start] });
    }
  }
  return rows.map((row) => {
    if (!row.weeks) return row;
    const [first, end] = [row.weeks[0], row.weeks.at(-1)];
    const head = first === end ? weekCell(first)
      : h('span', { class: 'week-label week-range' }, t('weeks_n_to_m', { n: isoWeek(first), m: isoWeek(end) }),
        h('small', {}, `${date(first, SHORT)} – ${date(end, SHORT)}`));
    return { head, note: t('too_few_answers') };
  });
}

function painSection(pain) {
  const shown = pain.filter((w) => w.status === 'shown');
  const labels = edgeLabels(pain);
  const series = REGIONS
    .map((region) => [region, pain.map((w) => (w.status === 'shown' ? w.regions?.[region]?.median ?? null : null))])
    .filter(([, values]) => values.some((v) => v != null));
  return section('t-pain', t('team_pain'),
    h('p', { class: 'hint' }, t('team_pain_hint')),
    // The regions' charts share their weeks: the dates go under the last one only.
    series.map(([region, values], i) => lineChart({
      label: t('chart_team_pain', { region: t(`region_${region}`) }),
      values,
      labels: i === series.length - 1 ? labels : null,
      yMax: 10,
    })),
    shown.length ? null : h('p', {}, t('pain_all_too_few')),
    numbersTable({
      caption: t('pain_table'),
      columns: [t('col_week'), ...REGIONS.map((r) => t(`region_${r}`))],
      rows: painRows(pain),
    }));
}

async function teamOverview(main, ctx) {
  const { team, teams, session } = ctx;
  const data = await api('GET', `/api/teams/${team.id}/participation?weeks=${WEEKS}`);
  replace(main,
    h('h1', {}, team.name),
    teamNav(team, `/team/${team.id}`, session.person, teams),
    participationSection('t-participation', t('participation_weeks', { n: data.weeks.length }), data.weeks),
    membersSection(data),
    painSection(data.pain));
}

function teamWeekWords(now) {
  if (!now.planned) return t('no_plan_this_week');
  if (!now.target_so_far) return t('nothing_due_this_week');
  return t('adherence_this_week', { value: percent(now.adherence_percent) });
}

function teamsList(rows) {
  return section('w-teams', t('teams'),
    rows.length ? h('ul', { class: 'team-list' }, rows.map((row) => {
      const now = row.weeks.at(-1);
      return h('li', {},
        h('a', { href: `/team/${row.id}` }, row.name),
        h('span', { class: 'member-facts' },
          t('members_n', { n: row.members }),
          now ? ` · ${teamWeekWords(now)}` : ''));
    })) : h('p', {}, t('no_teams')));
}

function projectLinks() {
  return section('w-project', t('project'),
    h('ul', { class: 'link-list' },
      h('li', {}, h('a', { href: '/team/plan' }, t('plan'))),
      h('li', {}, h('a', { href: '/team/people' }, t('people'))),
      h('li', {}, h('a', { href: '/report', rel: 'external' }, t('printable_report'))),
      h('li', {}, h('a', { href: '/api/workplace/report.csv', download: '' }, t('report_csv')))));
}

async function workplaceOverview(main) {
  const data = await api('GET', `/api/workplace/participation?weeks=${WEEKS}`);
  replace(main,
    h('h1', {}, data.workplace.name),
    h('p', { class: 'lede' }, t('workplace_intro')),
    participationSection('w-participation', t('workplace_weeks', { n: data.weeks.length }), data.weeks),
    teamsList(data.teams),
    projectLinks());
}

export async function show(main, ctx) {
  if (ctx.team) {
    await teamOverview(main, ctx);
  } else if (isAdmin(ctx.session.person)) {
    await workplaceOverview(main);
  } else {
    // A lead of several teams (or of none): choose one.
    replace(main,
      h('h1', {}, t('team')),
      ctx.teams.length ? h('ul', { class: 'team-list' }, ctx.teams.map((team) => h('li', {},
        h('a', { href: `/team/${team.id}` }, team.name),
        h('span', { class: 'member-facts' }, t('members_n', { n: team.member_count ?? 0 }))))) :
        h('p', {}, t('no_teams')),
      h('p', {}, h('a', { href: '/team/plan' }, t('plan'))));
  }
}
