// Talking to /api/v1: JSON in and out, the session cookie sent by the
// browser, and the CSRF token added to every write.
let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code;
    this.field = e.field;
    this.rows = e.rows; // a roster's bad rows
  }
}

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch('/api/v1' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// A write whose body is not JSON (a CSV roster): the bytes as they are, with their type.
export async function apiRaw(method, path, body, type) {
  const headers = { 'Content-Type': type };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch('/api/v1' + path, { method, headers, body, credentials: 'same-origin' });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// The signed-in user, or null. Remembers the CSRF token for later writes.
export async function currentUser() {
  try {
    const s = await api('GET', '/session');
    csrf = s.csrf;
    return s.user;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function login(username, password) {
  const s = await api('POST', '/session', { username, password });
  csrf = s.csrf;
  return s.user;
}

export async function logout() {
  await api('DELETE', '/session');
  csrf = null;
}

// Uploads a file's bytes as a material; resolves to {sha256, type, size}.
export async function upload(file, item) {
  const headers = { 'Content-Type': 'application/octet-stream' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch('/api/v1/materials' + (item ? '?item=' + encodeURIComponent(item) : ''), {
    method: 'POST', headers, body: file, credentials: 'same-origin',
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}
