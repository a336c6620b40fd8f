// Findings of the security probe (issue 18), each with the test that would have caught it;
// docs/security.md lists the threats, what defends against each, and where its test is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PASSWORD, OPEN_ALL_DAY, expectError, sql, startServer, tempDir } from './helper.mjs';
import { openStream } from './sse.mjs';

let s;
let tok;
before(async () => { s = await startServer(); tok = await s.login('applicant1'); });
after(async () => { await s?.stop(); });

const post = (body) => s.api('POST', '/api/v1/cases', { token: tok, body });

test('a key given twice is refused wherever a body is parsed, naming where (finding 7)', async () => {
  // only the first copy used to be checked, and every copy stored
  const big = 'x'.repeat(2000);
  expectError(assert, await post(`{"item":"371091071003021000","form":{"location":"经区","location":"${big}"}}`),
    400, 'malformed', 'form.location');
  expectError(assert, await post('{"item":"371091071003021000","item":"371091011001007000"}'), 400, 'malformed', 'item');
  expectError(assert, await post('{"item":"x","materials":[{"id":"m1","sha256":"a"},{"id":"m1","id":"m2"}]}'),
    400, 'malformed', 'materials[1].id');
  // a large object is checked too (sorted, not pair by pair)
  const keys = Array.from({ length: 200 }, (_, i) => `"k${i}":${i}`);
  keys.push('"k17":0');
  expectError(assert, await post(`{"item":"x","form":{${keys.join(',')}}}`), 400, 'malformed', 'form.k17');
  // the same key in different objects is no duplicate
  const ok = await post('{"item":"371091071003021000","form":{"note":"a"},"delivery":{"mode":"electronic"}}');
  assert.notEqual(ok.status, 400, ok.text);
  // and login, the other way in
  expectError(assert, await s.api('POST', '/api/v1/session', { body: '{"username":"applicant1","username":"admin","password":"x"}' }),
    400, 'malformed', 'username');
});

test('a FIFO in the web root is not served and holds no thread (finding 19)', { timeout: 30000 }, async () => {
  const web = tempDir();
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>x</title>');
  assert.equal(spawnSync('mkfifo', [join(web, 'pipe.html')]).status, 0);
  const w = await startServer({ args: ['--web', web, '--threads', '1'] });
  try {
    // with one listener thread, a blocked open would stall the next request too
    const started = Date.now();
    const pipe = await Promise.race([w.api('GET', '/pipe.html'), new Promise((ok) => setTimeout(() => ok(null), 5000))]);
    assert.ok(pipe, 'the FIFO held the thread');
    expectError(assert, pipe, 404, 'not_found');
    const page = await w.api('GET', '/index.html');
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>x<\/title>/, 'served from the test web root');
    assert.ok(Date.now() - started < 10000, 'answered without waiting for a writer');
  } finally {
    await w.stop();
    rmSync(web, { recursive: true, force: true });
  }
});

test("an applicant's timeline names the roles that acted, never the staff member (finding 13)", async () => {
  const PDF = new TextEncoder().encode('%PDF-1.4\n% security test\n');
  const up = await s.api('POST', '/api/v1/materials', { body: PDF, token: tok, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(up.status, 201, up.text);
  const mats = ['m1', 'm2'].map((id) => ({ id, sha256: up.json.sha256 }));
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: mats });
  assert.equal(c.status, 201, c.text);
  const clerk = await s.login('clerk1');
  const a = await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept`, { token: clerk });
  assert.equal(a.status, 200, a.text);
  const mine = await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: tok });
  const accepted = mine.json.timeline.find((e) => e.action === 'accept');
  assert.ok(accepted, 'the acceptance is on the timeline');
  assert.equal(accepted.role, 'clerk');
  assert.ok(!mine.json.timeline.some((e) => 'actor' in e), 'no staff username for the applicant');
  assert.ok(!mine.text.includes('clerk1'));
  const staff = await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: clerk });
  assert.equal(staff.json.timeline.find((e) => e.action === 'accept').actor, 'clerk1');
});

// A request from another loopback address (127.0.0.0/8 is all ours): a second "client".
function from(server, address, method, path, body) {
  const url = new URL(server.url + path);
  return new Promise((ok, fail) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: address,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        ok({ status: res.statusCode, headers: { get: (h) => res.headers[h.toLowerCase()] ?? null }, text, json });
      });
    });
    req.on('error', fail);
    req.end(data);
  });
}
const badLogin = (server, address, username) =>
  from(server, address, 'POST', '/api/v1/session', { username, password: 'wrong-password' });

test('locks are not cleared by other traffic; the budgets are separate tables (finding 2)', async () => {
  const w = await startServer({ args: ['--login-max-failures', '3', '--login-lock', '120'] });
  try {
    // three free failures, then each one more makes the next attempt wait twice as long
    for (let i = 0; i < 4; i++) await badLogin(w, '127.0.0.9', 'approver-sw');
    const locked = await from(w, '127.0.0.9', 'POST', '/api/v1/session', { username: 'approver-sw', password: DEMO_PASSWORD });
    expectError(assert, locked, 429, 'too_many_requests');
    assert.equal(locked.headers.get('retry-after'), '1');
    // the probe's attack: many lookups and logins under chosen keys used to push the count out
    for (let i = 0; i < 200; i++) {
      const no = `3710912026${String(1000000000 + i * 7919).slice(-10)}`;
      await from(w, '127.0.0.9', 'GET', `/api/v1/progress/${no}?phone4=0000`);
    }
    for (let i = 0; i < 60; i++) await badLogin(w, `127.0.${1 + (i % 50)}.${1 + (i % 7)}`, `nobody-${i}`);
    await sleep(1100);
    // the count survived: one more failure and the wait is two seconds
    await badLogin(w, '127.0.0.9', 'approver-sw');
    const still = await from(w, '127.0.0.9', 'POST', '/api/v1/session', { username: 'approver-sw', password: DEMO_PASSWORD });
    expectError(assert, still, 429, 'too_many_requests');
    assert.equal(still.headers.get('retry-after'), '2');
  } finally { await w.stop(); }
});

test('a wrong password costs its sender growing waits, never the owner a hard lock (findings 2, 14)', async () => {
  const w = await startServer({ args: ['--login-max-failures', '3', '--login-max-failures-account', '10', '--login-lock', '300'] });
  try {
    // someone elsewhere fails at the admin's password again and again
    const waits = [];
    for (let i = 0; i < 6; i++) {
      const r = await badLogin(w, '127.0.0.7', 'admin');
      if (r.status === 429) waits.push(Number(r.headers.get('retry-after')));
      else await sleep(0);
    }
    assert.ok(waits.length > 0, 'the sender waits');
    // the admin, from the hall's own address, still signs in
    const admin = await from(w, '127.0.0.1', 'POST', '/api/v1/session', { username: 'admin', password: DEMO_PASSWORD });
    assert.equal(admin.status, 201, admin.text);
    // many addresses together: the account waits for every address that has failed, at most a minute
    for (let i = 0; i < 12; i++) await badLogin(w, `127.0.1.${i + 1}`, 'supervisor1');
    const last = await badLogin(w, '127.0.1.1', 'supervisor1');
    expectError(assert, last, 429, 'too_many_requests');
    const wait = Number(last.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `the account waits ${wait} s`);
    // and its owner, from an address that has not failed, signs in meanwhile
    const owner = await from(w, '127.0.1.200', 'POST', '/api/v1/session', { username: 'supervisor1', password: DEMO_PASSWORD });
    assert.equal(owner.status, 201, owner.text);
  } finally { await w.stop(); }
});

test("the node's failure budget: spent, addresses that failed wait and the others go on (finding 2)", async () => {
  const w = await startServer({ args: ['--failure-budget', '5'] });
  try {
    for (let i = 0; i < 6; i++) await badLogin(w, '127.0.2.1', `nobody-${i}`);
    expectError(assert, await from(w, '127.0.2.1', 'POST', '/api/v1/session', { username: 'admin', password: DEMO_PASSWORD }), 429, 'too_many_requests');
    const clean = await from(w, '127.0.2.2', 'POST', '/api/v1/session', { username: 'admin', password: DEMO_PASSWORD });
    assert.equal(clean.status, 201, clean.text);
  } finally { await w.stop(); }
});

test('progress lookups: budgets per case number and per address (finding 3)', async () => {
  const w = await startServer({ args: ['--progress-max-failures-address', '5'] });
  try {
    let last;
    for (let i = 0; i < 7; i++) last = await from(w, '127.0.3.1', 'GET', `/api/v1/progress/37109120260101${String(100000 + i)}?phone4=1234`);
    expectError(assert, last, 429, 'too_many_requests', 'phone4');
    assert.match(last.headers.get('retry-after') || '', /^[1-9][0-9]*$/);
    expectError(assert, await from(w, '127.0.3.2', 'GET', '/api/v1/progress/37109120260101100000?phone4=1234'), 404, 'not_found');
  } finally { await w.stop(); }
});

test('kiosk tickets and registrations: a budget per address; staff issue freely (findings 8, 9)', async () => {
  const w = await startServer({ args: ['--default-budgets', '--tickets-per-address', '2', '--registrations-per-address', '2', ...OPEN_ALL_DAY] });
  try {
    const take = (address, phone) => from(w, address, 'POST', '/api/v1/tickets', { category: 'C', channel: 'kiosk', phone });
    assert.equal((await take('127.0.4.1', '13900000001')).status, 201);
    assert.equal((await take('127.0.4.1', '13900000002')).status, 201);
    expectError(assert, await take('127.0.4.1', '13900000003'), 429, 'too_many_requests');
    assert.equal((await take('127.0.4.2', '13900000004')).status, 201, 'another address is not affected');
    const clerk = await w.login('clerk1');
    for (let i = 0; i < 3; i++) {
      const r = await w.api('POST', '/api/v1/tickets', { token: clerk, body: { category: 'C', channel: 'window', phone: `1390000010${i}` } });
      assert.equal(r.status, 201, r.text);
    }
    const person = (i) => ({ username: `reg-${i}`, password: 'a-long-passphrase', name: '王五', kind: 'person', id_number: '11010519491231002X', phone: '13711111111' });
    for (let i = 0; i < 2; i++) assert.equal((await from(w, '127.0.4.3', 'POST', '/api/v1/users', person(i))).status, 201);
    expectError(assert, await from(w, '127.0.4.3', 'POST', '/api/v1/users', person(9)), 429, 'too_many_requests');
  } finally { await w.stop(); }
});

test('a walk-in case links only to an account a window verified, never to one that claims the number (finding 1)', async () => {
  const ID = '11010519491231002X';
  const clerk = await s.login('clerk1');
  const register = async (username, phone) => {
    const r = await s.api('POST', '/api/v1/users', { body: { username, password: 'a-long-passphrase', name: '王五', kind: 'person', id_number: ID, phone } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.verified, false);
    return s.login(username, 'a-long-passphrase');
  };
  const walkIn = async () => {
    const r = await s.api('POST', '/api/v1/cases', { token: clerk, body: {
      item: '371091011002014000', channel: 'window',
      applicant: { kind: 'person', name: '王五', id_number: ID, phone: '13712345678' },
      form: { applicant_name: '王五', contact_phone: '13712345678' },
    } });
    assert.equal(r.status, 201, r.text);
    return r.json.no;
  };
  // a stranger registers with the number before its owner comes to the hall
  const stranger = await register('stranger', '13900000000');
  const first = await walkIn();
  const seen = await s.api('GET', `/api/v1/cases/${first}`, { token: stranger });
  assert.ok([403, 404].includes(seen.status), `the stranger reads the case: ${seen.status}`);
  assert.ok(!seen.text.includes('13712345678'));
  const list = await s.api('GET', '/api/v1/cases', { token: stranger });
  assert.ok(!list.text.includes(first), 'nor lists it');
  const taken = await s.api('POST', `/api/v1/cases/${first}/actions/withdraw`, { token: stranger });
  assert.ok([403, 404].includes(taken.status), `the stranger withdraws it: ${taken.status}`);

  // the owner registers and shows the ID card at a window
  const owner = await register('owner', '13712345678');
  const verify = (username, body, token = clerk) =>
    s.api('POST', `/api/v1/users/${username}/actions/verify`, { token, body });
  expectError(assert, await verify('owner', { id_number: ID, name: '王六' }), 422, 'invalid', 'name');
  expectError(assert, await verify('owner', { id_number: '110105198001010016', name: '王五' }), 422, 'invalid', 'id_number');
  expectError(assert, await verify('owner', { id_number: ID, name: '王五' }, owner), 403, 'forbidden');
  expectError(assert, await verify('clerk1', { id_number: ID, name: '王五' }), 404, 'not_found', 'username');
  const ok = await verify('owner', { id_number: ID, name: '王五' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.user.verified, true);
  assert.equal(ok.json.user.id_number, '110105********002X');
  assert.equal((await verify('owner', { id_number: ID, name: '王五' })).status, 200, 'again: nothing changes');
  // one verified account per number: the stranger's cannot be verified now
  expectError(assert, await verify('stranger', { id_number: ID, name: '王五' }), 409, 'already_exists', 'id_number');

  // the next walk-in case is the owner's, and only the owner's
  const second = await walkIn();
  const mine = await s.api('GET', `/api/v1/cases/${second}`, { token: owner });
  assert.equal(mine.status, 200, mine.text);
  assert.ok(!(await s.api('GET', '/api/v1/cases', { token: stranger })).text.includes(second));
  // the first stays with the hall: it never changes owner afterwards
  assert.ok([403, 404].includes((await s.api('GET', `/api/v1/cases/${first}`, { token: owner })).status));
});

test('appointments are booked by verified people only (finding 9)', async () => {
  const body = { username: 'booker', password: 'a-long-passphrase', name: '赵七', kind: 'person', id_number: '110105198001010016', phone: '13711112222' };
  assert.equal((await s.api('POST', '/api/v1/users', { body })).status, 201);
  const t = await s.login('booker', 'a-long-passphrase');
  let date;
  for (let d = 1; d < 15; d++) {
    date = new Date(Date.now() + 8 * 3600000 + d * 86400000).toISOString().slice(0, 10);
    if ((await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) break;
  }
  const book = () => s.api('POST', '/api/v1/appointments', { token: t, body: { category: 'E', date, slot: '10:00' } });
  expectError(assert, await book(), 403, 'forbidden');
  const clerk = await s.login('clerk1');
  const v = await s.api('POST', '/api/v1/users/booker/actions/verify', { token: clerk, body: { id_number: body.id_number, name: body.name } });
  assert.equal(v.status, 200, v.text);
  // the session's account is looked up again within session-cache-ms (1 s by default)
  await sleep(1100);
  const r = await book();
  assert.equal(r.status, 201, r.text);
});

test('a JSON body comes as application/json: a form on another site cannot log anyone in (finding 6)', async () => {
  const body = JSON.stringify({ username: 'applicant1', password: DEMO_PASSWORD });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', null]) {
    const headers = type ? { 'Content-Type': type } : {};
    const r = await fetch(s.url + '/api/v1/session', { method: 'POST', headers, body });
    assert.equal(r.status, 415, `${type}: ${r.status}`);
    const j = await r.json();
    assert.equal(j.error.code, 'unsupported_media_type');
    assert.ok(!r.headers.get('set-cookie'), 'no session cookie');
  }
  // parameters and case do not matter
  for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
    const r = await s.api('POST', '/api/v1/session', { body, headers: { 'Content-Type': type } });
    assert.equal(r.status, 201, `${type}: ${r.text}`);
  }
  // a raw upload keeps its own type
  const up = await s.api('POST', '/api/v1/materials', { token: tok, body: new TextEncoder().encode('%PDF-1.4\n'), headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(up.status, 201, up.text);
});

test('a route that takes no body refuses one (finding 16)', async () => {
  const clerk = await s.login('clerk-1');
  const paths = ['/api/v1/windows/1/actions/sign_in', '/api/v1/windows/1/call-next', '/api/v1/windows/1/actions/sign_out'];
  for (const path of paths) {
    for (const body of ['[]', '1', '{"window":2}', '"x"', 'null']) {
      expectError(assert, await s.api('POST', path, { token: clerk, body }), 400, 'malformed');
    }
  }
  // nothing, or an empty object, is what they take
  const signIn = await s.api('POST', paths[0], { token: clerk, body: '{}' });
  assert.equal(signIn.status, 200, signIn.text);
  const out = await s.api('POST', paths[2], { token: clerk });
  assert.equal(out.status, 200, out.text);
  // and a GET's body is no different
  const admin = await s.login('admin');
  expectError(assert, await s.api('POST', '/api/v1/items/371091011002014000/actions/retire', { token: admin, body: '{"reason":"x"}' }), 400, 'malformed');
});

test('case events reach staff in scope only; the public stream carries none (finding 4)', async () => {
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' } });
  assert.equal(c.status, 201, c.text);
  const sup = await s.login('supervisor1');
  const dept = (await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: sup })).json.department;
  const depts = (await s.api('GET', '/api/v1/departments')).json.departments.map((d) => d.code);
  const other = depts.find((d) => d !== dept);
  // asking for case events without a staff session
  const anon = await openStream(s.url + '/api/v1/events?topics=case');
  assert.equal(anon.status, 401);
  const mine = await openStream(s.url + '/api/v1/events?topics=case', { token: tok });
  assert.equal(mine.status, 403);
  // replayed from the start: who sees the case's submission
  const sees = async (token) => {
    const st = await openStream(s.url + '/api/v1/events', { lastEventId: 0, token });
    assert.equal(st.status, 200);
    await sleep(300);
    st.close();
    return st.events.some((e) => e.event === 'case' && e.json.object === c.json.no);
  };
  assert.equal(await sees(undefined), false, 'the public');
  assert.equal(await sees(tok), false, 'an applicant');
  assert.equal(await sees(sup), true, 'a supervisor');
  assert.equal(await sees(await s.login('clerk1')), true, "a clerk of the accepting office");
  assert.equal(await sees(await s.login(`approver-${dept}`)), true, "an approver of the case's department");
  assert.equal(await sees(await s.login(`approver-${other}`)), false, 'an approver of another department');
});

test("materials: attached by their uploader only, read through a case one may read (finding 10)", async () => {
  const bytes = new TextEncoder().encode(`%PDF-1.4\n% only applicant1 has this ${Date.now()}\n`);
  const up = await s.api('POST', '/api/v1/materials', { body: bytes, token: tok, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(up.status, 201, up.text);
  const other = await s.login('business1');
  const attach = (sha) => s.api('POST', '/api/v1/cases', { token: other, body: {
    item: '371091011002014000', form: { applicant_name: '威海示例科技有限公司', contact_phone: '13900005678' },
    materials: [{ id: 'm1', sha256: sha }] } });
  // another's upload and a content nobody uploaded read the same: nothing is learnt
  const theirs = expectError(assert, await attach(up.json.sha256), 422, 'invalid', 'materials[0]');
  const nobodys = expectError(assert, await attach('f'.repeat(64)), 422, 'invalid', 'materials[0]');
  assert.equal(theirs.message.replace(up.json.sha256, ''), nobodys.message.replace('f'.repeat(64), ''));
  // outside a case, staff do not read uploads by their hash
  for (const who of ['clerk1', 'approver1', 'supervisor1']) {
    expectError(assert, await s.api('GET', `/api/v1/materials/${up.json.sha256}`, { token: await s.login(who) }), 404, 'not_found');
  }
  expectError(assert, await s.api('GET', `/api/v1/materials/${up.json.sha256}`, { token: other }), 404, 'not_found');
  assert.equal((await s.api('GET', `/api/v1/materials/${up.json.sha256}`, { token: tok, raw: true })).status, 200);
});

test('during review only what is still owed is supplemented, a return names what it asks for; what was accepted stays (finding 11)', async () => {
  const bytes = (n) => new TextEncoder().encode(`%PDF-1.4\n% finding 11 ${n} ${Date.now()}\n`);
  const upload = async (n) => (await s.api('POST', '/api/v1/materials', { body: bytes(n), token: tok, headers: { 'Content-Type': 'application/pdf' } })).json.sha256;
  const first = await upload(1);
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: first }] });
  assert.equal(c.status, 201, c.text);
  const clerk = await s.login('clerk1');
  const act = (action, body, token = tok) => s.api('POST', `/api/v1/cases/${c.json.no}/actions/${action}`, { token, body });
  const a = await act('accept_with_deficiencies', { missing: ['m2'] }, clerk);
  assert.equal(a.status, 200, a.text);
  const other = await upload(2);
  // the accepted m1 cannot be swapped during review
  expectError(assert, await act('supplement', { materials: [{ id: 'm1', sha256: other }] }), 422, 'invalid', 'materials[0]');
  const kept = await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: tok });
  assert.equal(kept.json.materials.find((m) => m.id === 'm1').sha256, first);
  // the owed m2 can be supplied
  const ok = await act('supplement', { materials: [{ id: 'm2', sha256: other }] });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json.missing, []);
  // returned to the applicant: only what the return names is supplied again
  const step = (await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: clerk })).json.current_step;
  const approver = await s.login(step.assignee || 'approver1');
  if (!step.assignee) assert.equal((await act('claim', undefined, approver)).status, 200);
  expectError(assert, await act('return', { to: 'applicant', reason: '请重新提交', materials: ['m9'] }, approver), 422, 'invalid', 'materials[0]');
  expectError(assert, await act('return', { to: 'previous', reason: 'x', materials: ['m1'] }, approver), 422, 'invalid', 'materials');
  const back = await act('return', { to: 'applicant', reason: '身份证明不清晰，请重新提交', materials: ['m1'] }, approver);
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.state, 'returned');
  assert.deepEqual(back.json.missing, ['m1']);
  const third = await upload(3);
  expectError(assert, await act('supplement', { materials: [{ id: 'm2', sha256: third }] }), 422, 'invalid', 'materials[0]');
  const again = await act('supplement', { materials: [{ id: 'm1', sha256: third }] });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.state, 'accepted');
  assert.deepEqual(again.json.missing, []);
  assert.equal(again.json.materials.find((m) => m.id === 'm1').sha256, third);
  // a return that names no material asks for the form only
  assert.equal((await act('return', { to: 'applicant', reason: '请核对联系电话' }, approver)).status, 200);
  expectError(assert, await act('supplement', { materials: [{ id: 'm2', sha256: first }] }), 422, 'invalid', 'materials[0]');
  const form = await act('supplement', { form: { contact_phone: '13800004321' } });
  assert.equal(form.status, 200, form.text);
  assert.equal(form.json.state, 'accepted');
});

test("the form's personal fields are masked by their type for all but the applicant (finding 12)", async () => {
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' } });
  assert.equal(c.status, 201, c.text);
  const mine = await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: tok });
  assert.equal(mine.json.form.contact_phone, '13800001234', 'the applicant sees what they filed');
  for (const who of ['clerk1', 'supervisor1', 'approver1']) {
    const r = await s.api('GET', `/api/v1/cases/${c.json.no}`, { token: await s.login(who) });
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    assert.equal(r.json.form.contact_phone, '138****1234', who);
    assert.equal(r.json.applicant.phone, '138****1234', who);
    assert.ok(!r.text.includes('13800001234'), `${who} sees no raw phone`);
  }
});

test('names with bidi overrides, zero-width or control characters are refused; \\u0000 cuts nothing (finding 21)', async () => {
  const reg = (name, username = `n${Math.floor(Math.random() * 1e9)}`) => s.api('POST', '/api/v1/users', { body: JSON.stringify({
    username, password: 'a-long-passphrase', name, kind: 'person', id_number: '11010519491231002X', phone: '13711113333' }) });
  for (const bad of ['王\u202e五', '王\u200b五', '王\u2066五', '王\u0007五', '王\u009b五', '\ufeff王五', '王\u200f五']) {
    const e = expectError(assert, await reg(bad), 422, 'invalid', 'name');
    assert.match(e.message, /U\+[0-9A-F]{4}/);
  }
  // a NUL used to cut the string short where it was stored
  expectError(assert, await s.api('POST', '/api/v1/users', { body: '{"username":"nul1","password":"a-long-passphrase","name":"王\\u0000admin","kind":"person","id_number":"11010519491231002X","phone":"13711113333"}' }), 400, 'malformed');
  // an escaped backslash before u0000 is text, not a NUL
  assert.equal((await reg('王\\u0000五')).status, 201);
  assert.equal((await reg('王五')).status, 201);
  // the same in a case's form
  expectError(assert, await post({ item: '371091011002014000', form: { applicant_name: '张\u202e三', contact_phone: '13800001234' } }), 422, 'invalid', 'form.applicant_name');
});

test('common passwords are refused; /metrics needs its token; the cookie is Secure behind HTTPS (findings 20, 22)', async () => {
  const reg = (username, password) => s.api('POST', '/api/v1/users', { body: {
    username, password, name: '钱八', kind: 'person', id_number: '11010519491231002X', phone: '13711114444' } });
  for (const [u, p] of [['weak1', '12345678'], ['weak2', 'Password1'], ['weak3', 'woaini1314'], ['weak4', '!!!!!!!!!'], ['sameasname', 'SameAsName']]) {
    expectError(assert, await reg(u, p), 422, 'invalid', 'password');
  }
  assert.equal((await reg('strong1', 'correct horse battery')).status, 201);

  const w = await startServer({ args: ['--metrics-token', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', '--public-url', 'https://zw.example.gov.cn'] });
  try {
    expectError(assert, await w.api('GET', '/metrics'), 401, 'unauthenticated');
    expectError(assert, await w.api('GET', '/metrics', { headers: { Authorization: 'Bearer 0123abcd' } }), 401, 'unauthenticated');
    const m = await w.api('GET', '/metrics', { headers: { Authorization: 'Bearer a1b2c3d4e5f60718293a4b5c6d7e8f90' }, raw: true });
    assert.equal(m.status, 200);
    assert.match(m.text, /yichuang_/);
    const login = await w.api('POST', '/api/v1/session', { body: { username: 'applicant1', password: DEMO_PASSWORD } });
    assert.match(login.headers.get('set-cookie'), /; Secure/);
  } finally { await w.stop(); }
  // on this machine without a token: readable (the default's loopback rule)
  assert.equal((await s.api('GET', '/metrics', { raw: true })).status, 200);
  const plain = await s.api('POST', '/api/v1/session', { body: { username: 'applicant1', password: DEMO_PASSWORD } });
  assert.doesNotMatch(plain.headers.get('set-cookie'), /Secure/);
});

test('notices carry a policy that loads nothing else and is never framed (finding 20)', async () => {
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' } });
  const clerk = await s.login('clerk1');
  const a = await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept_with_deficiencies`, { token: clerk, body: { missing: ['m1', 'm2'] } });
  assert.equal(a.status, 200, a.text);
  const doc = await s.api('GET', `/api/v1/cases/${c.json.no}/documents/acceptance`, { token: tok, raw: true });
  assert.equal(doc.status, 200, doc.text);
  const csp = doc.headers.get('content-security-policy') || '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(doc.headers.get('x-frame-options'), 'DENY');
});

test('live streams are capped per address and in all (finding 18)', async () => {
  const w = await startServer({ args: ['--streams-per-address', '2', '--streams-max', '3'] });
  const open = (address) => new Promise((ok, fail) => {
    const url = new URL(w.url + '/api/v1/hall/events');
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, localAddress: address }, (res) => {
      res.resume();
      ok({ status: res.statusCode, retry: res.headers['retry-after'], close: () => req.destroy() });
    });
    req.on('error', fail);
    req.end();
  });
  const held = [];
  try {
    held.push(await open('127.0.5.1'), await open('127.0.5.1'));
    assert.deepEqual(held.map((h) => h.status), [200, 200]);
    const third = await open('127.0.5.1');
    assert.equal(third.status, 429, 'a third from one address');
    assert.ok(Number(third.retry) > 0);
    held.push(await open('127.0.5.2'));
    assert.equal(held[2].status, 200);
    const over = await open('127.0.5.3');
    assert.equal(over.status, 503, 'past the node\'s cap');
    // a stream that ends gives its place back
    held.shift().close();
    let again;
    for (let i = 0; i < 50; i++) {
      again = await open('127.0.5.3');
      if (again.status === 200) break;
      again.close();
      await sleep(100);
    }
    assert.equal(again.status, 200);
    held.push(again);
  } finally {
    for (const h of held) h.close();
    await w.stop();
  }
});

/* Sends over one raw connection what send(c) writes; resolves with all that came back by its close. */
async function exchange(url, send, ms = 10000) {
  const { connect } = await import('node:net');
  return new Promise((ok) => {
    const c = connect(Number(new URL(url).port), '127.0.0.1', () => send(c));
    let got = '';
    c.on('data', (d) => { got += d; });
    c.on('close', () => ok(got));
    c.on('error', () => ok(got));
    setTimeout(() => c.destroy(), ms);
  });
}

/* Writes data in pieces of size bytes, one per turn of the loop, so that heads and bodies are cut anywhere. */
function inPieces(c, data, size) {
  let i = 0;
  const next = () => { if (i < data.length) { c.write(data.subarray ? data.subarray(i, i + size) : data.slice(i, i + size)); i += size; setImmediate(next); } };
  next();
}

const statuses = (out) => [...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);

test('ambiguous heads are refused, and every error is JSON, libevent\'s own too (finding 17)', async () => {
  const raw = (text) => exchange(s.url, (c) => c.write(text), 3000);
  const heads = {
    'two Content-Length': 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x',
    'Content-Length: +2': 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: +2\r\n\r\n{}',
    'a space before the colon': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo : 1\r\n\r\n',
    'obs-fold': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: 1\r\n  folded\r\n\r\n',
    'obs-fold by a tab': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: 1\r\n\tfolded\r\n\r\n',
    'a NUL in a value': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: a\u0000b\r\n\r\n',
    'a NUL in a name': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-F\u0000oo: ab\r\n\r\n',
    'a NUL in the request line': 'GET /api/v1/health\u0000x HTTP/1.1\r\nHost: x\r\n\r\n',
    'a CR that ends no line': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: a\r b\r\n\r\n',
    'a chunked body (its trailers are headers libevent adds)': 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Late: 1\r\n\r\n',
    'two Host': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
    'Content-Length beside Transfer-Encoding': 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    'a control character in a value': 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: a\u0001b\r\n\r\n',
    'no request line': 'GARBAGE\r\n\r\n',
    'a head over the limit': `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
  };
  for (const [what, text] of Object.entries(heads)) {
    const out = await raw(text);
    assert.match(out, /^HTTP\/1\.[01] 400 /, `${what}: ${out.slice(0, 80)}`);
    assert.match(out, /\r\nContent-Type: application\/json/i, `${what} is answered in JSON`);
    assert.match(out, /\r\n\r\n\{"error":\{"code":"malformed"/, what);
    assert.match(out, /\r\nConnection: close/i, `${what}: the connection closes`);
  }
  const unknown = await raw('FOO /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(unknown, /^HTTP\/1\.1 501 /);
  assert.match(unknown, /\{"error":\{"code":"method_not_allowed"/);
  const options = await raw('OPTIONS /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(options, /^HTTP\/1\.1 405 /);
  assert.match(options, /\{"error":\{"code":"method_not_allowed"/);
});

test('a bad head after a good one on the same connection is refused, and only it (finding 17)', async () => {
  const good = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n';
  const bad = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: 1\r\n folded\r\n\r\n';
  for (const pieces of [[good + good + bad], [good, good, bad]]) {
    const out = await exchange(s.url, async (c) => { for (const p of pieces) { c.write(p); await sleep(50); } }, 5000);
    assert.deepEqual(statuses(out), ['200', '200', '400'], `${pieces.length} writes: ${out.slice(0, 200)}`);
  }
});

test('after a CONNECT, which libevent answers itself, nothing more is read on the connection (finding 17)', async () => {
  const out = await exchange(s.url, async (c) => {
    c.write('CONNECT a:1 HTTP/1.1\r\n\r\n');
    await sleep(200);
    c.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Foo: a\r\n folded\r\n\r\n');
  }, 5000);
  assert.deepEqual(statuses(out), ['501'], out.slice(0, 200));
  const piped = await exchange(s.url, (c) => c.write('CONNECT a:1 HTTP/1.1\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'), 5000);
  assert.ok(!statuses(piped).includes('200'), piped.slice(0, 300));
});

test('a head dripped a line at a time is cut at the header timeout; heads in time pass (finding 18)', { timeout: 40000 }, async () => {
  const w = await startServer({ args: ['--header-timeout', '2'] });
  try {
    // a drip (a line every 0.7 s, each well inside the 30 s read timeout), then a silent stall
    for (const every of [700, 100000]) {
      const started = Date.now();
      let drip;
      await exchange(w.url, (c) => {
        c.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');
        drip = setInterval(() => { if (!c.destroyed) c.write('X-Drip: 1\r\n'); }, every);
      }, 20000);
      clearInterval(drip);
      const held = Date.now() - started;
      assert.ok(held >= 1900 && held < 6000, `every ${every} ms: held ${held} ms`);
    }
    // a head that comes in time, in pieces, and the next head on the same connection, with its own deadline
    const out = await exchange(w.url, async (c) => {
      c.write('GET /api/v1/health HTTP/1.1\r\n');
      await sleep(800);
      c.write('Host: x\r\n\r\n');
      await sleep(1500);
      c.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');
      await sleep(800);
      c.write('Connection: close\r\n\r\n');
    });
    assert.deepEqual(statuses(out), ['200', '200'], out.slice(0, 200));
  } finally { await w.stop(); }
  // the next head's clock starts when the answer before it is sent, not while a slow reader takes it
  const web = tempDir();
  const big = 48 << 20;
  writeFileSync(join(web, 'big.bin'), Buffer.alloc(big, 7));
  const v = await startServer({ args: ['--header-timeout', '2', '--web', web] });
  try {
    const sent = Date.now();
    const out = await exchange(v.url, async (c) => {
      c.pause(); // a slow reader: the big answer waits in the socket
      let got = 0;
      let done = false;
      c.on('data', (d) => { got += d.length; if (got > big) done = true; });
      c.on('close', () => { done = true; }); // an answer cut short ends the wait too
      c.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\n');
      await sleep(2500);
      c.resume();
      while (!done) await sleep(20);
      await sleep(300);
      c.write('Host: x\r\nConnection: close\r\n\r\n');
    }, 30000);
    assert.ok(Date.now() - sent > 2500);
    assert.equal(out.length > big, true, `the big answer came whole (${out.length} bytes)`);
    assert.match(out.slice(-400), /HTTP\/1\.1 200 [\s\S]*"status"/, 'and the head after it was read');
  } finally { await v.stop(); }
});

test('bodies are never read as heads: NULs and folded-looking lines in an upload, pipelined and cut anywhere', async () => {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('\r\n folded\r\n\u0000\t\r\n\r\n x\u0000', 'latin1'), Buffer.alloc(64, 0)]);
  const head = `POST /api/v1/materials HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tok}\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\n\r\n`;
  const text = Buffer.concat([Buffer.from(head), png, Buffer.from('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]);
  const out = await exchange(s.url, (c) => inPieces(c, text, 5));
  const got = statuses(out);
  assert.equal(got.length, 2, out.slice(0, 300));
  assert.ok(['200', '201'].includes(got[0]), out.slice(0, 300));
  assert.equal(got[1], '200');
});

test('pipelined requests with bodies that hold line breaks and spaces, cut anywhere, are each answered', async () => {
  const body = '{\n  "username": "applicant1",\n\t"password": "' + DEMO_PASSWORD + '"\n}';
  const post = `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const text = post + post + 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const out = await exchange(s.url, (c) => inPieces(c, text, 7));
  assert.deepEqual(statuses(out), ['201', '201', '200'], out.slice(0, 300));
});

test('passwords are stored as argon2id, never as given', async () => {
  const r = await s.api('POST', '/api/v1/users', { body: { username: 'hashme', password: 'a-long-passphrase', name: '孙九', kind: 'person', id_number: '11010519491231002X', phone: '13711115555' } });
  assert.equal(r.status, 201, r.text);
  const stored = sql(s.db, "SELECT password_hash FROM users WHERE username = 'hashme'").trim();
  assert.match(stored, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  assert.ok(!stored.includes('a-long-passphrase'));
});

test("without public-url a notice's QR code never follows a Host that is not this machine (finding 20)", async () => {
  const c = await post({ item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' } });
  const clerk = await s.login('clerk1');
  assert.equal((await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept_with_deficiencies`, { token: clerk, body: { missing: ['m1', 'm2'] } })).status, 200);
  const get = (host) => new Promise((ok, fail) => {
    const url = new URL(`${s.url}/api/v1/cases/${c.json.no}/documents/acceptance`);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: host, Authorization: `Bearer ${tok}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => ok({ status: res.statusCode, text }));
    });
    req.on('error', fail);
    req.end();
  });
  const forged = await get('evil.example');
  assert.equal(forged.status, 503, forged.text);
  assert.match(forged.text, /public-url/);
  const local = await get(new URL(s.url).host);
  assert.equal(local.status, 200);
  assert.match(local.text, /<svg[^>]+class="qr"/);
});
