// Today's card while the team has a poll open: the question, the turnout, the way to vote.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { pollQuestion, pollTurnout } from './poll_words.js';

export function pollCard(ctx) {
  const team = ctx.session.person?.team;
  if (!team) return null;
  const card = h('section', { class: 'banner poll-banner', id: 'poll-banner', hidden: true, 'aria-live': 'polite' });
  api('GET', `/api/teams/${team.id}/polls`).then((polls) => {
    const poll = polls.find((p) => p.status === 'open' && p.may_vote);
    if (!poll) return;
    const words = { question: pollQuestion(poll), turnout: pollTurnout(poll) };
    replace(card,
      h('p', {}, t(poll.my_vote === null ? 'poll_banner' : 'poll_banner_voted', words)),
      h('a', { href: '/team/polls', class: poll.my_vote === null ? 'button primary' : 'button secondary' },
        t(poll.my_vote === null ? 'poll_vote' : 'poll_see')));
    card.hidden = false;
  }).catch(() => undefined); // offline, or no team any more: today shows no card
  return card;
}
