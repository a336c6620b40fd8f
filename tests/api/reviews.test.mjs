// 好差评 through the HTTP API: a service rated from every channel, once; the whole
// bad-review loop (rate → order → callback → classify → rectify → re-rate →
// published); a late order escalating; an appeal upheld and one rejected; a
// department that cannot see another's orders; a QR token that works once; visits;
// the figures, the staff's own, and the national export.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPEN_ALL_DAY, expectError, freshDb, openHallToday, sql, startServer } from './helper.mjs';

const ONE_STEP = '371091011002014000'; // 食品经营许可: xzsp, one step

let s;
const tok = {};
const PDF = new TextEncoder().encode('%PDF-1.4\n% yichuang review test\n');
let sha;
let phoneSeq = 13700000000;

before(async () => {
  s = await startServer({ ...openHallToday(freshDb()), args: [...OPEN_ALL_DAY, '--case-job-interval', '1', '--queue-fairness', '0', '--public-cache-ms', '0'] });
  for (const u of ['applicant1', 'business1', 'clerk1', 'clerk-37', 'approver1', 'approver-ga', 'supervisor1', 'admin', 'monitor-1', 'assessor-1']) {
    tok[u] = await s.login(u);
  }
  const r = await s.api('POST', '/api/v1/materials', { body: PDF, token: tok.applicant1, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  sha = r.json.sha256;
});
after(async () => { await s.stop(); });

const api = (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? tok[who] : undefined, body });
const rate = (body, who) => api('POST', '/reviews', who, body);
const orderAct = (id, action, who, body) => api('POST', `/review-orders/${id}/actions/${action}`, who, body);
const count = (q) => Number(sql(s.db, q).trim());

// A case of applicant1's, accepted at the window and approved: ended, so it may be rated.
async function endedCase() {
  let r = await api('POST', '/cases', 'applicant1', { item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  const who = c.current_step.assignee;
  tok[who] ||= await s.login(who);
  r = await api('POST', `/cases/${no}/actions/approve`, who);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'approved');
  return no;
}

// A ticket served and finished at window 37: {id, key}.
async function finishedTicket() {
  sql(s.db, "UPDATE tickets SET state = 'expired' WHERE state IN ('waiting', 'called', 'serving')");
  const t = await api('POST', '/tickets', null, { category: 'C', channel: 'kiosk', phone: String(phoneSeq++) });
  assert.equal(t.status, 201, t.text);
  const called = await api('POST', '/windows/37/call-next', 'clerk-37');
  assert.equal(called.json.id, t.json.ticket.id, called.text);
  assert.equal((await api('POST', `/tickets/${t.json.ticket.id}/actions/start`, 'clerk-37')).status, 200);
  const f = await api('POST', `/tickets/${t.json.ticket.id}/actions/finish`, 'clerk-37');
  assert.equal(f.json.state, 'done', f.text);
  return { id: t.json.ticket.id, key: t.json.key };
}

describe('every channel, once', () => {
  test('the web: the applicant rates their own ended case once; nobody else, nothing open', async () => {
    const no = await endedCase();
    let sub = await api('GET', `/reviews/subject?case=${no}&channel=web`, 'applicant1');
    assert.equal(sub.status, 200, sub.text);
    assert.equal(sub.json.rateable, true);
    assert.deepEqual(sub.json.indicators.map((i) => i.code), ['efficiency', 'guide', 'convenience', 'operability']);
    expectError(assert, await rate({ channel: 'web', case: no, level: 5 }), 401, 'unauthenticated');
    expectError(assert, await rate({ channel: 'web', case: no, level: 5 }, 'business1'), 404, 'not_found', 'case');
    expectError(assert, await rate({ channel: 'web', case: no, level: 5, scores: { attitude: 5 } }, 'applicant1'), 422, 'invalid', 'scores');
    expectError(assert, await rate({ channel: 'web', case: no, level: 2 }, 'applicant1'), 422, 'invalid', 'reasons');
    expectError(assert, await rate({ channel: 'web', case: no, level: 6 }, 'applicant1'), 422, 'invalid', 'level');
    expectError(assert, await rate({ channel: 'fax', case: no, level: 5 }, 'applicant1'), 422, 'invalid', 'channel');
    const r = await rate({ channel: 'web', case: no, level: 5, scores: { efficiency: 5, guide: 4 } }, 'applicant1');
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.id, /^PJ\d{8}[0-9a-f]{10}$/);
    assert.equal(r.json.level_name, '非常满意');
    assert.equal(r.json.order, null, 'a good review opens no order');
    expectError(assert, await rate({ channel: 'web', case: no, level: 4 }, 'applicant1'), 409, 'already_exists', 'case');
    sub = await api('GET', `/reviews/subject?case=${no}&channel=web`, 'applicant1');
    assert.deepEqual([sub.json.rateable, sub.json.reason, sub.json.level], [false, 'rated', 5]);
    // a case still open is not rated
    const open = await api('POST', '/cases', 'applicant1', { item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] });
    expectError(assert, await rate({ channel: 'web', case: open.json.no, level: 5 }, 'applicant1'), 409, 'conflict', 'case');
  });

  test('a QR code and an SMS link: the token rates that case once, from anyone holding it', async () => {
    const no = await endedCase();
    expectError(assert, await api('GET', `/reviews/link?case=${no}`, 'approver-ga'), 404, 'not_found', 'case');
    const link = await api('GET', `/reviews/link?case=${no}`, 'clerk1');
    assert.equal(link.status, 200, link.text);
    assert.match(link.json.token, /^[0-9a-f]{32}$/);
    assert.ok(link.json.url.endsWith(`/review.html#case=${no}&t=${link.json.token}`));
    assert.equal((await api('GET', `/reviews/link?case=${no}`, 'applicant1')).json.token, link.json.token);
    expectError(assert, await rate({ channel: 'qr', case: no, level: 4, token: '0'.repeat(32) }), 404, 'not_found', 'case');
    const sub = await api('GET', `/reviews/subject?case=${no}&channel=qr&token=${link.json.token}`);
    assert.equal(sub.json.rateable, true, sub.text);
    const r = await rate({ channel: 'qr', case: no, level: 4, token: link.json.token });
    assert.equal(r.status, 201, r.text);
    expectError(assert, await rate({ channel: 'qr', case: no, level: 5, token: link.json.token }), 409, 'already_exists', 'case');
    expectError(assert, await rate({ channel: 'sms', case: no, level: 5, token: link.json.token }), 409, 'already_exists', 'case');
    // the SMS link carries the same kind of token
    const other = await endedCase();
    const t2 = (await api('GET', `/reviews/link?case=${other}`, 'applicant1')).json.token;
    assert.notEqual(t2, link.json.token);
    expectError(assert, await rate({ channel: 'sms', case: other, level: 5, token: link.json.token }), 404, 'not_found');
    assert.equal((await rate({ channel: 'sms', case: other, level: 3, token: t2 })).status, 201);
  });

  test('the e-ticket and the window\'s rating device rate a finished ticket once', async () => {
    assert.equal((await api('POST', '/windows/37/actions/sign_in', 'clerk-37')).status, 200);
    const a = await finishedTicket();
    expectError(assert, await rate({ channel: 'eticket', ticket: a.id, level: 5, key: '0'.repeat(32) }), 404, 'not_found', 'ticket');
    let sub = await api('GET', `/reviews/subject?ticket=${a.id}&channel=eticket&key=${a.key}`);
    assert.equal(sub.status, 200, sub.text);
    assert.deepEqual(sub.json.indicators.map((i) => i.code), ['service_efficiency', 'service_level', 'attitude']);
    assert.equal(sub.json.window, 37);
    let r = await rate({ channel: 'eticket', ticket: a.id, level: 5, key: a.key, scores: { attitude: 5 } });
    assert.equal(r.status, 201, r.text);
    expectError(assert, await rate({ channel: 'eticket', ticket: a.id, level: 5, key: a.key }), 409, 'already_exists', 'ticket');

    // the device's key: for the clerk signed in at that window only
    expectError(assert, await api('GET', '/windows/38/rating-key', 'clerk-37'), 403, 'forbidden', 'no');
    expectError(assert, await api('GET', '/windows/37/rating-key', 'clerk1'), 403, 'forbidden', 'no');
    const key = await api('GET', '/windows/37/rating-key', 'clerk-37');
    assert.equal(key.status, 200, key.text);
    assert.match(key.json.url, /^\/hall\/rate\.html#w=37&t=[0-9a-f]{32}$/);
    const b = await finishedTicket();
    r = await rate({ channel: 'device', ticket: b.id, level: 4, token: key.json.token });
    assert.equal(r.status, 201, r.text);
    expectError(assert, await rate({ channel: 'device', ticket: b.id, level: 4, token: key.json.token }), 409, 'already_exists', 'ticket');
    // a ticket not finished yet
    const c = await api('POST', '/tickets', null, { category: 'C', channel: 'kiosk', phone: String(phoneSeq++) });
    expectError(assert, await rate({ channel: 'eticket', ticket: c.json.ticket.id, level: 5, key: c.json.key }), 409, 'conflict', 'ticket');
    sub = await api('GET', `/reviews/subject?ticket=${b.id}&channel=device&token=${key.json.token}`);
    assert.deepEqual([sub.json.rateable, sub.json.reason], [false, 'rated']);
  });

  test('the open channels are entered by staff, name a department, and a contact gets a callback', async () => {
    expectError(assert, await rate({ channel: 'counter', department: 'xzsp', level: 5 }), 401, 'unauthenticated', 'channel');
    expectError(assert, await rate({ channel: 'counter', department: 'xzsp', level: 5 }, 'applicant1'), 403, 'forbidden', 'channel');
    expectError(assert, await rate({ channel: 'box', level: 5 }, 'clerk1'), 422, 'invalid', 'department');
    expectError(assert, await rate({ channel: 'hotline', department: 'nope', level: 5 }, 'clerk1'), 422, 'invalid', 'department');
    expectError(assert, await rate({ channel: 'hotline', department: 'xzsp', case: '37109120261127000001', level: 5 }, 'clerk1'), 422, 'invalid', 'channel');
    expectError(assert, await rate({ channel: 'hotline', department: 'xzsp', level: 1, reasons: ['attitude'], contact: '123' }, 'clerk1'), 422, 'invalid', 'contact');
    for (const channel of ['counter', 'box']) {
      const r = await rate({ channel, department: 'ga', level: 5, text: '服务很好' }, 'clerk1');
      assert.equal(r.status, 201, r.text);
    }
    const r = await rate({ channel: 'hotline', department: 'ga', level: 1, reasons: ['queue'], text: '等了两个小时', contact: '13712345678' }, 'clerk1');
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.order, /^ZG\d{8}[0-9a-f]{10}$/);
    assert.equal(count(`SELECT COUNT(*) FROM review_callbacks WHERE review = '${r.json.id}' AND reason = 'bad'`), 1);
    // the phone is kept for the callback and shown to nobody but the one who dials
    const list = await api('GET', '/review-callbacks?state=due', 'approver-ga');
    const cb = list.json.callbacks.find((x) => x.review === r.json.id);
    assert.ok(cb, list.text);
    assert.equal(cb.phone, '137****5678');
    assert.ok(!list.text.includes('13712345678'));
    expectError(assert, await api('POST', `/review-callbacks/${cb.id}/actions/dial`, 'approver1'), 404, 'not_found', 'id');
    const dial = await api('POST', `/review-callbacks/${cb.id}/actions/dial`, 'approver-ga');
    assert.equal(dial.json.phone, '13712345678', dial.text);
    assert.ok(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'review.callback.dial'`) >= 1);
  });
});

describe('the bad-review loop', () => {
  test('rate → order → callback → classify → rectify → re-rate → published, anonymised', async () => {
    const no = await endedCase();
    const before = (await api('GET', '/reviews/stats')).json;
    const r = await rate({ channel: 'web', case: no, level: 1, reasons: ['slow', 'repeat_visits'], text: '跑了三次，电话13800001234没人接' }, 'applicant1');
    assert.equal(r.status, 201, r.text);
    const id = r.json.order;
    assert.ok(id);
    const after1 = (await api('GET', '/reviews/stats')).json;
    assert.equal(after1.all.total, before.all.total + 1);
    assert.equal(after1.all.bad, before.all.bad + 1);
    // the department that served sees it; another does not
    let o = await api('GET', `/review-orders/${id}`, 'approver1');
    assert.equal(o.status, 200, o.text);
    assert.equal(o.json.state, 'verifying');
    assert.equal(o.json.department, 'xzsp');
    assert.equal(o.json.staff, 'clerk1', '谁办理、谁负责: the clerk who accepted it');
    assert.equal(o.json.rated.level, 1);
    expectError(assert, await api('GET', `/review-orders/${id}`, 'approver-ga'), 404, 'not_found', 'id');
    expectError(assert, await orderAct(id, 'verify', 'approver-ga', { note: 'x', kind: 'immediate' }), 404, 'not_found', 'id');
    assert.ok(!(await api('GET', '/review-orders', 'approver-ga')).json.orders.some((x) => x.id === id));
    assert.ok((await api('GET', '/review-orders?state=open', 'approver1')).json.orders.some((x) => x.id === id));
    // its callback is due, in the department's worklist
    const cbs = (await api('GET', '/review-callbacks?state=due', 'approver1')).json.callbacks;
    assert.ok(cbs.some((x) => x.review === r.json.id && x.reason === 'bad'));
    // steps out of order are refused; the rater cannot classify
    expectError(assert, await orderAct(id, 'report', 'approver1', { report: '已整改' }), 409, 'conflict', 'state');
    expectError(assert, await orderAct(id, 'verify', 'approver1', { note: '已回访', kind: 'later' }), 422, 'invalid', 'kind');
    expectError(assert, await orderAct(id, 'verify', 'approver1', { note: '', kind: 'deadline' }), 422, 'invalid', 'note');
    expectError(assert, await orderAct(id, 'verify', 'applicant1', { note: '已回访', kind: 'deadline' }), 403, 'forbidden', 'action');
    o = await orderAct(id, 'verify', 'approver1', { note: '已电话回访，情况属实', kind: 'deadline' });
    assert.equal(o.status, 200, o.text);
    assert.deepEqual([o.json.state, o.json.kind], ['rectifying', 'deadline']);
    assert.equal(count(`SELECT COUNT(*) FROM review_callbacks WHERE review = '${r.json.id}' AND state = 'done'`), 1, 'verifying is the callback');
    o = await orderAct(id, 'report', 'approver1', { report: '已精简材料，一次办结' });
    assert.equal(o.json.state, 'reported', o.text);
    // the rater re-rates: 不满意 sends it back; 满意 closes it
    expectError(assert, await orderAct(id, 'rerate', 'business1', { rerating: 3 }), 404, 'not_found', 'id');
    o = await orderAct(id, 'rerate', 'applicant1', { rerating: 1, note: '还是要跑两次' });
    assert.equal(o.json.state, 'rectifying', o.text);
    o = await orderAct(id, 'report', 'clerk1', { report: '窗口已改为容缺受理' });
    o = await orderAct(id, 'rerate', 'applicant1', { rerating: 3 });
    assert.equal(o.json.state, 'closed', o.text);
    assert.equal(o.json.rerating, 3);
    assert.equal(o.json.history.length, 5);
    assert.ok(count(`SELECT COUNT(*) FROM audit_events WHERE object = 'review-order/${id}'`) >= 6);
    // published: anonymised, with how it was rectified
    const pub = await api('GET', '/reviews/rectified');
    assert.equal(pub.status, 200, pub.text);
    const p = pub.json.bad.find((x) => x.text && x.text.includes('跑了三次'));
    assert.ok(p, pub.text);
    assert.ok(!pub.text.includes('13800001234'), 'a phone in the text is masked');
    assert.ok(!pub.text.includes(no), 'the case number is not published');
    assert.equal(p.report, '窗口已改为容缺受理');
    assert.equal(p.state, 'closed');
  });

  test('a late order turns red and escalates to the supervisor once', async () => {
    const r = await rate({ channel: 'counter', department: 'xzsp', level: 2, reasons: ['attitude'] }, 'clerk1');
    const id = r.json.order;
    sql(s.db, `UPDATE review_orders SET due_min = 1, yellow_min = 0 WHERE id = '${id}'`);
    let o;
    for (let i = 0; i < 50; i++) {
      o = (await api('GET', `/review-orders/${id}`, 'supervisor1')).json;
      if (o.escalated) break;
      await sleep(200);
    }
    assert.equal(o.light, 'red');
    assert.equal(o.escalated, true);
    await sleep(1500);
    assert.equal(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'review.order.escalate' AND object = 'review-order/${id}'`), 1);
  });

  test('an appeal upheld removes the review from the figures, keeps it stored; one rejected goes back', async () => {
    const no = await endedCase();
    const r = await rate({ channel: 'web', case: no, level: 1, reasons: ['other'], text: '恶意差评' }, 'applicant1');
    const st0 = (await api('GET', '/reviews/stats')).json.all;
    expectError(assert, await orderAct(r.json.order, 'appeal', 'approver1', {}), 422, 'invalid', 'reason');
    let o = await orderAct(r.json.order, 'appeal', 'approver1', { reason: '申请人未办理此业务，系误评' });
    assert.equal(o.json.state, 'appealed', o.text);
    expectError(assert, await orderAct(r.json.order, 'uphold', 'approver1', { reason: 'x' }), 403, 'forbidden', 'action');
    o = await orderAct(r.json.order, 'uphold', 'supervisor1', { reason: '经核实系误评' });
    assert.equal(o.json.state, 'annulled', o.text);
    const st1 = (await api('GET', '/reviews/stats')).json.all;
    assert.equal(st1.total, st0.total - 1);
    assert.equal(st1.bad, st0.bad - 1);
    assert.equal(count(`SELECT excluded FROM reviews WHERE id = '${r.json.id}'`), 1, 'kept, excluded');

    const r2 = await rate({ channel: 'counter', department: 'xzsp', level: 1, reasons: ['attitude'] }, 'clerk1');
    await orderAct(r2.json.order, 'appeal', 'clerk1', { reason: '不属实' });
    o = await orderAct(r2.json.order, 'reject', 'supervisor1', { reason: '有录像为证，属实' });
    assert.equal(o.json.state, 'verifying', o.text);
    assert.equal(o.json.decision, '有录像为证，属实');
    assert.equal((await api('GET', '/reviews/stats')).json.all.total, st1.total + 1);
  });
});

describe('visits, figures and the export', () => {
  test('a social supervisor\'s visit and a third party\'s round: each finding an order', async () => {
    const scores = { staffing: 95, windows: 90, concentration: 88, handling: 92, online_hall: 85, policy: 90, etiquette: 96 };
    expectError(assert, await api('POST', '/review-visits', 'clerk1', { scores }), 403, 'forbidden');
    expectError(assert, await api('POST', '/review-visits', 'monitor-1', { scores: { ...scores, staffing: 101 } }), 422, 'invalid', 'scores');
    expectError(assert, await api('POST', '/review-visits', 'monitor-1', { scores, findings: [{ department: 'nope', text: 'x' }] }), 422, 'invalid');
    let r = await api('POST', '/review-visits', 'monitor-1', { scores, window: 37, findings: [{ department: 'xzsp', text: '37号窗口午间无人值守' }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'supervisor');
    assert.equal(r.json.orders.length, 1);
    r = await api('POST', '/review-visits', 'assessor-1', { scores, round: '2026年第4轮', findings: [{ department: 'ga', text: '办事指南与实际要求不一致' }, { department: 'xzsp', text: '等候区缺少老年人座椅' }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'assessor');
    assert.equal(r.json.orders.length, 2);
    const o = (await api('GET', `/review-orders/${r.json.orders[0]}`, 'approver-ga')).json;
    assert.equal(o.finding, '办事指南与实际要求不一致');
    const list = await api('GET', '/review-visits', 'monitor-1');
    assert.ok(list.json.visits.length >= 1, list.text);
  });

  test('the public figures, the clerk\'s own, the staff list and the national export', async () => {
    const st = await api('GET', '/reviews/stats');
    assert.equal(st.status, 200, st.text);
    const a = st.json.all;
    assert.equal(a.total, a.counts.reduce((x, y) => x + y, 0));
    assert.match(st.json.definition, /满意率/);
    const counted = count('SELECT COUNT(*) FROM reviews WHERE excluded = 0');
    assert.equal(a.total, counted, 'the kept figures equal a count from scratch');
    const sat = count('SELECT COUNT(*) FROM reviews WHERE excluded = 0 AND level >= 3');
    assert.equal(a.satisfied, sat);
    assert.ok(st.json.by_department.some((d) => d.key === 'xzsp'));
    assert.ok(st.json.by_window.some((d) => d.key === '37'));
    const mine = await api('GET', '/reviews/mine', 'clerk-37');
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.json.all.total >= 2, mine.text);
    expectError(assert, await api('GET', '/reviews/mine', 'applicant1'), 403, 'forbidden');
    const staff = await api('GET', '/reviews?level=bad', 'approver1');
    assert.ok(staff.json.reviews.length >= 1 && staff.json.reviews.every((x) => x.department === 'xzsp' && x.bad));
    expectError(assert, await api('GET', '/reviews/export', 'clerk1'), 403, 'forbidden');
    expectError(assert, await api('GET', '/reviews/export?from=2026-13-01', 'supervisor1'), 422, 'invalid', 'from');
    const ex = await s.api('GET', '/api/v1/reviews/export?format=jsonl', { token: tok.supervisor1, raw: true });
    assert.equal(ex.status, 200);
    const lines = ex.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, count('SELECT COUNT(*) FROM reviews'));
    const web = lines.find((l) => l.channel === 'web');
    for (const f of ['no', 'item_code', 'item_name', 'department_code', 'department_name', 'applicant_type', 'channel', 'channel_code', 'level', 'level_name', 'rated_at', 'region_code', 'staff']) {
      assert.ok(f in web, `export field ${f}`);
    }
    assert.equal(web.region_code, '371091');
    const x = await fetch(`${s.url}/api/v1/reviews/export?format=xlsx`, { headers: { Authorization: `Bearer ${tok.supervisor1}` } });
    assert.equal(x.status, 200);
    const bytes = Buffer.from(await x.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    // Info-ZIP's unzip reads it: every member's CRC holds, the sheet has a row per review
    const file = join(s.dir, 'reviews.xlsx');
    writeFileSync(file, bytes);
    const t = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stdout + t.stderr);
    for (const m of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml']) assert.match(t.stdout, new RegExp(`testing: ${m.replace(/[[\].]/g, '\\$&')} +OK`));
    const sheet = spawnSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' }).stdout;
    assert.match(sheet, /评价等级/);
    assert.equal((sheet.match(/<row /g) || []).length, lines.length + 1, 'a header and a row per review');
  });
});

describe('the SMS invitation', () => {
  test('with public-url, a decided case sends its applicant a link that rates it once, by SMS', async () => {
    const t = await startServer({ args: ['--public-url', 'https://zwfw.example.gov.cn', '--public-cache-ms', '0'] });
    try {
      const a = await t.login('applicant1');
      const up = await t.api('POST', '/api/v1/materials', { body: PDF, token: a, headers: { 'Content-Type': 'application/pdf' } });
      const c = await t.api('POST', '/api/v1/cases', { token: a, body: { item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] } });
      const no = c.json.no;
      await t.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: await t.login('clerk1') });
      const sms = () => sql(t.db, `SELECT text FROM notifications WHERE recipient = 'case:${no}' AND text LIKE '%review.html%'`).trim();
      assert.equal(sms(), '', 'no invitation before the case is decided');
      const who = (await t.api('GET', `/api/v1/cases/${no}`, { token: await t.login('supervisor1') })).json.current_step.assignee;
      assert.equal((await t.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: await t.login(who) })).status, 200);
      const text = sms();
      const m = text.match(new RegExp(`https://zwfw\\.example\\.gov\\.cn/review\\.html#case=${no}&t=([0-9a-f]{32})&ch=sms`));
      assert.ok(m, text);
      assert.match(text, /自愿/);
      const r = await t.api('POST', '/api/v1/reviews', { body: { channel: 'sms', case: no, token: m[1], level: 5 } });
      assert.equal(r.status, 201, r.text);
      expectError(assert, await t.api('POST', '/api/v1/reviews', { body: { channel: 'sms', case: no, token: m[1], level: 1, reasons: ['slow'] } }), 409, 'already_exists', 'case');
    } finally { await t.stop(); }
  });
});
