// Today's "‹host› is leading training — join" banner, and for a lead the way to start one.
import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export function liveBanner(live, ctx) {
  const person = ctx.session.person;
  if (live) {
    return h('section', { class: 'banner live-banner', id: 'live-banner', role: 'status' },
      h('p', {}, t('live_banner', { host: live.host_name ?? '' })),
      h('button', {
        type: 'button',
        class: 'button primary',
        onclick: () => ctx.go(`/session/${live.id}`),
      }, t('live_join')));
  }
  if (!['lead', 'admin'].includes(person?.role) || !person.team) return null;
  const status = h('span', { role: 'status' });
  return h('p', { class: 'live-start' },
    h('button', {
      type: 'button',
      class: 'button secondary',
      id: 'live-start',
      onclick: async () => {
        try {
          const started = await api('POST', `/api/teams/${person.team.id}/sessions`);
          ctx.go(`/session/${started.id}`);
        } catch (error) {
          // The team has one open already: go to it.
          if (error instanceof ApiError && error.status === 409 && error.body?.id) ctx.go(`/session/${error.body.id}`);
          else status.textContent = error.message;
        }
      },
    }, t('live_lead')), status);
}
