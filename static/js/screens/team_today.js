// Today's "your team today" card: how many of the team have trained, by name only those
// who share, a high-five for each of them and one for the team, the week so far, and
// the high-fives received. It loads after the routine, so today's screen never waits.
import { api, Offline } from '../api.js';
import { h, replace } from '../dom.js';
import { locale, t } from '../i18n.js';
import { onOutboxChange, pending, send } from '../outbox.js';

let current = null; // { element, ctx } of the card on screen

function names(list) {
  return new Intl.ListFormat(locale(), { type: 'conjunction' }).format(list);
}

function givenSet(received) {
  return new Set(received.given.to);
}

// Give a high-five through the outbox: offline it waits there (and says so); refused,
// the app's banner shows the API's message and the button can be tried again.
async function give(team, to, button, done) {
  button.disabled = true;
  const body = { id: crypto.randomUUID(), to };
  try {
    const stored = await send('high-five', `/api/teams/${team.id}/high-fives`, body);
    if (stored) return done();
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
  }
  if ((await pending()).some((entry) => entry.id === body.id)) {
    button.textContent = t('high_five_waiting');
  } else {
    button.disabled = false; // refused: the banner says why
  }
}

function colleague(person, me, team, given) {
  const isMe = person.id === me.id;
  const label = h('span', { class: 'team-name' }, person.display_name, isMe ? ` ${t('team_you')}` : '');
  if (isMe) return h('li', {}, label);
  const already = given.has(person.id);
  const button = h('button', {
    type: 'button',
    class: 'button small secondary high-five',
    'data-person': person.id,
    disabled: already,
    'aria-label': already ? t('high_five_given_to', { name: person.display_name })
      : t('high_five_to', { name: person.display_name }),
    onclick: () => give(team, person.id, button, () => {
      given.add(person.id);
      button.replaceWith(colleague(person, me, team, given).querySelector('button'));
    }),
  }, already ? `✓ ${t('high_five_given')}` : t('high_five'));
  return h('li', {}, label, button);
}

function teamButton(team, received) {
  if (received.given.team) return h('p', { class: 'done-mark', id: 'team-high-five' }, `✓ ${t('high_five_team_given')}`);
  const button = h('button', {
    type: 'button',
    class: 'button secondary',
    id: 'team-high-five',
    onclick: () => give(team, null, button, () => {
      received.given.team = true;
      button.replaceWith(teamButton(team, received));
    }),
  }, t('high_five_team'));
  return button;
}

// The week so far against what is due by today (never the whole week's target), or
// that nothing is due yet, or that there is no plan.
function weekLine(week) {
  let line;
  if (!week.planned) line = t('team_week_no_target', { n: week.sessions });
  else if (!week.target_so_far) line = t('team_week_nothing_due', { n: week.sessions });
  else line = t('team_week_so_far', { n: week.sessions, due: week.target_so_far });
  return h('p', { id: 'team-week' }, line,
    week.planned ? ` ${t('team_week_goal', { target: week.target_sessions })}` : '');
}

function receivedPart(received) {
  const lines = [];
  if (received.from_colleagues.length) {
    lines.push(t('received_from', { names: names(received.from_colleagues.map((p) => p.display_name)) }));
  }
  if (received.from_others) lines.push(t('received_others', { n: received.from_others }));
  if (received.team) lines.push(t('received_team', { n: received.team }));
  return h('div', { class: 'received', id: 'high-fives-received' },
    h('h3', {}, t('received_title')),
    lines.length ? lines.map((line) => h('p', {}, line)) : h('p', { class: 'hint' }, t('received_none')));
}

function content(today, received, me) {
  const given = givenSet(received);
  const unnamed = today.trained - today.named.length;
  return [
    h('h2', { id: 'team-today-title' }, t('team_today_title')),
    h('p', { class: 'team-count', id: 'team-trained' },
      today.trained ? t('team_trained', { n: today.trained, of: today.members }) : t('team_nobody_yet')),
    today.named.length ? h('ul', { class: 'team-named', 'aria-label': t('team_today_title') },
      today.named.map((person) => colleague(person, me, today.team, given))) : null,
    unnamed > 0 ? h('p', { class: 'hint' }, t('team_others_trained', { n: unnamed })) : null,
    teamButton(today.team, received),
    weekLine(today.week),
    receivedPart(received),
    me.share_participation ? null : h('p', { class: 'hint' }, t('team_you_hidden'), ' ',
      h('a', { href: '/settings' }, t('team_change_sharing'))),
  ];
}

async function fill(element, ctx) {
  const me = ctx.session.person;
  try {
    const [today, received] = await Promise.all([
      api('GET', `/api/teams/${me.team.id}/today`),
      api('GET', '/api/me/high-fives'),
    ]);
    replace(element, content(today, received, me));
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    replace(element, h('h2', { id: 'team-today-title' }, t('team_today_title')),
      h('p', { class: 'hint' }, t('team_today_offline')));
  }
}

// The card for a member of a team (null without one); it fills itself in.
export function teamTodayCard(ctx) {
  if (!ctx.session.person?.team) return null;
  const element = h('section', { class: 'card team-today', id: 'team-today', 'aria-labelledby': 'team-today-title' },
    h('h2', { id: 'team-today-title' }, t('team_today_title')));
  current = { element, ctx };
  fill(element, ctx).catch(() => element.remove()); // no team today (moved team): no card
  return element;
}

// A high-five sent later from the outbox: show it given.
onOutboxChange((entries, event) => {
  if (event?.sent?.kind === 'high-five' && current?.element.isConnected) fill(current.element, current.ctx);
});
