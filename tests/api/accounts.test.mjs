// Accounts and sessions: login, bearer and cookie with CSRF, logout, throttle, registration.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, expectError, request, sql } from './helper.mjs';

let s;
before(async () => { s = await startServer({ args: ['--login-max-failures', '3', '--login-lock', '60'] }); });
after(async () => { await s.stop(); });

const person = (over = {}) => ({ username: 'wangwu', password: 'pass-word-1', name: '王五', kind: 'person',
  id_number: '11010519491231002X', phone: '13700001111', ...over });

test('every demo account logs in and carries role, department and office', async () => {
  const want = { applicant1: 'applicant', business1: 'applicant', clerk1: 'clerk', approver1: 'approver',
    supervisor1: 'supervisor', admin: 'admin', 'approver-bdc': 'approver' };
  for (const [u, role] of Object.entries(want)) {
    const r = await s.api('POST', '/api/v1/session', { body: { username: u, password: 'yichuang-demo' } });
    assert.equal(r.status, 201, `${u}: ${r.text}`);
    assert.match(r.json.token, /^[0-9a-f]{64}$/);
    assert.match(r.json.csrf, /^[0-9a-f]{32}$/);
    assert.equal(r.json.user.username, u);
    assert.equal(r.json.user.role, role);
    assert.ok('department' in r.json.user && 'office' in r.json.user);
    if (role !== 'applicant') assert.equal(r.json.user.office, 'jq');
  }
});

test('the session cookie is HttpOnly and SameSite=Strict', async () => {
  const r = await s.api('POST', '/api/v1/session', { body: { username: 'clerk1', password: 'yichuang-demo' } });
  const c = r.headers.get('set-cookie');
  assert.match(c, /yc_session=[0-9a-f]{64}/);
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Strict/);
});

test('a wrong password or unknown name is 401 with the same message', async () => {
  const a = expectError(assert, await s.api('POST', '/api/v1/session', { body: { username: 'clerk1', password: 'nope-nope' } }), 401, 'unauthenticated');
  const b = expectError(assert, await s.api('POST', '/api/v1/session', { body: { username: 'nobody', password: 'nope-nope' } }), 401, 'unauthenticated');
  assert.equal(a.message, b.message);
});

test('login needs both fields and no others', async () => {
  expectError(assert, await s.api('POST', '/api/v1/session', { body: { username: 'x' } }), 422, 'invalid', 'password');
  expectError(assert, await s.api('POST', '/api/v1/session', { body: { username: 'x', password: 'y', remember: true } }), 422, 'invalid', 'remember');
  expectError(assert, await s.api('POST', '/api/v1/session', { body: { username: 1, password: 'y' } }), 422, 'invalid', 'username');
});

test('bearer token: GET /session shows the user with masked personal data; DELETE logs out', async () => {
  const token = await s.login('applicant1');
  const me = await s.api('GET', '/api/v1/session', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.username, 'applicant1');
  assert.equal(me.json.user.id_number, '371002********1237');
  assert.equal(me.json.user.phone, '138****1234');
  assert.equal((await s.api('DELETE', '/api/v1/session', { token })).status, 204);
  expectError(assert, await s.api('GET', '/api/v1/session', { token }), 401, 'unauthenticated');
});

test('a session ended behind this node (another node, the database) stops working within --session-cache-ms', async () => {
  const t = await startServer({ args: ['--session-cache-ms', '400'] });
  try {
    const token = await t.login('clerk1');
    assert.equal((await t.api('GET', '/api/v1/session', { token })).status, 200);
    sql(t.db, 'DELETE FROM sessions');
    // Trusted from this node's cache for at most 400 ms, then looked up again and gone.
    await new Promise((ok) => setTimeout(ok, 500));
    expectError(assert, await t.api('GET', '/api/v1/session', { token }), 401, 'unauthenticated');
  } finally {
    await t.stop();
  }
  const u = await startServer({ args: ['--session-cache-ms', '0'] });
  try {
    const token = await u.login('clerk1');
    assert.equal((await u.api('GET', '/api/v1/session', { token })).status, 200);
    sql(u.db, 'DELETE FROM sessions');
    expectError(assert, await u.api('GET', '/api/v1/session', { token }), 401, 'unauthenticated');
  } finally {
    await u.stop();
  }
});

test('no token or a malformed one is 401', async () => {
  expectError(assert, await s.api('GET', '/api/v1/session'), 401);
  expectError(assert, await s.api('GET', '/api/v1/session', { headers: { Authorization: 'Bearer not-hex!' } }), 401);
  expectError(assert, await s.api('GET', '/api/v1/session', { token: 'a'.repeat(64) }), 401);
});

test('cookie-authenticated writes need the X-CSRF-Token header', async () => {
  const r = await s.api('POST', '/api/v1/session', { body: { username: 'supervisor1', password: 'yichuang-demo' } });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const read = await s.api('GET', '/api/v1/session', { headers: { Cookie: cookie } });
  assert.equal(read.status, 200, 'reads need no CSRF token');
  expectError(assert, await s.api('DELETE', '/api/v1/session', { headers: { Cookie: cookie } }), 403, 'forbidden', 'X-CSRF-Token');
  expectError(assert, await s.api('DELETE', '/api/v1/session', { headers: { Cookie: cookie, 'X-CSRF-Token': 'f'.repeat(32) } }), 403, 'forbidden');
  const ok = await s.api('DELETE', '/api/v1/session', { headers: { Cookie: cookie, 'X-CSRF-Token': r.json.csrf } });
  assert.equal(ok.status, 204);
  assert.match(ok.headers.get('set-cookie'), /Max-Age=0/);
});

test('repeated failed logins for one account are throttled with 429 and Retry-After', async () => {
  // three failures are free (--login-max-failures 3); the fourth makes the next attempt wait
  for (let i = 0; i < 4; i++) {
    await s.api('POST', '/api/v1/session', { body: { username: 'approver-sw', password: 'wrong-' + i } });
  }
  const r = await s.api('POST', '/api/v1/session', { body: { username: 'approver-sw', password: 'yichuang-demo' } });
  expectError(assert, r, 429, 'too_many_requests');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
});

test('repeated failed logins from one address are throttled for every account', async () => {
  const s2 = await startServer({ args: ['--login-max-failures-address', '2'] });
  try {
    await s2.api('POST', '/api/v1/session', { body: { username: 'a-1', password: 'xxxxxxxx' } });
    await s2.api('POST', '/api/v1/session', { body: { username: 'a-2', password: 'xxxxxxxx' } });
    await s2.api('POST', '/api/v1/session', { body: { username: 'a-3', password: 'xxxxxxxx' } });
    expectError(assert, await s2.api('POST', '/api/v1/session', { body: { username: 'admin', password: 'yichuang-demo' } }), 429);
  } finally { await s2.stop(); }
});

test('a person registers with a resident ID; personal data comes back masked', async () => {
  const r = await s.api('POST', '/api/v1/users', { body: person() });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.role, 'applicant');
  assert.equal(r.json.user.id_number, '110105********002X');
  assert.equal(r.json.user.phone, '137****1111');
  const token = await s.login('wangwu', 'pass-word-1');
  assert.ok(token);
});

test('a business registers with a unified social credit code', async () => {
  const r = await s.api('POST', '/api/v1/users', { body: person({ username: 'acme', kind: 'business', name: '示例公司', id_number: '91350100M000100Y43' }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.kind, 'business');
});

test('registration errors name the field', async () => {
  const cases = [
    [{ id_number: '110105194912310021' }, 'id_number'],
    [{ kind: 'business', id_number: '91350100M000100Y44' }, 'id_number'],
    [{ kind: 'robot' }, 'kind'],
    [{ phone: '12345' }, 'phone'],
    [{ password: 'short' }, 'password'],
    [{ username: 'A B' }, 'username'],
    [{ name: 12 }, 'name'],
    [{ role: 'admin' }, 'role'],
  ];
  for (const [over, field] of cases) {
    expectError(assert, await s.api('POST', '/api/v1/users', { body: person({ username: 'zz' + field.length, ...over }) }), 422, 'invalid', field);
  }
});

test('a taken username is 409', async () => {
  expectError(assert, await s.api('POST', '/api/v1/users', { body: person({ username: 'applicant1' }) }), 409, 'already_exists', 'username');
});

test('one token works against the cookie name too: cookies with other names are ignored', async () => {
  const r = await request(s.url, 'GET', '/api/v1/session', { headers: { Cookie: 'other=1; yc_session=zz' } });
  expectError(assert, r, 401);
});
