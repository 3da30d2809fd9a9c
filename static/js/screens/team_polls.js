// The team's polls (/team/polls for a member or lead of the team, /team/<id>/polls for
// whoever runs it): open polls to vote in (turnout only, never who voted what), closed
// ones with their counts, a tie for the lead to decide; for leads and admins the form
// to open one; and the team's program as its members train it.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { date, t } from '../i18n.js';
import { pollQuestion, pollTurnout } from '../poll_words.js';
import { pollForm } from './poll_form.js';
import { runsTeams, section, SHORT, teamNav } from './team_parts.js';

const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WHEN = { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' };

export function daysText(days) {
  if (days.length === 7) return t('poll_every_day');
  if (days.join() === '1,2,3,4,5') return t('poll_workdays');
  return days.map((d) => t(`day_short_${DAY_KEYS[d - 1]}`)).join(', ');
}

export function optionText(poll, option) {
  if (poll.kind === 'exercises') return option.names.join(', ');
  return t('poll_time_option', { time: option.time, days: daysText(option.days) });
}

const question = pollQuestion;
const turnout = pollTurnout;

function votingForm(poll, refresh) {
  const name = `poll-${poll.id}`;
  const status = h('p', { role: 'status', class: 'hint' });
  const radios = poll.options.map((option) => h('input', {
    type: 'radio', name, id: `${name}-${option.index}`, value: String(option.index), checked: poll.my_vote === option.index,
  }));
  const send = async (method, body) => {
    status.textContent = '';
    try {
      await api(method, `/api/polls/${poll.id}/vote`, body);
      await refresh(method === 'PUT' ? t('poll_vote_saved') : t('poll_vote_withdrawn'));
    } catch (error) {
      status.textContent = error.message;
    }
  };
  return h('form', {
    class: 'stack',
    onsubmit: (event) => {
      event.preventDefault();
      const chosen = radios.find((radio) => radio.checked);
      if (!chosen) status.textContent = t('poll_choose_first');
      else send('PUT', { option: Number(chosen.value) });
    },
  },
  h('fieldset', {},
    h('legend', {}, t('poll_your_vote')),
    poll.options.map((option, i) => h('div', { class: 'check' }, radios[i],
      h('label', { for: radios[i].id }, optionText(poll, option))))),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'button primary' }, poll.my_vote === null ? t('poll_vote') : t('poll_change_vote')),
    poll.my_vote === null ? null : h('button', { type: 'button', class: 'button secondary', onclick: () => send('DELETE') }, t('poll_withdraw'))),
  status);
}

function openPoll(poll, refresh) {
  const status = h('p', { role: 'status', class: 'hint' });
  return h('article', { class: 'card poll', 'aria-labelledby': `poll-${poll.id}-q`, 'data-poll': poll.id },
    h('h3', { id: `poll-${poll.id}-q` }, question(poll)),
    h('p', { class: 'lede poll-turnout' }, turnout(poll)),
    h('p', { class: 'hint' }, t('poll_closes', { when: date(poll.closes_at, WHEN) }), ' · ', t('poll_secret')),
    poll.may_vote ? votingForm(poll, refresh) : h('ul', {}, poll.options.map((o) => h('li', {}, optionText(poll, o)))),
    poll.may_manage ? h('p', {}, h('button', {
      type: 'button',
      class: 'button secondary poll-close',
      onclick: async () => {
        try {
          await api('POST', `/api/polls/${poll.id}/close`);
          await refresh(t('poll_closed_now'));
        } catch (error) {
          status.textContent = error.message;
        }
      },
    }, t('poll_close_now'))) : null,
    status);
}

function results(poll, refresh) {
  const most = Math.max(1, ...poll.options.map((o) => o.votes ?? 0));
  const status = h('p', { role: 'status', class: 'hint' });
  const tie = poll.status === 'closed';
  return h('article', { class: 'card poll', 'aria-labelledby': `poll-${poll.id}-q`, 'data-poll': poll.id },
    h('h3', { id: `poll-${poll.id}-q` }, question(poll)),
    h('p', { class: 'lede poll-result' }, tie ? t('poll_tie')
      : t('poll_chosen', { choice: optionText(poll, poll.options[poll.winner]), n: poll.options[poll.winner].votes, m: poll.turnout.voted })),
    h('ul', { class: 'poll-results' }, poll.options.map((option) => {
      const bar = h('span', { class: 'poll-bar', 'aria-hidden': 'true' });
      bar.style.setProperty('--share', String((option.votes ?? 0) / most)); // CSSOM: allowed by the CSP
      return h('li', { class: option.index === poll.winner ? 'winner' : null },
        h('span', {}, optionText(poll, option)),
        h('span', { class: 'poll-count' }, t('poll_votes', { n: option.votes ?? 0 })),
        bar,
        tie && poll.may_manage && poll.tied.includes(option.index) ? h('button', {
          type: 'button',
          class: 'button secondary poll-decide',
          onclick: async () => {
            try {
              await api('POST', `/api/polls/${poll.id}/decide`, { option: option.index });
              await refresh(t('poll_decided'));
            } catch (error) {
              status.textContent = error.message;
            }
          },
        }, t('poll_decide_this')) : null);
    })),
    h('p', { class: 'hint' }, t('poll_turnout_final', { n: poll.turnout.voted, m: poll.turnout.eligible })),
    status);
}

function programSection(program) {
  return section('p-program', t('poll_program_title', { name: program.program.name }),
    h('p', { class: 'lede' }, t('poll_team_time', { time: program.time, days: daysText(program.days) })),
    program.time_change ? h('p', { class: 'note', id: 'time-change' }, t('poll_time_change', {
      time: program.time_change.time, days: daysText(program.time_change.days), date: date(program.time_change.starts_on, SHORT),
    })) : null,
    h('ol', { class: 'phase-list' }, program.phases.map((phase) => h('li', { class: phase.current ? 'current' : null },
      h('strong', {}, t('poll_phase_weeks', { first: phase.first_week, last: phase.last_week }),
        ' · ', phase.current ? t('poll_phase_now') : t('poll_phase_from', { date: date(phase.starts_on, SHORT) })),
      h('span', {}, phase.exercises.map((e) => e.name).join(', ')),
      phase.chosen ? h('span', { class: 'chip chosen' }, t('poll_chosen_by_team', { n: phase.chosen.votes, m: phase.chosen.voted })) : null))));
}

export async function show(main, ctx) {
  const { team, session } = ctx;
  const person = session.person;
  const note = h('p', { role: 'status', class: 'note', id: 'polls-note' });
  const render = async (message = '') => {
    const [polls, program] = await Promise.all([
      api('GET', `/api/teams/${team.id}/polls`),
      api('GET', `/api/teams/${team.id}/program`),
    ]);
    const open = polls.filter((p) => p.status === 'open');
    const closed = polls.filter((p) => p.status !== 'open');
    const manages = runsTeams(person) && (person.role === 'admin' || person.team?.id === team.id);
    note.textContent = message;
    note.hidden = !message;
    replace(main,
      h('h1', {}, t('polls_title')),
      manages && ctx.teams ? teamNav(team, `/team/${team.id}/polls`, person, ctx.teams) : null,
      h('p', { class: 'lede' }, t('polls_intro')),
      note,
      section('p-open', t('polls_open'),
        open.length ? open.map((poll) => openPoll(poll, render)) : h('p', {}, t('polls_none_open'))),
      manages ? section('p-new', t('poll_new'), pollForm(team, open, render)) : null,
      closed.length ? section('p-closed', t('polls_closed'), closed.map((poll) => results(poll, render))) : null,
      programSection(program));
  };
  await render();
}
