// A countdown for holds and rests: a get-ready count first, then the time, and a
// sound and a vibration when it ends. Announced to screen readers at whole steps only.
import { h } from './dom.js';
import { t } from './i18n.js';

let audio;
export function signal() {
  navigator.vibrate?.([200, 100, 200]);
  try {
    audio ??= new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch {
    // No audio (or not allowed yet): the vibration and the text still tell.
  }
}

// Returns {element, done: Promise<boolean>} — true when it ran out, false when stopped.
export function countdown({ seconds, getReady = 0, label }) {
  const readout = h('p', { class: 'timer-readout', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const caption = h('p', { class: 'timer-caption' });
  const stop = h('button', { type: 'button', class: 'button secondary' }, t('stop'));
  const element = h('div', { class: 'timer', role: 'timer', 'aria-label': label }, caption, readout, stop);
  let timer;
  const done = new Promise((resolve) => {
    let phase = getReady > 0 ? 'ready' : 'run';
    let left = phase === 'ready' ? getReady : seconds;
    const paint = () => {
      caption.textContent = phase === 'ready' ? t('get_ready') : label;
      readout.textContent = t('seconds_short', { n: left });
    };
    paint();
    timer = setInterval(() => {
      left -= 1;
      if (left > 0) return paint();
      if (phase === 'ready') {
        phase = 'run';
        left = seconds;
        signal();
        return paint();
      }
      clearInterval(timer);
      signal();
      resolve(true);
    }, 1000);
    stop.addEventListener('click', () => {
      clearInterval(timer);
      resolve(false);
    });
  });
  return { element, done };
}
