// A poll in words, shared by today's card and the polls screen.
import { t } from './i18n.js';

export function pollQuestion(poll) {
  if (poll.question) return poll.question;
  return poll.kind === 'exercises'
    ? t('poll_question_exercises', { first: poll.phase.first_week, last: poll.phase.last_week })
    : t('poll_question_time');
}

export function pollTurnout(poll) {
  return t('poll_turnout', { n: poll.turnout.voted, m: poll.turnout.eligible });
}
