// The team screens for leads and admins: /team, /team/plan, /team/<id>,
// /team/<id>/invites, /team/<id>/settings, /team/<id>/polls and, for admins, /team/people.
// A member is told the screens are not for them (the API refuses them anyway), except
// /team/polls: their own team's polls.
import { api, ApiError, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { runsTeams } from './team_parts.js';

const PARTS = {
  overview: () => import('./team_overview.js'),
  invites: () => import('./team_invites.js'),
  settings: () => import('./team_settings.js'),
  plan: () => import('./team_plan.js'),
  people: () => import('./team_people.js'),
  polls: () => import('./team_polls.js'),
};

function notForYou(main) {
  replace(main,
    h('h1', {}, t('team')),
    h('p', { class: 'note', role: 'status' }, t('team_not_for_you')),
    h('p', {}, h('a', { href: '/today', class: 'button secondary' }, t('back_to_today'))));
}

function problem(main, message) {
  replace(main, h('h1', {}, t('team')), h('p', { role: 'alert', class: 'note warn' }, message));
}

// Which screen the path names, and for which team.
function route(pathname) {
  const [, , second, third] = pathname.split('/');
  if (!second) return { part: 'overview', teamId: null };
  if (second === 'plan' && !third) return { part: 'plan', teamId: null };
  if (second === 'people' && !third) return { part: 'people', teamId: null };
  if (second === 'polls' && !third) return { part: 'polls', teamId: null };
  if (/^\d{1,10}$/.test(second) && (!third || ['invites', 'settings', 'polls'].includes(third))) {
    return { part: third || 'overview', teamId: Number(second) };
  }
  return null;
}

// /team/polls: the polls of the person's own team, for members too.
async function ownPolls(main, ctx) {
  const team = ctx.session.person.team;
  if (!team) {
    problem(main, t('polls_no_team'));
    return;
  }
  try {
    await (await PARTS.polls()).show(main, { ...ctx, team, teams: null });
  } catch (error) {
    if (error instanceof Offline) problem(main, t('team_offline'));
    else throw error;
  }
}

export async function show(main, ctx) {
  const person = ctx.session.person;
  if (location.pathname === '/team/polls') {
    await ownPolls(main, ctx);
    return;
  }
  if (!runsTeams(person)) {
    notForYou(main);
    return;
  }
  const where = route(location.pathname);
  if (!where) {
    problem(main, t('team_not_found'));
    return;
  }
  let teams;
  try {
    teams = await api('GET', '/api/teams');
  } catch (error) {
    if (error instanceof Offline) problem(main, t('team_offline'));
    else if (error instanceof ApiError && error.status === 403) notForYou(main);
    else throw error;
    return;
  }
  let team = null;
  if (where.teamId !== null) {
    team = teams.find((candidate) => candidate.id === where.teamId);
    if (!team) {
      problem(main, t('team_not_found'));
      return;
    }
  } else if (where.part === 'overview' && person.role !== 'admin' && teams.length === 1) {
    // A lead of one team goes straight to it.
    await ctx.go(`/team/${teams[0].id}`, { replaceState: true });
    return;
  }
  const module = await PARTS[where.part]();
  try {
    await module.show(main, { ...ctx, teams, team });
  } catch (error) {
    if (error instanceof Offline) problem(main, t('team_offline'));
    else if (error instanceof ApiError && error.status === 403) notForYou(main);
    else if (error instanceof ApiError && error.status === 404) problem(main, t('team_not_found'));
    else throw error;
  }
}
