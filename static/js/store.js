// IndexedDB: the outbox of writes made offline, and a few remembered values.
// The service worker reads 'meta' → 'me' (the sign-in answer with its CSRF token) to
// snooze and re-subscribe without a page, and creates these same stores if it opens
// the database first (service_worker/sw.js: readSignIn): change both together.
const DB_NAME = 'coach';
let opening;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('outbox', { keyPath: 'id' });
      db.createObjectStore('meta');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run(store, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const outboxStore = {
  put: (entry) => run('outbox', 'readwrite', (s) => s.put(entry)),
  remove: (id) => run('outbox', 'readwrite', (s) => s.delete(id)),
  // Read and delete in one transaction: the entry, or undefined if it was not there.
  take: async (id) => {
    let found;
    await run('outbox', 'readwrite', (s) => {
      const get = s.get(id);
      get.onsuccess = () => {
        found = get.result;
        if (found) s.delete(id);
      };
      return get;
    });
    return found;
  },
  all: async () => ((await run('outbox', 'readonly', (s) => s.getAll())) || [])
    .sort((a, b) => a.queued_at - b.queued_at),
  clear: () => run('outbox', 'readwrite', (s) => s.clear()),
};

export const meta = {
  get: (key) => run('meta', 'readonly', (s) => s.get(key)),
  set: (key, value) => run('meta', 'readwrite', (s) => s.put(value, key)),
  remove: (key) => run('meta', 'readwrite', (s) => s.delete(key)),
  clear: () => run('meta', 'readwrite', (s) => s.clear()),
};
