// The API: JSON in and out, the CSRF token on writes, one error type.
let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// Thrown when the network (not the server) failed: such writes stay queued.
export class Offline extends Error {}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new Offline(path);
  }
  // The service worker answers a read it could not fetch from its copy, and says so.
  const stale = response.headers.get('X-Coach-Offline') === '1';
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 503 && stale) throw new Offline(path);
    throw new ApiError(response.status, data);
  }
  if (stale && data && typeof data === 'object') data.offline_copy = true;
  return data;
}
