// Coach's service worker. Flask fills in the version and the files to precache, so a
// new release is a new worker with new cache names; the old caches go on activate.
const VERSION = "{{VERSION}}";
const PRECACHE = ["{{PRECACHE}}"];
const STATIC_CACHE = `coach-static-${VERSION}`;
const PAGES_CACHE = `coach-pages-${VERSION}`;
// API reads are kept only to be shown when offline; never served while online.
const API_CACHE = 'coach-api-v1';
const SHELL = '/';
const API_READS = ['/api/me', '/api/me/today', '/api/me/progress'];
// The app's own screens; other pages (the CSV export, the catalogue's contact sheet)
// are left to the network, so nothing else is ever stored as the shell.
const SCREENS = /^\/(today|checkin|progress|settings|team(\/(plan|\d+(\/(invites|settings))?))?|join\/[^/]+|sign-in\/[^/]+)?$/;

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
