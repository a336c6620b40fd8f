// The server itself: health, metrics, errors, limits, static files, shutdown, logs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import net from 'node:net';
import { BACKEND, SCHEMA, startServer, expectError } from './helper.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

test('health reports the schema version and backend', async () => {
  const r = await s.api('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.schema_version, SCHEMA);
  assert.ok(SCHEMA >= 2);
  assert.equal(r.json.backend, BACKEND);
  assert.ok(r.headers.get('x-request-id'));
});

test('metrics are Prometheus text with per-route histograms and pipeline batches', async () => {
  await s.api('GET', '/api/v1/items/none');
  const r = await s.api('GET', '/metrics', { raw: true });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  assert.match(r.text, /yichuang_requests_total\{method="GET",route="\/api\/v1\/health",status="2xx"\} \d+/);
  assert.match(r.text, /yichuang_request_seconds_bucket\{method="GET",route="\/api\/v1\/items\/\{code\}",le="\+Inf"\} \d+/);
  assert.match(r.text, /yichuang_pipeline_batch_size_count \d+/);
  // where the memory is: SQLite's caches (none on PostgreSQL) and malloc's bytes in use
  const gauge = (name) => Number(r.text.match(new RegExp(`^${name} (\\d+)$`, 'm'))[1]);
  if (BACKEND === 'sqlite') assert.ok(gauge('yichuang_sqlite_cache_bytes') > 0);
  // malloc's own figures (zero under the address sanitizer, which replaces malloc)
  assert.ok(gauge('yichuang_heap_in_use_bytes') >= 0 && gauge('yichuang_heap_free_bytes') >= 0);
});

test('unknown API route is a JSON 404; wrong method a JSON 405', async () => {
  expectError(assert, await s.api('GET', '/api/v1/nothing-here'), 404, 'not_found');
  expectError(assert, await s.api('DELETE', '/api/v1/health'), 405, 'method_not_allowed');
});

test('malformed JSON is 400 naming the byte position', async () => {
  const e = expectError(assert, await s.api('POST', '/api/v1/session', { body: '{"username": "a",' }), 400, 'malformed');
  assert.match(e.message, /byte \d+/);
});

test('invalid UTF-8 in a body is 400', async () => {
  const body = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]);
  const e = expectError(assert, await s.api('POST', '/api/v1/session', { body: new Uint8Array(body) }), 400, 'malformed');
  assert.match(e.message, /UTF-8/);
});

test('a missing body is 400; an array body is 422', async () => {
  expectError(assert, await s.api('POST', '/api/v1/session'), 400, 'malformed');
  expectError(assert, await s.api('POST', '/api/v1/session', { body: [1, 2] }), 422, 'invalid');
});

test('a body over the route limit is a JSON 413', async () => {
  const big = JSON.stringify({ username: 'x'.repeat(5000), password: 'y' });
  expectError(assert, await s.api('POST', '/api/v1/session', { body: big }), 413, 'too_large');
});

test('a body over the server limit is refused with 413', async () => {
  const s2 = await startServer({ args: ['--body-limit', '2048'] });
  try {
    const r = await s2.api('POST', '/api/v1/items', { body: 'x'.repeat(4096), raw: true });
    assert.equal(r.status, 413);
  } finally { await s2.stop(); }
});

test('oversized request headers are refused', async () => {
  const r = await s.api('GET', '/api/v1/health', { headers: { 'X-Big': 'a'.repeat(20000) }, raw: true });
  assert.ok(r.status === 400 || r.status === 413 || r.status === 431, `status ${r.status}`);
});

test('static files are served; paths never escape the web folder', async () => {
  const r = await s.api('GET', '/', { raw: true });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(r.text, /办事指南/);
  for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/css/../../Makefile', '/.git/config', '/%00']) {
    const e = await s.api('GET', p, { raw: true });
    assert.ok(e.status === 404 || e.status === 400, `${p} gave ${e.status}`);
  }
});

test('raw socket: a keep-alive connection serves several requests', async () => {
  const { hostname, port } = new URL(s.url);
  const replies = await new Promise((ok, fail) => {
    const sock = net.connect(Number(port), hostname);
    let data = '';
    sock.on('data', (d) => { data += d; if ((data.match(/HTTP\/1\.1 200/g) || []).length === 2) { sock.end(); ok(data); } });
    sock.on('error', fail);
    sock.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
    setTimeout(() => fail(new Error('timeout: ' + data)), 5000);
  });
  assert.equal((replies.match(/"status":"ok"/g) || []).length, 2);
});

test('SIGTERM stops the server cleanly (exit 0, no leaks under ASan)', async () => {
  const s2 = await startServer();
  await s2.api('GET', '/api/v1/health');
  const token = await s2.login('admin');
  assert.ok(token);
  const r = await s2.stop();
  assert.equal(r.code, 0, s2.stderr.slice(-2000));
});

test('the access log is JSON lines with request ids and no secrets or personal data', async () => {
  const s2 = await startServer();
  const reg = { username: 'logcheck', password: 'secret-pass-123', name: '李四', kind: 'person', id_number: '11010519491231002X', phone: '13912345678' };
  assert.equal((await s2.api('POST', '/api/v1/users', { body: reg })).status, 201);
  const token = await s2.login('logcheck', 'secret-pass-123');
  await s2.api('GET', '/api/v1/session', { token });
  await s2.api('POST', '/api/v1/session', { body: { username: 'logcheck', password: 'wrong-password' } });
  await s2.stop({ clean: false });
  const lines = s2.stderr.trim().split('\n');
  for (const line of lines) JSON.parse(line);
  assert.ok(lines.some((l) => JSON.parse(l).route === '/api/v1/users'));
  for (const secret of ['secret-pass-123', 'wrong-password', token, '11010519491231002X', '13912345678']) {
    assert.ok(!s2.stderr.includes(secret), `log contains ${secret.slice(0, 6)}…`);
  }
});

test('the access log is buffered per listener thread: flushed within its interval, whole lines, none lost at exit', async () => {
  const s2 = await startServer({ args: ['--threads', '2'] });
  // a line reaches the log while the server runs (the 100 ms flush), without waiting for 32 KiB
  await s2.api('GET', '/api/v1/health?probe=flush');
  let seen = false;
  for (let i = 0; i < 50 && !seen; i++) {
    seen = s2.stderr.includes('"path":"/api/v1/health"');
    if (!seen) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seen, 'the line was not written while the server ran');
  // two threads, many requests at once: every line whole and every request there after a stop
  const n = 3000;
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => s2.api('GET', `/api/v1/items/not-${i + k}`)));
  }
  await s2.stop({ clean: false });
  const lines = s2.stderr.trim().split('\n').map((l) => JSON.parse(l));
  const items = lines.filter((l) => l.route === '/api/v1/items/{code}');
  assert.equal(items.length, n);
  assert.equal(new Set(items.map((l) => l.path)).size, n);
});

test('refuses a non-loopback address while demo accounts exist', async () => {
  await assert.rejects(startServer({ args: ['--listen', '0.0.0.0:0'] }), /demo accounts exist/);
});
