// Idempotency-Key on POST: the same key and body answers the stored answer
// with no second effect; the same key with another body is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, expectError } from './helper.mjs';

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

const item = (code, name = '幂等测试事项') => ({
  code, basic_code: '011777001000', name, department: 'xzsp', level: 'district', type: 'license',
  case_type: 'promised', legal_limit: { value: 20, unit: 'workday' }, promised_limit: { value: 5, unit: 'workday' },
  visits: 0, online_depth: 4, materials: [{ id: 'm1', name: '申请书', required: true }],
});
const post = (path, body, key, token = admin) => s.api('POST', path, { body, token, headers: key ? { 'Idempotency-Key': key } : {} });

test('a retried create answers the stored answer and creates nothing more', async () => {
  const first = await post('/api/v1/items', item('IDEM-1'), 'key-1');
  assert.equal(first.status, 201, first.text);
  const again = await post('/api/v1/items', item('IDEM-1'), 'key-1');
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  const list = await s.api('GET', '/api/v1/items?q=IDEM-1');
  assert.equal(list.json.total, 1);
  expectError(assert, await post('/api/v1/items', item('IDEM-1')), 409, 'already_exists');
});

test('the same key with another body is 422 naming the header', async () => {
  await post('/api/v1/items', item('IDEM-2'), 'key-2');
  expectError(assert, await post('/api/v1/items', item('IDEM-2', '改了名字'), 'key-2'), 422, 'invalid', 'Idempotency-Key');
});

test('an action replays too: a retried retire is not a 409', async () => {
  await post('/api/v1/items', item('IDEM-3'), 'key-3a');
  const r1 = await post('/api/v1/items/IDEM-3/actions/retire', undefined, 'key-3b');
  assert.equal(r1.status, 200, r1.text);
  const r2 = await post('/api/v1/items/IDEM-3/actions/retire', undefined, 'key-3b');
  assert.equal(r2.status, 200);
  assert.equal(r2.text, r1.text);
  expectError(assert, await post('/api/v1/items/IDEM-3/actions/retire', undefined, 'key-3c'), 409, 'conflict');
});

test('anonymous registration replays; no second account', async () => {
  const body = { username: 'idem-person', password: 'pass-word-1', name: '幂等', kind: 'person', id_number: '11010519491231002X', phone: '13700004444' };
  const a = await s.api('POST', '/api/v1/users', { body, headers: { 'Idempotency-Key': 'reg-1' } });
  assert.equal(a.status, 201, a.text);
  const b = await s.api('POST', '/api/v1/users', { body, headers: { 'Idempotency-Key': 'reg-1' } });
  assert.equal(b.status, 201);
  assert.equal(b.text, a.text);
  expectError(assert, await s.api('POST', '/api/v1/users', { body }), 409, 'already_exists');
});

test('a refused request stores nothing: the key can carry the corrected request', async () => {
  const bad = await post('/api/v1/items', { ...item('IDEM-4'), visits: 3 }, 'key-4');
  expectError(assert, bad, 422, 'invalid', 'visits');
  const good = await post('/api/v1/items', item('IDEM-4'), 'key-4');
  assert.equal(good.status, 201, good.text);
});

test('keys belong to their caller', async () => {
  const clerk = await s.login('clerk1');
  await post('/api/v1/items', item('IDEM-5'), 'shared-key');
  // The clerk's same key is another key: the clerk's request runs (and is refused for its role).
  expectError(assert, await post('/api/v1/items', item('IDEM-5'), 'shared-key', clerk), 403);
});

test('a login is never replayed: a retried login is a new session', async () => {
  const body = { username: 'supervisor1', password: 'yichuang-demo' };
  const a = await s.api('POST', '/api/v1/session', { body, headers: { 'Idempotency-Key': 'login-1' } });
  const b = await s.api('POST', '/api/v1/session', { body, headers: { 'Idempotency-Key': 'login-1' } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.json.token, b.json.token);
});

test('a malformed key is refused', async () => {
  expectError(assert, await post('/api/v1/items', item('IDEM-6'), 'x'.repeat(129)), 422, 'invalid', 'Idempotency-Key');
  expectError(assert, await post('/api/v1/items', item('IDEM-6'), 'with space'), 422, 'invalid', 'Idempotency-Key');
});

test('concurrent retries with one key make one item', async () => {
  const results = await Promise.all(Array.from({ length: 10 }, () => post('/api/v1/items', item('IDEM-7'), 'key-7')));
  const ok = results.filter((r) => r.status === 201);
  assert.ok(ok.length >= 1);
  for (const r of results) assert.ok([201, 409].includes(r.status), `${r.status} ${r.text}`);
  assert.equal((await s.api('GET', '/api/v1/items?q=IDEM-7')).json.total, 1);
});
