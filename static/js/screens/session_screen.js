// The shared screen for a tablet or TV in the corridor (a lead signs it in): the
// exercise's drawing and cues in large type, the countdown and how many have joined.
// No personal data: no names, no loads, no one's own numbers.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { language, t } from '../i18n.js';
import { follow, secondsLeft } from '../live.js';

const exercises = new Map();

async function exercise(slug) {
  if (!exercises.has(slug)) exercises.set(slug, await api('GET', `/api/exercises/${slug}?lang=${language()}`));
  return exercises.get(slug);
}

export async function show(main, ctx, id) {
  let latest = null;
  let readout = null;
  const follower = follow(id, async (state) => {
    latest = state;
    const about = state.step ? await exercise(state.step.slug).catch(() => null) : null;
    if (latest !== state) return; // a newer state came while the drawing loaded
    readout = h('p', { class: 'screen-countdown', id: 'screen-countdown', role: 'timer' });
    const phase = state.step ? t(`live_phase_${state.step.phase}`) : t(state.status === 'ended' ? 'live_ended' : 'live_lobby');
    replace(main,
      h('section', { class: 'shared-screen', 'data-status': state.status },
        h('h1', { id: 'screen-exercise' }, about?.name ?? t('live_title')),
        h('p', { class: 'screen-phase', id: 'screen-phase' }, phase),
        readout,
        about?.illustration_url ? h('img', { src: about.illustration_url, alt: about.illustration_alt ?? '', class: 'screen-drawing' }) : null,
        about ? h('dl', { class: 'screen-cues' }, ['start', 'movement', 'tempo'].filter((k) => about.cues?.[k])
          .map((k) => [h('dt', {}, t(`cue_${k}`)), h('dd', {}, about.cues[k])])) : null,
        h('p', { class: 'screen-joined', id: 'screen-joined' },
          state.status === 'ended' ? t('live_together', { n: state.participants.count }) : t('live_joined', { n: state.participants.count }))));
    paint();
  });
  const paint = () => {
    if (!location.pathname.startsWith(`/session/${id}`)) {
      follower.close();
      clearInterval(timer);
      return;
    }
    if (!readout || !latest) return;
    const left = secondsLeft(latest, follower.offset);
    readout.dataset.seconds = left == null ? '' : String(left);
    readout.textContent = left == null ? '' : t('seconds_short', { n: left });
  };
  const timer = setInterval(paint, 250);
  replace(main, h('h1', {}, t('live_title')));
}
