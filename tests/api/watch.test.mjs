// 效能监察 through the HTTP API, on both backends: the demo district's clean day raises no
// alert; each rule finds the anomaly planted for it (a case idle in its step, a slow clerk,
// a long queue with its windows shut, tickets past the target wait, a department's ratings
// falling, a clerk who refuses far more than the hall) and nothing else; one live alert per
// subject; acknowledged, closed with a note, raised again while the trouble lasts; cleared
// when it passes; live on the event stream; supervisors' and the admin's only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';
import { openStream } from './sse.mjs';

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });
const TZ = 8 * 60;
const now = () => Date.now();
const localDay = (ms) => new Date(ms + TZ * 60000).toISOString().slice(0, 10);
const month = (ms) => new Date(ms + TZ * 60000).toISOString().slice(0, 7);
const run = async () => {
  const r = await api('POST', '/watch/run', 'supervisor1');
  assert.equal(r.status, 200, r.text);
  return r.json.raised;
};
const alerts = async (state = '') => (await api('GET', `/watch/alerts${state ? `?state=${state}` : ''}`, 'supervisor1')).json;
const found = (list) => list.alerts.map((a) => `${a.rule} ${a.subject}`).sort();

before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

let seq = 0;
function ticket({ category, state, issued, started, finished, staff }) {
  seq++;
  const day = localDay(now()); // today's, whenever it was issued
  const id = `${day.replaceAll('-', '')}-${category}${900 + seq}`;
  sql(s.db, `INSERT INTO tickets (id, day, category, number, priority, channel, holder, secret_hash, state, issued_ms, started_ms, finished_ms, staff)
    VALUES ('${id}', '${day}', '${category}', '${category}${900 + seq}', 'normal', 'kiosk', 'planted', 'x', '${state}', ${issued}, ${started ?? 'NULL'}, ${finished ?? 'NULL'}, ${staff ? `'${staff}'` : 'NULL'})`);
  return id;
}

function review(department, level, ms) {
  seq++;
  sql(s.db, `INSERT INTO reviews (id, subject_kind, channel, level, department, created_ms, month)
    VALUES ('planted-${seq}', 'open', 'web', ${level}, '${department}', ${ms}, '${month(ms)}')`);
}

test('a clean day raises nothing', async () => {
  assert.equal(await run(), 0);
  const a = await alerts('all');
  assert.deepEqual(a.alerts, []);
  assert.equal(a.figures.open, 0);
});

test('each planted anomaly is found, and nothing else', async () => {
  const t = now();
  // 1. a case idle in its step: accepted 4 hours ago, nothing since, 1 hour left of 5 (80% idle)
  const caseNo = sql(s.db, "SELECT no FROM cases WHERE state = 'accepted' ORDER BY no LIMIT 1").trim()
    || (await (async () => {
      const c = await api('POST', '/cases', 'clerk1', { item: '371091011002014000', channel: 'window', form: { applicant_name: '张三', contact_phone: '13800001234' }, applicant: { name: '张三', id_number: '371002199001011237', phone: '13800001234' }, materials: [] });
      return c.json.no;
    })());
  assert.ok(caseNo, 'a case in review');
  const localMin = Math.floor(t / 60000) + TZ;
  sql(s.db, `UPDATE cases SET accepted_ms = ${t - 4 * 3600000}, deadline_min = ${localMin + 60}, light = 'green', state = 'accepted' WHERE no = '${caseNo}'`);
  sql(s.db, `UPDATE case_events SET at_ms = ${t - 4 * 3600000} WHERE case_no = '${caseNo}'`);
  // 2. a slow clerk: ten tickets of 3 minutes by clerk-1, six of 20 minutes by clerk-2
  // within today (local): the rule reads today's tickets, and the test may run just after midnight
  const midnight = Math.floor((t + TZ * 60000) / 86400000) * 86400000 - TZ * 60000;
  const start = Math.max(midnight, t - 50 * 60000);
  for (let i = 0; i < 10; i++) ticket({ category: 'E', state: 'done', issued: start, started: start + i * 60000, finished: start + i * 60000 + 180000, staff: 'clerk-1' });
  for (let i = 0; i < 6; i++) ticket({ category: 'E', state: 'done', issued: start, started: start + i * 60000, finished: start + i * 60000 + 1200000, staff: 'clerk-2' });
  // 3. and 4. sixteen waiting for 办税缴费 (D) while its windows are closed, five of them for 45
  // minutes; two just now for 综合受理 (C), a short queue that sorts before it and is no alert
  const waiting = [];
  for (let i = 0; i < 16; i++) waiting.push(ticket({ category: 'D', state: 'waiting', issued: t - (i < 5 ? 45 : 5) * 60000 }));
  for (let i = 0; i < 2; i++) waiting.push(ticket({ category: 'C', state: 'waiting', issued: t - 60000 }));
  sql(s.db, "UPDATE hall_windows SET state = 'closed'");
  // 5. 税务 ratings: 25 reviews last month all 非常满意, 25 this month half 非常不满意
  const lastMonth = new Date(t + TZ * 60000);
  lastMonth.setUTCDate(1);
  const was = lastMonth.getTime() - TZ * 60000 - 5 * 86400000;
  for (let i = 0; i < 25; i++) review('sw', 5, was);
  for (let i = 0; i < 25; i++) review('sw', i % 2 ? 5 : 1, t - 60000);
  // 6. a clerk who refuses half of 30 decisions, beside another who accepts 60
  for (let i = 0; i < 30; i++) {
    sql(s.db, `INSERT INTO case_events (case_no, seq, at_ms, actor, role, action, from_state, to_state) VALUES ('${caseNo}', ${1000 + i}, ${t - 86400000 - i * 1000}, 'clerk-9', 'clerk', '${i % 2 ? 'refuse' : 'accept'}', 'submitted', 'accepted')`);
  }
  for (let i = 0; i < 60; i++) {
    sql(s.db, `INSERT INTO case_events (case_no, seq, at_ms, actor, role, action, from_state, to_state) VALUES ('${caseNo}', ${2000 + i}, ${t - 86400000 - i * 1000}, 'clerk-8', 'clerk', 'accept', 'submitted', 'accepted')`);
  }
  // live: the board's stream hears each new alert
  const stream = await openStream(`${s.url}/api/v1/events?topics=watch`, { token: await token('supervisor1') });
  const clerkStream = await openStream(`${s.url}/api/v1/events?topics=watch`, { token: await token('clerk1') });
  const raised = await run();
  const a = await alerts();
  assert.equal(raised, 6, JSON.stringify(found(a)));
  assert.deepEqual(found(a), [`closed category:D`, `idle case:${caseNo}`, 'ratings department:sw', 'refusals staff:clerk-9', 'slow staff:clerk-2', 'wait wait:D'].sort());
  const seen = await stream.until((evs) => evs.filter((e) => e.event === 'watch').length >= 6);
  assert.ok(seen.every((e) => e.json.action === 'raised' && e.json.topic === 'watch'));
  // a clerk's stream hears none of it
  await new Promise((ok) => setTimeout(ok, 300));
  assert.deepEqual(clerkStream.events, []);
  stream.close();
  clerkStream.close();
  // each with its evidence
  const by = Object.fromEntries(a.alerts.map((x) => [x.rule, x]));
  assert.equal(by.slow.evidence.tickets, 6);
  assert.equal(by.slow.evidence.hall_median_s, 180);
  assert.equal(by.closed.evidence.waiting, 16);
  assert.equal(by.wait.evidence.over_target, 5);
  assert.equal(by.ratings.evidence.satisfied_percent, 48);
  assert.equal(by.ratings.evidence.last_satisfied_percent, 100);
  assert.equal(by.refusals.evidence.refused, 15);
  assert.ok(by.idle.evidence.idle_minutes >= 239 && by.idle.evidence.limit_minutes >= 299, JSON.stringify(by.idle.evidence));
  assert.match(by.idle.title, /已停留 4 小时/);
  assert.equal(a.figures.open, 6);
  assert.deepEqual(Object.keys(a.figures.by_rule).sort(), ['closed', 'idle', 'ratings', 'refusals', 'slow', 'wait']);
  // one live alert per subject: a second run raises nothing new
  assert.equal(await run(), 0);
  assert.equal((await alerts()).alerts.length, 6);

  // acknowledged, then closed with what was done; closed needs a note
  const id = by.closed.id;
  expectError(assert, await api('POST', `/watch/alerts/${id}/actions/close`, 'supervisor1', {}), 422, 'invalid', 'note');
  let r = await api('POST', `/watch/alerts/${id}/actions/ack`, 'supervisor1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'acked');
  expectError(assert, await api('POST', `/watch/alerts/${id}/actions/ack`, 'supervisor1'), 409, 'conflict');
  r = await api('POST', `/watch/alerts/${id}/actions/close`, 'supervisor1', { note: '已调配两名人员开窗' });
  assert.equal(r.json.state, 'closed');
  assert.equal(sql(s.db, `SELECT COUNT(*) FROM audit_events WHERE object = 'watch/${id}'`).trim(), '2');
  // the trouble lasts: the next run raises it again, a new alert
  assert.equal(await run(), 1);
  const again = (await alerts()).alerts.find((x) => x.rule === 'closed');
  assert.notEqual(again.id, id);
  // the queue is served: its alerts are marked cleared, still to be closed
  sql(s.db, `UPDATE tickets SET state = 'done', started_ms = ${t}, finished_ms = ${t + 180000}, staff = 'clerk-3' WHERE id IN (${waiting.map((w) => `'${w}'`).join(',')})`);
  assert.equal(await run(), 0);
  const after = await alerts();
  for (const rule of ['closed', 'wait']) assert.ok(after.alerts.find((x) => x.rule === rule).cleared_ms > 0, rule);
  assert.equal(after.alerts.find((x) => x.rule === 'ratings').cleared_ms, null);
  assert.equal(after.figures.cleared, 2);
  assert.equal((await alerts('closed')).alerts.length, 1);
  assert.equal((await alerts('all')).alerts.length, 7);
});

test('the thresholds are settings: looser ones find nothing in the same queue', async () => {
  const loose = await startServer({ args: ['--watch-queue', '100', '--watch-wait-minutes', '120'] });
  try {
    const t = now();
    const day = localDay(t);
    for (let i = 0; i < 16; i++) {
      sql(loose.db, `INSERT INTO tickets (id, day, category, number, priority, channel, holder, secret_hash, state, issued_ms)
        VALUES ('${day.replaceAll('-', '')}-A${800 + i}', '${day}', 'A', 'A${800 + i}', 'normal', 'kiosk', 'planted', 'x', 'waiting', ${t - 45 * 60000})`);
    }
    const sup = await loose.login('supervisor1');
    const r = await loose.api('POST', '/api/v1/watch/run', { token: sup });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.raised, 0);
  } finally { await loose.stop(); }
});

test('only supervisors and the admin see, run and close alerts', async () => {
  for (const who of ['clerk1', 'approver1', 'applicant1', 'monitor-1']) {
    expectError(assert, await api('GET', '/watch/alerts', who), 403, 'forbidden');
    expectError(assert, await api('POST', '/watch/run', who), 403, 'forbidden');
  }
  expectError(assert, await api('GET', '/watch/alerts'), 401, 'unauthenticated');
  expectError(assert, await api('GET', '/watch/alerts?state=bogus', 'supervisor1'), 422, 'invalid', 'state');
  assert.equal((await api('GET', '/watch/alerts', 'admin')).status, 200);
  expectError(assert, await api('POST', '/watch/alerts/0123456789abcdef/actions/ack', 'supervisor1'), 404, 'not_found', 'id');
  expectError(assert, await api('POST', '/watch/alerts/nothex/actions/ack', 'supervisor1'), 404, 'not_found', 'id');
  const id = (await alerts()).alerts[0].id;
  expectError(assert, await api('POST', `/watch/alerts/${id}/actions/explode`, 'supervisor1'), 404, 'not_found', 'action');
});
