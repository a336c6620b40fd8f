// Cases (办件) through the HTTP API: every kind's whole journey, every role
// against the actions, two people acting at once, bad input on every route,
// notices, the public progress lookup, materials and post-checks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PG, startServer, expectError, metric, sql } from './helper.mjs';

const ONE_STEP = '371091011002014000'; // 食品经营许可: 3 working days, one step
const TWO_STEPS = '371091011014098000'; // 医疗机构执业登记: two steps
const INSTANT = '371091071012084000'; // 不动产权证书补发: instant
const COMMIT = '371091011005035000'; // 公共场所卫生许可: commitment-based
const MANUAL = '371091011013091000'; // 民办学校办学许可: manual assignment

let s;
const tok = {};
const PDF = new TextEncoder().encode('%PDF-1.4\n% yichuang API test\n');
let sha;

before(async () => {
  s = await startServer({ args: ['--case-job-interval', '1', '--notify-interval', '1'] });
  for (const u of ['applicant1', 'business1', 'clerk1', 'approver1', 'approver-xzsp', 'approver-bdc', 'supervisor1', 'admin']) {
    tok[u] = await s.login(u);
  }
  // each who attaches it uploads it (a material is attached by its uploader only)
  for (const u of ['applicant1', 'business1', 'clerk1']) {
    const r = await s.api('POST', '/api/v1/materials', { body: PDF, token: tok[u], headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(r.status, 201, r.text);
    sha = r.json.sha256;
  }
});
after(async () => { await s.stop(); });

const act = (no, action, who, body) => s.api('POST', `/api/v1/cases/${no}/actions/${action}`, { token: tok[who], body });
const view = async (no, who = 'supervisor1') => (await s.api('GET', `/api/v1/cases/${no}`, { token: tok[who] })).json;
const mats = (...ids) => ids.map((id) => ({ id, sha256: sha }));
const form = { applicant_name: '张三', contact_phone: '13800001234' };

async function apply(item, extra = {}, who = 'applicant1') {
  const r = await s.api('POST', '/api/v1/cases', { token: tok[who], body: { item, form, materials: mats('m1', 'm2'), ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// The approver a step went to (random among the department's approvers).
async function assignee(no) {
  const c = await view(no);
  assert.ok(c.current_step, `no current step: ${JSON.stringify(c)}`);
  return c.current_step.assignee;
}

async function ok(r, state) {
  assert.equal(r.status, 200, r.text);
  if (state) assert.equal(r.json.state, state, r.text);
  return r.json;
}

describe('journeys', () => {
  test('promised, two review steps, handed over at the window with the pickup code', async () => {
    const c = await apply(TWO_STEPS);
    assert.match(c.no, /^371091\d{8}\d{6}$/);
    assert.equal(c.state, 'submitted');
    const full = await view(c.no, 'applicant1');
    assert.equal(full.applicant.id_number, '371002********1237', 'the ID number leaves masked');
    assert.equal(full.applicant.phone, '138****1234');
    const accepted = await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    assert.match(accepted.deadline, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(accepted.light, 'green');
    assert.deepEqual([accepted.current_step.index, accepted.current_step.of], [0, 2]);
    const first = await assignee(c.no);
    assert.ok(['approver1', 'approver-xzsp'].includes(first));
    await ok(await act(c.no, 'approve', first, { opinion: '材料齐全，同意' }), 'accepted');
    const second = await assignee(c.no);
    assert.equal((await view(c.no)).current_step.index, 1);
    await ok(await act(c.no, 'approve', second), 'approved');
    const delivered = await ok(await act(c.no, 'deliver', 'clerk1', { mode: 'window' }), 'delivered');
    assert.equal(delivered.delivery.pickup_code, undefined, 'the clerk does not see the pickup code');
    const mine = await view(c.no, 'applicant1');
    assert.match(mine.delivery.pickup_code, /^\d{6}$/);
    expectError(assert, await act(c.no, 'close', 'clerk1', { pickup_code: '000000' === mine.delivery.pickup_code ? '111111' : '000000' }), 422, 'invalid', 'pickup_code');
    const closed = await ok(await act(c.no, 'close', 'clerk1', { pickup_code: mine.delivery.pickup_code }), 'closed');
    assert.deepEqual(closed.timeline.map((e) => e.action), ['submit', 'accept', 'approve', 'approve', 'deliver', 'close']);
    assert.equal(closed.state_label, '办结');
  });

  test('instant: a walk-in at the window, decided at once, delivered electronically', async () => {
    const body = {
      item: INSTANT, channel: 'window',
      applicant: { kind: 'person', name: '李四', id_number: '11010519491231002X', phone: '13700007777' },
      form: { unit_no: '371091001001GB00001F00010001', location: '经区齐鲁大道1号', contact_phone: '13700007777' },
      materials: mats('m1', 'm2', 'm3', 'm4'),
    };
    const r = await s.api('POST', '/api/v1/cases', { token: tok.clerk1, body });
    assert.equal(r.status, 201, r.text);
    assert.equal((await view(r.json.no, 'clerk1')).applicant.phone, '137****7777');
    const a = await ok(await act(r.json.no, 'accept', 'clerk1'), 'approved');
    assert.ok(a.decided_at);
    await ok(await act(r.json.no, 'deliver', 'clerk1', { mode: 'electronic' }), 'closed');
    const p = await s.api('GET', `/api/v1/progress/${r.json.no}?phone4=7777`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.state, 'closed');
  });

  test('a 办理项 is applied for like any item: 注销 decided at acceptance, 延续 within its own promise', async () => {
    const cancel = await apply(ONE_STEP.replace(/000$/, '003'), { materials: mats('m1', 'v1') });
    await ok(await act(cancel.no, 'accept', 'clerk1'), 'approved');
    const renew = await apply(ONE_STEP.replace(/000$/, '002'), { materials: mats('m1', 'v1') });
    const a = await ok(await act(renew.no, 'accept', 'clerk1'), 'accepted');
    const item = (await s.api('GET', `/api/v1/items/${ONE_STEP.replace(/000$/, '002')}`)).json;
    assert.equal(item.variant_of, ONE_STEP);
    assert.ok(item.promised_limit.value <= 3, 'a renewal promises at most 3 working days');
    assert.equal(a.current_step.of, 1);
    // the variant's own material is required
    const r = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: ONE_STEP.replace(/000$/, '002'), form, materials: mats('m1') } });
    assert.equal(r.status, 201, r.text);
    expectError(assert, await act(r.json.no, 'accept', 'clerk1'), 422, 'invalid', 'materials');
  });

  test('accepted with deficiencies, then the applicant supplements', async () => {
    const r = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: ONE_STEP, form, materials: mats('m1') } });
    assert.equal(r.status, 201, r.text);
    const no = r.json.no;
    expectError(assert, await act(no, 'accept', 'clerk1'), 422, 'invalid', 'materials');
    expectError(assert, await act(no, 'accept_with_deficiencies', 'clerk1', { missing: [] }), 422, 'invalid', 'missing');
    expectError(assert, await act(no, 'accept_with_deficiencies', 'clerk1', { missing: ['m9'] }), 422, 'invalid', 'missing[0]');
    const a = await ok(await act(no, 'accept_with_deficiencies', 'clerk1', { missing: ['m2'], days: 3 }), 'accepted');
    assert.deepEqual(a.missing, ['m2']);
    assert.match(a.due_day, /^\d{4}-\d{2}-\d{2}$/);
    const doc = await s.api('GET', `/api/v1/cases/${no}/documents/deficiency`, { token: tok.applicant1 });
    assert.equal(doc.status, 200);
    assert.match(doc.headers.get('content-type'), /text\/html/);
    assert.match(doc.text, /容缺受理材料清单/);
    assert.match(doc.text, /<svg[^>]+class="qr"/);
    const sup = await ok(await act(no, 'supplement', 'applicant1', { materials: mats('m2') }), 'accepted');
    assert.deepEqual(sup.missing, []);
    assert.equal(sup.due_day, null);
  });

  test('a correction that is not answered lapses', async () => {
    const c = await apply(ONE_STEP);
    const r = await ok(await act(c.no, 'request_correction', 'clerk1', { reason: '申请表缺少签字', days: 2 }), 'correction');
    assert.ok(r.due_day);
    assert.equal(r.accepted_at, null, 'the clock has not started');
    const doc = await s.api('GET', `/api/v1/cases/${c.no}/documents/correction`, { token: tok.clerk1 });
    assert.match(doc.text, /补正材料通知书/);
    assert.match(doc.text, /申请表缺少签字/);
    sql(s.db, `UPDATE cases SET due_day = '2020-01-02' WHERE no = '${c.no}'`);
    let state;
    for (let i = 0; i < 40 && state !== 'lapsed'; i++) {
      await sleep(250);
      state = (await view(c.no)).state;
    }
    assert.equal(state, 'lapsed', 'the scheduler lapses it');
    const last = (await view(c.no)).timeline.at(-1);
    assert.equal(last.action, 'lapse');
    assert.equal(last.actor, 'system');
  });

  test('a correction answered goes back to the window', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'request_correction', 'clerk1', { reason: '联系电话有误' }), 'correction');
    expectError(assert, await act(c.no, 'supplement', 'applicant1', { form: { contact_phone: '12' } }), 422, 'invalid', 'form.contact_phone');
    const r = await ok(await act(c.no, 'supplement', 'applicant1', { form: { contact_phone: '13800009999' } }), 'submitted');
    assert.equal(r.form.contact_phone, '13800009999');
  });

  test('refused, with a reason and a notice', async () => {
    const c = await apply(ONE_STEP);
    expectError(assert, await act(c.no, 'refuse', 'clerk1', {}), 422, 'invalid', 'reason');
    expectError(assert, await act(c.no, 'refuse', 'clerk1', { reason: '' }), 422, 'invalid', 'reason');
    await ok(await act(c.no, 'refuse', 'clerk1', { reason: '不属于本机关职权范围' }), 'refused');
    const doc = await s.api('GET', `/api/v1/cases/${c.no}/documents/refusal`, { token: tok.applicant1 });
    assert.match(doc.text, /不予受理通知书/);
    assert.match(doc.text, /不属于本机关职权范围/);
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/documents/acceptance`, { token: tok.applicant1 }), 409, 'conflict');
  });

  test('denied, then delivered by mail and closed by the applicant', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    const who = await assignee(c.no);
    expectError(assert, await act(c.no, 'deny', who, {}), 422, 'invalid', 'reason');
    await ok(await act(c.no, 'deny', who, { reason: '经营场所不符合食品安全要求' }), 'denied');
    expectError(assert, await act(c.no, 'deliver', 'clerk1', { mode: 'mail' }), 422, 'invalid', 'address');
    expectError(assert, await act(c.no, 'deliver', 'clerk1', { mode: 'mail', address: '经区某路1号' }), 422, 'invalid', 'tracking_no');
    const d = await ok(await act(c.no, 'deliver', 'clerk1', { mode: 'mail', address: '经区某路1号', tracking_no: 'SF1234567890' }), 'delivered');
    assert.equal(d.delivery.tracking_no, 'SF1234567890');
    const seen = await view(c.no, 'supervisor1');
    assert.equal(seen.delivery.address, '***', 'the address is masked for those who do not need it');
    await ok(await act(c.no, 'close', 'applicant1'), 'closed');
  });

  test('suspended for a special procedure and resumed', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    const who = await assignee(c.no);
    const before = (await view(c.no)).deadline;
    expectError(assert, await act(c.no, 'suspend', who, { type: 'party', reason: 'x' }), 422, 'invalid', 'type');
    await ok(await act(c.no, 'suspend', who, { type: 'expert_review', reason: '组织专家评审' }), 'suspended');
    expectError(assert, await act(c.no, 'approve', who), 409, 'conflict', 'state');
    const r = await ok(await act(c.no, 'resume', who), 'accepted');
    assert.equal(r.deadline, before, 'no working day passed while suspended');
    assert.ok(r.timeline.some((e) => e.action === 'suspend' && /expert_review/.test(e.note)));
  });

  test('withdrawn by the applicant before the decision, not after', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    await ok(await act(c.no, 'withdraw', 'applicant1', { reason: '不再需要' }), 'withdrawn');
    const c2 = await apply(INSTANT.length ? ONE_STEP : ONE_STEP);
    await ok(await act(c2.no, 'accept', 'clerk1'), 'accepted');
    await ok(await act(c2.no, 'approve', await assignee(c2.no)), 'approved');
    const e = expectError(assert, await act(c2.no, 'withdraw', 'applicant1'), 409, 'conflict', 'state');
    assert.equal(e.state, 'approved');
  });

  test('cross-region: accepted here, decided where the item belongs, delivered by mail', async () => {
    const body = {
      item: ONE_STEP, channel: 'cross_region', decide_office: 'hg', form,
      applicant: { name: '王五', id_number: '11010519491231002X', phone: '13600006666' },
      materials: mats('m1', 'm2'),
    };
    expectError(assert, await s.api('POST', '/api/v1/cases', { token: tok.clerk1, body: { ...body, decide_office: undefined } }), 422, 'invalid', 'decide_office');
    const r = await s.api('POST', '/api/v1/cases', { token: tok.clerk1, body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.accept_office, 'jq');
    assert.equal(r.json.decide_office, 'hg');
    await ok(await act(r.json.no, 'accept', 'clerk1'), 'accepted');
    await ok(await act(r.json.no, 'approve', await assignee(r.json.no)), 'approved');
    expectError(assert, await act(r.json.no, 'deliver', 'clerk1', { mode: 'window' }), 422, 'invalid', 'mode');
    await ok(await act(r.json.no, 'deliver', 'clerk1', { mode: 'mail', address: '外省某市某路2号', tracking_no: 'EMS0001' }), 'delivered');
  });

  test('commitment-based: decided at acceptance, a post-check for the department', async () => {
    expectError(assert, await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: COMMIT, form, materials: mats('m1', 'm2') } }), 422, 'invalid', 'commitment');
    const c = await apply(COMMIT, { commitment: true });
    assert.equal((await view(c.no)).commitment, true);
    await ok(await act(c.no, 'accept', 'clerk1'), 'approved');
    const list = await s.api('GET', '/api/v1/post-checks', { token: tok.approver1 });
    assert.equal(list.status, 200, list.text);
    const pc = list.json.post_checks.find((p) => p.case === c.no);
    assert.ok(pc, 'the post-check is listed for the department');
    assert.equal(pc.state, 'open');
    const other = await s.api('GET', '/api/v1/post-checks', { token: tok['approver-bdc'] });
    assert.ok(!other.json.post_checks.some((p) => p.case === c.no), 'not for another department');
    expectError(assert, await s.api('POST', `/api/v1/post-checks/${c.no}/actions/complete`, { token: tok['approver-bdc'], body: { result: 'passed' } }), 403, 'forbidden');
    expectError(assert, await s.api('POST', `/api/v1/post-checks/${c.no}/actions/complete`, { token: tok.approver1, body: { result: 'maybe' } }), 422, 'invalid', 'result');
    const done = await s.api('POST', `/api/v1/post-checks/${c.no}/actions/complete`, { token: tok.approver1, body: { result: 'passed', note: '现场核查一致' } });
    assert.equal(done.status, 200, done.text);
    expectError(assert, await s.api('POST', `/api/v1/post-checks/${c.no}/actions/complete`, { token: tok.approver1, body: { result: 'passed' } }), 409, 'conflict');
  });

  test('returned to the previous step and to the applicant; manual assignment and claims', async () => {
    const c = await apply(MANUAL);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    assert.equal((await view(c.no)).current_step.assignee, null, 'manual: nobody yet');
    await ok(await act(c.no, 'claim', 'approver1'), 'accepted');
    expectError(assert, await act(c.no, 'claim', 'approver-xzsp'), 403, 'forbidden');
    await ok(await act(c.no, 'approve', 'approver1'), 'accepted');
    assert.equal((await view(c.no)).current_step.index, 1);
    await ok(await act(c.no, 'assign', 'supervisor1', { assignee: 'approver-xzsp', reason: '回避' }), 'accepted');
    expectError(assert, await act(c.no, 'return', 'approver-xzsp', { to: 'sideways', reason: 'x' }), 422, 'invalid', 'to');
    await ok(await act(c.no, 'return', 'approver-xzsp', { to: 'previous', reason: '请复核' }), 'accepted');
    assert.equal((await view(c.no)).current_step.index, 0);
    await ok(await act(c.no, 'claim', 'approver1'), 'accepted');
    await ok(await act(c.no, 'return', 'approver1', { to: 'applicant', reason: '请补充办学场地证明', materials: ['m2'] }), 'returned');
    expectError(assert, await act(c.no, 'return', 'approver1', { to: 'previous', reason: 'x' }), 409, 'conflict');
    await ok(await act(c.no, 'supplement', 'applicant1', { materials: mats('m2') }), 'accepted');
  });
});

describe('roles and scope', () => {
  test('each action refuses the roles the state table does not name', async () => {
    const c = await apply(ONE_STEP);
    expectError(assert, await act(c.no, 'accept', 'applicant1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'accept', 'approver1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'accept', 'supervisor1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'accept', 'admin'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'refuse', 'approver1', { reason: 'x' }), 403, 'forbidden');
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    const who = await assignee(c.no);
    expectError(assert, await act(c.no, 'approve', 'clerk1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'approve', 'applicant1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'approve', 'supervisor1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'approve', 'approver-bdc'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'approve', who === 'approver1' ? 'approver-xzsp' : 'approver1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'assign', 'approver1', { assignee: 'approver1', reason: 'x' }), 403, 'forbidden');
    expectError(assert, await act(c.no, 'withdraw', 'business1'), 403, 'forbidden');
    expectError(assert, await act(c.no, 'deliver', 'supervisor1'), 403, 'forbidden');
  });

  test('reading: the applicant sees their own, staff within their scope', async () => {
    const c = await apply(ONE_STEP);
    assert.equal((await s.api('GET', `/api/v1/cases/${c.no}`, { token: tok.applicant1 })).status, 200);
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}`, { token: tok.business1 }), 403, 'forbidden');
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}`, { token: tok['approver-bdc'] }), 403, 'forbidden');
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}`), 401, 'unauthenticated');
    const mine = await s.api('GET', '/api/v1/cases?applicant=me', { token: tok.business1 });
    assert.ok(!mine.json.cases.some((x) => x.no === c.no));
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/documents/acceptance`, { token: tok.business1 }), 403, 'forbidden');
    expectError(assert, await s.api('GET', '/api/v1/cases/stats', { token: tok.clerk1 }), 403, 'forbidden');
    // a case's material: for those who may read the case (issue 18, finding 10)
    for (const who of ['applicant1', 'clerk1', 'supervisor1']) {
      const m = await s.api('GET', `/api/v1/cases/${c.no}/materials/${sha}`, { token: tok[who], raw: true });
      assert.equal(m.status, 200, who);
      assert.equal(m.headers.get('content-type'), 'application/pdf');
      assert.equal(m.text, new TextDecoder().decode(PDF));
    }
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/materials/${sha}`, { token: tok['approver-bdc'] }), 403, 'forbidden');
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/materials/${'0'.repeat(64)}`, { token: tok.clerk1 }), 404, 'not_found', 'sha256');
    // outside a case, an upload is its uploader's alone
    assert.equal((await s.api('GET', `/api/v1/materials/${sha}`, { token: tok.applicant1, raw: true })).status, 200);
    expectError(assert, await s.api('GET', `/api/v1/materials/${sha}`, { token: tok.approver1 }), 404, 'not_found');
  });
});

describe('concurrency', () => {
  test('two actions at the same moment: one 200, the other 409 with the current state', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await apply(ONE_STEP);
      const [a, b] = await Promise.all([
        act(c.no, 'accept', 'clerk1'),
        act(c.no, 'refuse', 'clerk1', { reason: '同时操作' }),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
      const lost = a.status === 409 ? a : b;
      const won = a.status === 200 ? a : b;
      assert.equal(lost.json.error.state, won.json.state);
    }
  });
});

describe('lists, figures and progress', () => {
  test('inbox by deadline with cursor pages; filters checked', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await apply(ONE_STEP);
      await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    }
    const all = [];
    let cursor = null;
    for (let i = 0; i < 50; i++) {
      const r = await s.api('GET', `/api/v1/cases?state=accepted&sort=deadline&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: tok.approver1 });
      assert.equal(r.status, 200, r.text);
      all.push(...r.json.cases);
      cursor = r.json.next_cursor;
      if (!cursor) break;
    }
    assert.ok(all.length >= 3);
    assert.equal(new Set(all.map((c) => c.no)).size, all.length, 'no case twice across pages');
    assert.ok(all.every((c) => c.state === 'accepted' && c.applicant_name.endsWith('**')));
    const mine = await s.api('GET', '/api/v1/cases?assignee=me', { token: tok.approver1 });
    assert.ok(mine.json.cases.every((c) => c.assignee === 'approver1'));
    expectError(assert, await s.api('GET', '/api/v1/cases?state=nope', { token: tok.approver1 }), 422, 'invalid', 'state');
    expectError(assert, await s.api('GET', '/api/v1/cases?light=blue', { token: tok.approver1 }), 422, 'invalid', 'light');
    expectError(assert, await s.api('GET', '/api/v1/cases?assignee=bob', { token: tok.approver1 }), 422, 'invalid', 'assignee');
    expectError(assert, await s.api('GET', '/api/v1/cases?sort=size', { token: tok.approver1 }), 422, 'invalid', 'sort');
    expectError(assert, await s.api('GET', '/api/v1/cases?sort=deadline&cursor=x', { token: tok.approver1 }), 422, 'invalid', 'cursor');
    expectError(assert, await s.api('GET', '/api/v1/cases?limit=0', { token: tok.approver1 }), 422, 'invalid', 'limit');
  });

  test('the supervisor sees lights by department and the figures', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    // overdue behind the server's back: the job turns it red and tells the supervisors
    sql(s.db, `UPDATE cases SET deadline_min = 1000, yellow_min = 500 WHERE no = '${c.no}'`);
    let light;
    for (let i = 0; i < 40 && light !== 'red'; i++) {
      await sleep(250);
      const r = await s.api('GET', `/api/v1/cases?light=red`, { token: tok.supervisor1 });
      light = r.json.cases.some((x) => x.no === c.no) ? 'red' : null;
    }
    assert.equal(light, 'red');
    const st = await s.api('GET', '/api/v1/cases/stats', { token: tok.supervisor1 });
    assert.equal(st.status, 200, st.text);
    const dept = st.json.by_department.find((d) => d.department === 'xzsp');
    assert.ok(dept && dept.red >= 1, st.text);
    assert.ok(st.json.figures.accepted >= 1);
    assert.ok(st.json.figures.on_time_share >= 0 && st.json.figures.on_time_share <= 1);
    assert.ok(st.json.by_item.some((i) => i.item === ONE_STEP && i.red >= 1));
  });

  test('progress: the timeline without personal data, and guessing is throttled', async () => {
    const c = await apply(ONE_STEP);
    const p = await s.api('GET', `/api/v1/progress/${c.no}?phone4=1234`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.state, 'submitted');
    assert.ok(!/张三|13800001234|371002/.test(p.text), 'no personal data');
    assert.ok(!p.json.timeline.some((e) => 'actor' in e || 'note' in e));
    expectError(assert, await s.api('GET', `/api/v1/progress/${c.no}`), 422, 'invalid', 'phone4');
    expectError(assert, await s.api('GET', `/api/v1/progress/${c.no}?phone4=12a4`), 422, 'invalid', 'phone4');
    expectError(assert, await s.api('GET', '/api/v1/progress/37109120990101000001?phone4=1234'), 404, 'not_found');
    let last;
    for (let i = 0; i < 12; i++) last = await s.api('GET', `/api/v1/progress/${c.no}?phone4=${String(i).padStart(4, '9')}`);
    expectError(assert, last, 429, 'too_many_requests');
    // the lock says how long it lasts (issue 18, finding 15)
    assert.match(last.headers.get('retry-after') || '', /^[1-9][0-9]*$/);
    expectError(assert, await s.api('GET', `/api/v1/progress/${c.no}?phone4=1234`), 429, 'too_many_requests');
  });

  test('notifications reach the gateway (the log by default) without personal data', async () => {
    const c = await apply(ONE_STEP);
    await ok(await act(c.no, 'accept', 'clerk1'), 'accepted');
    for (let i = 0; i < 40 && !s.stderr.includes(`case:${c.no}`); i++) await sleep(250);
    const lines = s.stderr.split('\n').filter((l) => l.includes(`case:${c.no}`));
    assert.ok(lines.length >= 1, 'the applicant is told');
    assert.ok(lines.every((l) => !l.includes('13800001234') && l.includes('138****1234')));
    const pending = sql(s.db, `SELECT COUNT(*) FROM notifications WHERE recipient = 'case:${c.no}' AND state = 'pending'`).trim();
    assert.equal(pending, '0');
  });
});

test('a submission with many materials (looked up 16 to a query) keeps each one\'s type and size', async () => {
  const png = Uint8Array.from(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  const up = await s.api('POST', '/api/v1/materials', { body: png, token: tok.applicant1, headers: { 'Content-Type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  const materials = Array.from({ length: 18 }, (_, i) => ({ id: i % 2 ? 'm2' : 'm1', sha256: i % 3 ? sha : up.json.sha256 }));
  const c = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: ONE_STEP, form, materials } });
  assert.equal(c.status, 201, c.text);
  const got = (await view(c.json.no)).materials;
  assert.equal(got.length, 18);
  got.forEach((m, i) => {
    assert.equal(m.sha256, materials[i].sha256);
    assert.equal(m.type, i % 3 ? 'pdf' : 'png');
    assert.equal(m.size, i % 3 ? PDF.length : png.length);
  });
  // the 17th refers to nothing uploaded: the error names it, past the first query's 16
  materials[16] = { id: 'm1', sha256: 'c'.repeat(64) };
  expectError(assert, await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: ONE_STEP, form, materials } }), 422, 'invalid', 'materials[16]');
});

test('a submission right after its item changed is checked against the new version', async () => {
  // One listener thread: it prepared the first case, so it trusts that version of
  // the item for a second without reading; the writer's insert holds only if the
  // item is still that version, and when not, the case is checked again.
  const t = await startServer({ args: ['--threads', '1'] });
  try {
    const [me, admin] = [await t.login('applicant1'), await t.login('admin')];
    const up = await t.api('POST', '/api/v1/materials', { body: PDF, token: me, headers: { 'Content-Type': 'application/pdf' } });
    const body = { item: ONE_STEP, form, materials: [{ id: 'm1', sha256: up.json.sha256 }] };
    const submit = () => t.api('POST', '/api/v1/cases', { token: me, body });
    const reruns = () => metric(t, 'yichuang_pipeline_reruns_total');
    const item = (await t.api('GET', `/api/v1/items/${ONE_STEP}`)).json;
    delete item.status;
    delete item.department_name;
    assert.equal((await submit()).status, 201);
    const before = await reruns();
    const edited = { ...item, name: '食品经营许可（新版）', form: [...item.form, { name: 'licence_no', label: '营业执照号', type: 'text', required: true }] };
    const put = await t.api('PUT', `/api/v1/items/${ONE_STEP}`, { body: edited, token: admin });
    assert.equal(put.status, 200, put.text);
    expectError(assert, await submit(), 422, 'invalid', 'form.licence_no');
    // on PostgreSQL the queued insert failed its guard, and its batch ran again reading
    if (PG) assert.ok(await reruns() > before, 'the guard failed on the writer');
    body.form = { ...form, licence_no: '91371000MA3C000000' };
    const c = await submit();
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.item_name, '食品经营许可（新版）');
    assert.equal((await submit()).status, 201);
    const retired = await t.api('POST', `/api/v1/items/${ONE_STEP}/actions/retire`, { token: admin });
    assert.equal(retired.status, 200, retired.text);
    const late = expectError(assert, await submit(), 422, 'invalid', 'item');
    assert.match(late.message, /retired/);
    // a content looked up in vain and uploaded afterwards is found: misses are not remembered
    const png = Uint8Array.from(Buffer.from('89504e470d0a1a0a0000000d49484452000000020000000208060000', 'hex'));
    const sha = createHash('sha256').update(png).digest('hex');
    const other = { item: TWO_STEPS, form, materials: [{ id: 'm1', sha256: sha }] };
    expectError(assert, await t.api('POST', '/api/v1/cases', { token: me, body: other }), 422, 'invalid', 'materials[0]');
    assert.equal((await t.api('POST', '/api/v1/materials', { body: png, token: me, headers: { 'Content-Type': 'image/png' } })).status, 201);
    assert.equal((await t.api('POST', '/api/v1/cases', { token: me, body: other })).status, 201);
  } finally { await t.stop(); }
});

test('a case number drawn behind the node\'s back (another node) is not given twice', async () => {
  // One writer: on PostgreSQL it assumes the number after its own last, guarded by it.
  const t = await startServer({ args: ['--writers', '1'] });
  try {
    const me = await t.login('applicant1');
    const submit = async () => {
      const r = await t.api('POST', '/api/v1/cases', { token: me, body: { item: ONE_STEP, form } });
      assert.equal(r.status, 201, r.text);
      return r.json.no;
    };
    const reruns = () => metric(t, 'yichuang_pipeline_reruns_total');
    await submit();
    const first = await submit();
    const before = await reruns();
    // what another node's writer would do between two of this node's submissions
    sql(t.db, `UPDATE case_numbers SET last = last + 5 WHERE day = '${first.slice(6, 14)}'`);
    const next = await submit();
    assert.equal(Number(next.slice(-6)), Number(first.slice(-6)) + 6, `${first} then ${next}`);
    assert.equal(await reruns(), before + (PG ? 1 : 0), 'the assumed number failed its guard once');
    assert.equal(Number((await submit()).slice(-6)), Number(next.slice(-6)) + 1);
  } finally { await t.stop(); }
});

test('submissions sent at once, with refused writes among them: every case is stored whole', async () => {
  // On PostgreSQL a batch's new cases go in at its end, one statement for all of them;
  // a refused write in the batch makes it run again, with savepoints.
  const gone = await apply(ONE_STEP);
  await ok(await act(gone.no, 'withdraw', 'applicant1', { reason: '不再需要' }), 'withdrawn');
  const sent = await Promise.all(Array.from({ length: 24 }, (_, i) => i % 4 === 3
    ? act(gone.no, 'withdraw', 'applicant1', { reason: '再次撤回' })
    : s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: i % 2 ? ONE_STEP : TWO_STEPS, form } })));
  const nos = [];
  sent.forEach((r, i) => {
    if (i % 4 === 3) return expectError(assert, r, 409, 'conflict', 'state');
    assert.equal(r.status, 201, r.text);
    nos.push(r.json.no);
  });
  assert.equal(new Set(nos).size, 18, `numbers given twice: ${nos}`);
  for (const no of nos) {
    const c = await view(no, 'applicant1');
    assert.equal(c.state, 'submitted', no);
    assert.deepEqual(c.timeline.map((e) => e.action), ['submit'], no);
    assert.equal(c.applicant.phone, '138****1234', no);
  }
});

test('two nodes numbering cases on one PostgreSQL database: every number once, in order', { skip: !PG && 'needs PostgreSQL (one SQLite file is one node)' }, async () => {
  const b = await startServer({ db: s.db, dir: s.dir + '-b' });
  try {
    const bTok = await b.login('applicant1');
    const nos = [];
    for (let i = 0; i < 6; i++) {
      const [node, token] = i % 2 ? [b, bTok] : [s, tok.applicant1];
      const c = await node.api('POST', '/api/v1/cases', { token, body: { item: ONE_STEP, form, materials: [{ id: 'm1', sha256: sha }] } });
      assert.equal(c.status, 201, c.text);
      nos.push(c.json.no);
    }
    // and all at once from both
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : s).api('POST', '/api/v1/cases',
      { token: i % 2 ? bTok : tok.applicant1, body: { item: ONE_STEP, form } })));
    for (const c of burst) { assert.equal(c.status, 201, c.text); nos.push(c.json.no); }
    const seqs = nos.map((no) => Number(no.slice(-6)));
    assert.equal(new Set(seqs).size, seqs.length, `numbers given twice: ${nos}`);
    for (let i = 1; i < 6; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `in turn: ${nos.slice(0, 6)}`);
    const sorted = [...seqs].sort((x, y) => x - y);
    assert.equal(sorted.at(-1) - sorted[0], seqs.length - 1, `no gaps: ${sorted}`);
  } finally { await b.stop({ clean: false }); }
});

describe('bad input', () => {
  test('submissions name the field at fault', async () => {
    const post = (body, who = 'applicant1') => s.api('POST', '/api/v1/cases', { token: tok[who], body });
    expectError(assert, await post({ form }), 422, 'invalid', 'item');
    expectError(assert, await post({ item: 'NOPE', form }), 422, 'invalid', 'item');
    expectError(assert, await post({ item: ONE_STEP, form: { contact_phone: '13800001234' } }), 422, 'invalid', 'form.applicant_name');
    expectError(assert, await post({ item: ONE_STEP, form: { ...form, contact_phone: '123' } }), 422, 'invalid', 'form.contact_phone');
    expectError(assert, await post({ item: ONE_STEP, form: { ...form, colour: 'red' } }), 422, 'invalid', 'form');
    expectError(assert, await post({ item: ONE_STEP, form, materials: [{ id: 'm1', sha256: 'a'.repeat(64) }] }), 422, 'invalid', 'materials[0]');
    expectError(assert, await post({ item: ONE_STEP, form, materials: [{ id: 'm7', sha256: sha }] }), 422, 'invalid', 'materials[0]');
    expectError(assert, await post({ item: ONE_STEP, form, materials: [{ id: 'm1' }] }), 422, 'invalid', 'materials[0].sha256');
    expectError(assert, await post({ item: ONE_STEP, form, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: 'b'.repeat(64) }] }), 422, 'invalid', 'materials[1]');
    expectError(assert, await post({ item: ONE_STEP, form, channel: 'fax' }), 422, 'invalid', 'channel');
    expectError(assert, await post({ item: ONE_STEP, form, channel: 'window' }), 422, 'invalid', 'channel');
    expectError(assert, await post({ item: ONE_STEP, form, colour: 1 }), 422, 'invalid', 'colour');
    expectError(assert, await post({ item: ONE_STEP, form, delivery: { mode: 'pigeon' } }), 422, 'invalid', 'delivery.mode');
    expectError(assert, await post({ item: ONE_STEP, form, delivery: { mode: 'mail' } }), 422, 'invalid', 'delivery.address');
    expectError(assert, await post({ item: ONE_STEP, form }, 'clerk1'), 422, 'invalid', 'applicant');
    expectError(assert, await post({ item: ONE_STEP, form, applicant: { name: '赵六', id_number: '110105194912310021', phone: '13600001111' } }, 'clerk1'), 422, 'invalid', 'applicant.id_number');
    expectError(assert, await post({ item: ONE_STEP, form, applicant: { name: '赵六', id_number: '11010519491231002X', phone: '1360' } }, 'clerk1'), 422, 'invalid', 'applicant.phone');
    expectError(assert, await post({ item: ONE_STEP, form, applicant: { name: '赵六' } }), 422, 'invalid', 'applicant');
    expectError(assert, await post({ item: ONE_STEP, form }, 'approver1'), 403, 'forbidden');
    const raw = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: '{"item":' });
    expectError(assert, raw, 400, 'malformed');
  });

  test('actions and paths: unknown action, bad number, bad bodies', async () => {
    const c = await apply(ONE_STEP);
    expectError(assert, await act(c.no, 'teleport', 'clerk1'), 404, 'not_found', 'action');
    expectError(assert, await act(c.no, 'lapse', 'clerk1'), 404, 'not_found', 'action');
    expectError(assert, await act('123', 'accept', 'clerk1'), 404, 'not_found', 'no');
    expectError(assert, await act('37109120990101999999', 'accept', 'clerk1'), 404, 'not_found', 'no');
    expectError(assert, await act(c.no, 'accept', 'clerk1', { colour: 'red' }), 422, 'invalid', 'colour');
    expectError(assert, await act(c.no, 'request_correction', 'clerk1', { reason: 'x', days: 0 }), 422, 'invalid', 'days');
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/documents/poem`, { token: tok.clerk1 }), 404, 'not_found', 'kind');
    expectError(assert, await s.api('GET', `/api/v1/cases/${c.no}/documents/acceptance`, { token: tok.clerk1 }), 409, 'conflict');
  });

  test('materials are recognised by their bytes and limited in size', async () => {
    const up = (body, q = '') => s.api('POST', `/api/v1/materials${q}`, { token: tok.applicant1, body, headers: { 'Content-Type': 'application/octet-stream' } });
    expectError(assert, await up('just some text, named .pdf'), 422, 'invalid', 'body');
    expectError(assert, await up(new Uint8Array(0)), 422, 'invalid', 'body');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const r = await up(png);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.type, 'png');
    const again = await up(png);
    assert.equal(again.json.sha256, r.json.sha256, 'the same bytes are one material');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    assert.equal((await up(jpeg)).json.type, 'jpeg');
    // an OFD package: a ZIP whose entry is OFD.xml
    const name = new TextEncoder().encode('OFD.xml');
    const ofd = new Uint8Array(30 + name.length + 4);
    ofd.set([0x50, 0x4b, 0x03, 0x04]);
    ofd[26] = name.length;
    ofd.set(name, 30);
    assert.equal((await up(ofd)).json.type, 'ofd');
    const zip = new Uint8Array(ofd);
    zip.set(new TextEncoder().encode('abc.xml'), 30);
    expectError(assert, await up(zip), 422, 'invalid', 'body');
    sql(s.db, `UPDATE items SET doc = REPLACE(doc, '"material_max_kb":10240', '"material_max_kb":1') WHERE code = '${ONE_STEP}'`);
    const big = new Uint8Array(2048);
    big.set(new TextEncoder().encode('%PDF-1.7'));
    expectError(assert, await up(big, `?item=${ONE_STEP}`), 413, 'too_large', 'body');
    expectError(assert, await up(big, '?item=NOPE'), 422, 'invalid', 'item');
    assert.equal((await up(big)).status, 201);
    expectError(assert, await s.api('POST', '/api/v1/materials', { token: tok.approver1, body: png }), 403, 'forbidden');
  });
});

describe('staff lists', () => {
  test('a supervisor lists a department\'s approvers; others may not; role is checked', async () => {
    const r = await s.api('GET', '/api/v1/users?role=approver&department=xzsp', { token: tok.supervisor1 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.users.map((u) => u.username).sort(), ['approver-xzsp', 'approver1']);
    assert.ok(!/phone|id_number/.test(r.text));
    expectError(assert, await s.api('GET', '/api/v1/users?role=approver', { token: tok.clerk1 }), 403, 'forbidden');
    expectError(assert, await s.api('GET', '/api/v1/users?role=applicant', { token: tok.supervisor1 }), 422, 'invalid', 'role');
    expectError(assert, await s.api('GET', '/api/v1/users', { token: tok.supervisor1 }), 422, 'invalid', 'role');
  });
});

describe('delivery guarantees', () => {
  test('a retried submission with the same Idempotency-Key makes no second case', async () => {
    const body = { item: ONE_STEP, form, materials: mats('m1', 'm2') };
    const headers = { 'Idempotency-Key': 'case-retry-1' };
    const first = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body, headers });
    assert.equal(first.status, 201, first.text);
    const again = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body, headers });
    assert.equal(again.status, 201);
    assert.equal(again.json.no, first.json.no);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const count = sql(s.db, `SELECT COUNT(*) FROM cases WHERE submitted_ms >= (SELECT submitted_ms FROM cases WHERE no = '${first.json.no}')`).trim();
    assert.equal(count, '1');
  });

  test('an HTTP SMS gateway gets each notification with the real phone, once', async () => {
    const { createServer } = await import('node:http');
    const got = [];
    let fail = 1; // the first attempt is refused: the job retries
    const gw = createServer((req, res) => {
      let b = '';
      req.on('data', (d) => { b += d; });
      req.on('end', () => {
        if (fail-- > 0) { res.writeHead(503); res.end(); return; }
        got.push(JSON.parse(b));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise((ok) => gw.listen(0, '127.0.0.1', ok));
    const g = await startServer({ args: ['--notify-interval', '1', '--sms-url', `http://127.0.0.1:${gw.address().port}/sms/send`] });
    try {
      const t = await g.login('applicant1');
      const up = await g.api('POST', '/api/v1/materials', { token: t, body: PDF, headers: { 'Content-Type': 'application/pdf' } });
      const c = await g.api('POST', '/api/v1/cases', { token: t, body: { item: ONE_STEP, form, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] } });
      const clerk = await g.login('clerk1');
      assert.equal((await g.api('POST', `/api/v1/cases/${c.json.no}/actions/accept`, { token: clerk })).status, 200);
      for (let i = 0; i < 60 && !got.some((m) => m.text.includes(c.json.no) && m.to === '13800001234'); i++) await sleep(200);
      const mine = got.filter((m) => m.to === '13800001234' && m.text.includes(c.json.no));
      assert.equal(mine.length, 1, JSON.stringify(got));
      assert.match(mine[0].text, /已受理/);
      assert.ok(!g.stderr.includes('13800001234'), 'the phone never reaches the log');
    } finally {
      await g.stop();
      gw.close();
    }
  });
});
