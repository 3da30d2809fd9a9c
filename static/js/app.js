// The app: who is signed in, which screen the path names, and the parts every screen
// shares (status line, tabs, update and install offers, the outbox count).
import { api, ApiError, Offline } from './api.js';
import { h, replace } from './dom.js';
import { guessLanguage, t, useLanguage } from './i18n.js';
import { onOutboxChange, pending, startReplaying } from './outbox.js';
import { session, signedIn } from './session.js';
import { meta } from './store.js';

const TABS = [
  ['/today', 'tab_today'],
  ['/checkin', 'tab_checkin'],
  ['/progress', 'tab_progress'],
  ['/settings', 'tab_settings'],
];
// Leads and admins also run teams: one more tab for them alone.
const TEAM_TAB = ['/team', 'tab_team'];
const SCREENS = {
  '/today': () => import('./screens/today.js'),
  '/checkin': () => import('./screens/checkin.js'),
  '/progress': () => import('./screens/progress.js'),
  '/history': () => import('./screens/history.js'),
  '/settings': () => import('./screens/settings.js'),
  '/team': () => import('./screens/team.js'),
  '/join': () => import('./screens/join.js'),
  '/sign-in': () => import('./screens/signin.js'),
  '/session': () => import('./screens/session.js'),
  '/': () => import('./screens/welcome.js'),
};

export function go(path, { replaceState = false } = {}) {
  history[replaceState ? 'replaceState' : 'pushState'](null, '', path);
  return render();
}

export function notify(message, kind = 'info') {
  const banner = h('div', { class: `banner banner-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', {}, message),
    h('button', { type: 'button', class: 'link', onclick: () => banner.remove() }, t('dismiss')));
  document.getElementById('banners').append(banner);
}

async function whoAmI() {
  try {
    await signedIn(await api('GET', '/api/me'));
  } catch (error) {
    if (error instanceof Offline) {
      const remembered = await meta.get('me');
      if (remembered) await signedIn(remembered);
    } else if (error instanceof ApiError && error.status === 401) {
      session.person = null;
    } else {
      throw error;
    }
  }
}

function screenFor(pathname) {
  const [, first] = pathname.split('/');
  const key = `/${first}`;
  if (key === '/join' || key === '/sign-in') return key;
  if (!session.person) return '/';
  return SCREENS[key] && key !== '/' ? key : '/today';
}

let rendering = 0;
export async function render() {
  const turn = ++rendering;
  const key = screenFor(location.pathname);
  if (key === '/today' && location.pathname !== '/today' && session.person) {
    history.replaceState(null, '', '/today');
  }
  const module = await SCREENS[key]();
  if (turn !== rendering) return;
  const main = document.getElementById('main');
  renderTabs(key);
  document.querySelector('.skip').textContent = t('skip_to_content');
  await module.show(main, { go, notify, session });
  if (turn === rendering) {
    document.title = `${main.querySelector('h1')?.textContent || 'Coach'} · Coach`;
    main.focus({ preventScroll: true });
  }
}

function tabsFor(person) {
  return ['lead', 'admin'].includes(person?.role) ? [...TABS, TEAM_TAB] : TABS;
}

// Screens reached from a tab keep the tab bar, with their tab marked.
const TAB_OF = { '/history': '/progress' };

function renderTabs(screen) {
  const nav = document.getElementById('tabs');
  const tabs = tabsFor(session.person);
  // A member's way to the team's polls comes from today: that tab stays marked.
  const own = screen === '/team' && !tabs.some(([path]) => path === '/team') ? '/today' : screen;
  const current = TAB_OF[screen] ?? own;
  nav.hidden = !session.person || !tabs.some(([path]) => path === current);
  nav.classList.toggle('five', tabs.length === 5);
  nav.setAttribute('aria-label', t('tabs'));
  replace(nav, ...tabs.map(([path, label]) => h('a', {
    href: path,
    class: 'tab',
    'aria-current': path === current ? 'page' : false,
  }, t(label))));
}

// Reminders that stopped reaching every phone of the person (three days of failures):
// said once a day at start-up, with the way to settings; dismissing it lasts the day.
async function warnIfRemindersFail() {
  let view;
  try {
    view = await api('GET', '/api/me/reminders');
  } catch {
    return; // offline or no reminder settings: nothing to say now
  }
  if (!view?.delivery_problem) return;
  const today = new Date().toDateString();
  if ((await meta.get('reminder-warning-dismissed')) === today) return;
  const banner = h('div', { id: 'reminder-warning', class: 'banner banner-error', role: 'alert' },
    h('p', {}, t('delivery_problem')),
    h('a', { href: '/settings', onclick: () => banner.remove() }, t('delivery_problem_fix')),
    h('button', {
      type: 'button',
      class: 'link',
      onclick: async () => {
        banner.remove();
        await meta.set('reminder-warning-dismissed', today);
      },
    }, t('dismiss')));
  document.getElementById('banners').append(banner);
}

async function showPending(entries, event) {
  const status = document.getElementById('status');
  status.textContent = entries.length ? t('waiting_to_sync', { n: entries.length }) : '';
  if (event?.rejected) {
    notify(t('rejected', { message: event.error.message }), 'error');
  }
}

function offerUpdate(registration) {
  const worker = registration.waiting;
  if (!worker || !navigator.serviceWorker.controller) return;
  if (document.getElementById('update')) return;
  const banner = h('div', { id: 'update', class: 'banner', role: 'status' },
    h('p', {}, t('update_available')),
    h('button', { type: 'button', class: 'button', onclick: () => worker.postMessage({ type: 'skip-waiting' }) },
      t('update_now')));
  document.getElementById('banners').append(banner);
}

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  offerUpdate(registration);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offerUpdate(registration);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only a worker the person asked for replaces a page that had one.
    if (document.getElementById('update') && !reloading) {
      reloading = true;
      location.reload();
    }
  });
}

async function start() {
  // Before any await: the browser may offer to install at any moment after load.
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    session.installPrompt = event;
    document.dispatchEvent(new Event('coach:installable'));
  });
  await useLanguage(guessLanguage());
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="/"]');
    // Downloads and pages outside the app (the printable report) load as themselves.
    if (!link || link.hasAttribute('download') || link.relList.contains('external')) return;
    if (event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    go(link.getAttribute('href'));
  });
  window.addEventListener('popstate', () => render());
  // A tap on a reminder asks an open window to show a screen (sw.js, openApp); the
  // answer tells the worker it need not reload the window.
  navigator.serviceWorker?.addEventListener('message', (event) => {
    const { type, path } = event.data ?? {};
    if (type !== 'open' || typeof path !== 'string' || !/^\/(?!\/)/.test(path)) return;
    if (location.pathname !== path) go(path);
    event.ports[0]?.postMessage('shown');
  });
  onOutboxChange(showPending);
  // An invite or sign-in link is opened before anyone is signed in: no need to ask.
  if (!/^\/(join|sign-in)\//.test(location.pathname)) await whoAmI();
  await render();
  showPending(await pending());
  // After the first paint's work: the worker's precache must not compete with it.
  const later = () => registerWorker().catch(() => undefined);
  if (document.readyState === 'complete') setTimeout(later, 0);
  else window.addEventListener('load', later, { once: true });
  if (session.person) {
    startReplaying();
    warnIfRemindersFail();
  }
  document.documentElement.dataset.ready = 'true';
}

start().catch((error) => {
  replace(document.getElementById('main'), h('p', { role: 'alert' }, String(error.message || error)));
});
