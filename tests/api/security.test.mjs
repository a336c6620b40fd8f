// Findings of the security probe (issue 18), each with the test that would have caught it;
// docs/security.md lists the threats, what defends against each, and where its test is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectError, startServer, tempDir } from './helper.mjs';

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
