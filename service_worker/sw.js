// Coach's service worker. Flask fills in the version, the files to precache and the
// screens, so a new release is a new worker with new cache names; the old caches go on
// activate.
const VERSION = "{{VERSION}}";
const PRECACHE = ["{{PRECACHE}}"];
const STATIC_CACHE = `coach-static-${VERSION}`;
const PAGES_CACHE = `coach-pages-${VERSION}`;
// API reads are kept only to be shown when offline; never served while online.
const API_CACHE = 'coach-api-v1';
const SHELL = '/';
const API_READS = ['/api/me', '/api/me/today', '/api/me/progress', '/api/me/history', '/api/workplace'];
// The app's own screens, from the server's list (coach/web/screens.py); other pages
// (the CSV export, the printable report, the catalogue's contact sheet) are left to the
// network, so nothing else is ever stored as the shell.
const SCREENS = new RegExp("{{SCREENS}}");

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const pages = await caches.open(PAGES_CACHE);
    await pages.add(new Request(SHELL, { cache: 'reload' }));
    const files = await caches.open(STATIC_CACHE);
    await files.addAll(PRECACHE);
  })());
  // No skipWaiting here: a new version waits until the page asks (see 'message').
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([STATIC_CACHE, PAGES_CACHE, API_CACHE]);
    for (const name of await caches.keys()) {
      if (name.startsWith('coach-') && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
  if (event.data?.type === 'signed-out') event.waitUntil(caches.delete(API_CACHE));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    if (!SCREENS.test(url.pathname)) return;
    event.respondWith(page(request));
  } else if (API_READS.includes(url.pathname)) {
    event.respondWith(apiRead(request, url));
  } else if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/exercises/illustrations/')) {
    event.respondWith(staleWhileRevalidate(request, event));
  }
});

// Network first: the shell is the same for every screen, so any cached copy will do.
async function page(request) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    const html = response.headers.get('Content-Type')?.startsWith('text/html');
    if (response.ok && html) await cache.put(SHELL, response.clone());
    return response;
  } catch {
    return (await cache.match(SHELL)) || new Response('Offline', {
      status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  const fresh = fetch(request).then(async (response) => {
    if (response.ok) await cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

// The network answers while there is one; the last good answer only when there is not.
async function apiRead(request, url) {
  const cache = await caches.open(API_CACHE);
  const key = url.pathname; // ?lang= is the person's own language either way
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    else if (response.status === 401) await cache.delete(key);
    return response;
  } catch {
    const cached = await cache.match(key);
    const headers = new Headers(cached?.headers);
    headers.set('X-Coach-Offline', '1');
    if (!cached) {
      return new Response('{"message": "offline"}', { status: 503, headers });
    }
    return new Response(await cached.blob(), { status: 200, headers });
  }
}

// Background Sync: the open page holds the outbox code and the CSRF token, so ask it
// to replay; with no page open, the next start-up replays instead.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window' });
    for (const client of windows) client.postMessage({ type: 'replay-outbox' });
  })());
});

// -- Reminders --------------------------------------------------------------------
// The worker's payload (coach/reminders/service.py: payload) carries the texts in the
// person's language, so nothing here needs translating; a push without a readable
// payload still shows a plain reminder rather than nothing.
const ICON = PRECACHE.find((file) => file.endsWith('/icons/icon-192.png'));
const BADGE = PRECACHE.find((file) => file.endsWith('/icons/badge-96.png'));
// A push without a readable payload: a plain reminder in the phone's language.
const FALLBACK = self.navigator.language?.startsWith('en')
  ? { title: 'Coach', body: "Time for today's training.", lang: 'en' }
  : { title: 'Coach', body: 'Tid til dagens træning.', lang: 'da' };
Object.assign(FALLBACK, { url: '/today', actions: [] });

// The worker tags a reminder by its local day (coach-reminder-2026-11-23): a plain one
// takes the same tag, so it replaces that day's reminder instead of adding another.
function todaysTag() {
  const now = new Date();
  const two = (n) => String(n).padStart(2, '0');
  return `coach-reminder-${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

function reminderFrom(data) {
  let payload = null;
  try {
    payload = data?.json();
  } catch {
    payload = null; // not JSON: the fallback below
  }
  if (!payload || typeof payload !== 'object') return { ...FALLBACK, tag: todaysTag() };
  const text = (value, fallback) => (typeof value === 'string' && value ? value : fallback);
  const actions = Array.isArray(payload.actions) ? payload.actions
    .filter((a) => a && typeof a.action === 'string' && typeof a.title === 'string')
    .map((a) => ({ action: a.action, title: a.title })) : [];
  return {
    title: text(payload.title, FALLBACK.title),
    body: text(payload.body, FALLBACK.body),
    url: appPath(payload.url),
    tag: text(payload.tag, todaysTag()),
    lang: text(payload.lang, FALLBACK.lang),
    actions,
  };
}

// Only a path of this app: a payload must never send a tap to another site.
function appPath(value) {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return '/today';
  return value;
}

self.addEventListener('push', (event) => {
  const reminder = reminderFrom(event.data);
  event.waitUntil(self.registration.showNotification(reminder.title, {
    body: reminder.body,
    tag: reminder.tag,
    renotify: false,
    lang: reminder.lang,
    icon: ICON,
    badge: BADGE,
    data: { url: reminder.url },
    actions: reminder.actions.slice(0, self.Notification?.maxActions ?? 2),
  }));
});

self.addEventListener('notificationclick', (event) => {
  const { notification, action } = event;
  notification.close();
  const work = action === 'later'
    ? snoozeOrOpen(notification)
    : openApp(appPath(notification.data?.url));
  event.waitUntil(work);
});

async function snoozeOrOpen(notification) {
  try {
    const response = await postAsPerson('/api/me/reminders/snooze');
    if (response.ok) return;
  } catch {
    // offline: open the app instead, so "later" does not silently become "never"
  }
  await openApp(appPath(notification.data?.url));
}

// Focus a window of the app already open and bring it to the path, or open one.
async function openApp(path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (!open) {
    await self.clients.openWindow(target);
    return;
  }
  // focus() first, while the tap still counts as the person's action.
  const focused = await open.focus().catch(() => open);
  // The app's own router shows the screen without a reload, so a running timer survives.
  // A window that does not answer (the printable report, an older version) is loaded
  // anew. WindowClient.url cannot decide it: Chromium keeps the address the page loaded
  // with, not the one the app moved to since.
  if (!(await routedIn(focused, path))) await focused.navigate(target).catch(() => undefined);
}

function routedIn(client, path) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(false), 1500);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.postMessage({ type: 'open', path }, [channel.port2]);
  });
}

// The page keeps the sign-in answer (with its CSRF token) in IndexedDB (static/js/store.js,
// the 'meta' store under 'me') and clears it on sign-out; the worker reads it from there.
function readSignIn() {
  return new Promise((resolve) => {
    const request = indexedDB.open('coach', 1);
    request.onupgradeneeded = () => {
      // No database yet: nobody signed in on this phone. The same stores as store.js.
      const db = request.result;
      db.createObjectStore('outbox', { keyPath: 'id' });
      db.createObjectStore('meta');
    };
    request.onerror = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      try {
        const get = db.transaction('meta', 'readonly').objectStore('meta').get('me');
        get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
        get.onerror = () => { db.close(); resolve(null); };
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}

async function postAsPerson(path, body, method = 'POST') {
  const signIn = await readSignIn();
  const headers = { Accept: 'application/json' };
  if (signIn?.csrf_token) headers['X-CSRF-Token'] = signIn.csrf_token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// The push service replaced or dropped the subscription: subscribe again with the same
// server key and tell the server, which keys devices by endpoint.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});

async function resubscribe(oldSubscription, newSubscription) {
  let subscription = newSubscription;
  if (!subscription) {
    let key = oldSubscription?.options?.applicationServerKey;
    if (!key) {
      const response = await fetch('/api/push/public-key', { credentials: 'same-origin' });
      if (!response.ok) return;
      key = (await response.json()).public_key;
    }
    subscription = await self.registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: key,
    });
  }
  await postAsPerson('/api/push/subscriptions', subscription.toJSON());
  if (oldSubscription?.endpoint && oldSubscription.endpoint !== subscription.endpoint) {
    const gone = `/api/push/subscriptions?endpoint=${encodeURIComponent(oldSubscription.endpoint)}`;
    await postAsPerson(gone, undefined, 'DELETE');
  }
}
