// 分调裁审 through the HTTP API, on both backends: filings through 网上立案 (a case) go to
// pre-litigation mediation at the party's grid court or straight to registration; 繁简分流 by
// the published rules (type, amount, parties; small claims); the team and judge recomputed
// here from SM3 of the case number; a manual reassignment needs a valid judge and a reason;
// the element form per dispute type; figures equal to counts this test makes; scope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { expectError, startServer } from './helper.mjs';

const { sm3 } = createRequire(import.meta.url)('sm-crypto');
const ITEM = '371091201011077000';
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

let s;
let sha;
let rules;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });

before(async () => {
  s = await startServer();
  const r = await s.api('POST', '/api/v1/materials', { body: new TextEncoder().encode('%PDF-1.4\n% court\n'), token: await token('applicant1'), headers: { 'Content-Type': 'application/pdf' } });
  sha = r.json.sha256;
  rules = (await api('GET', '/court/rules')).json;
});
after(async () => { await s.stop(); });

const form = (o = {}) => ({ dispute_type: '金融借款合同纠纷', claim_amount: 30000, parties: 2, defendant: '张某', mediate: '不同意，直接立案', community: '海埠社区', contact_phone: '13800001234', ...o });
async function filing(f) {
  let r = await api('POST', '/cases', 'applicant1', { item: ITEM, form: f, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  r = await api('POST', `/cases/${no}/actions/approve`, (c.current_step || {}).assignee || 'approver-fy', { opinion: '准予立案' });
  assert.equal(r.status, 200, r.text);
  return (await api('GET', `/court/cases/${no}`, 'approver-fy')).json;
}
// The rules' assignment recomputed: SM3(no), word 0 among the track's teams, word 1 among the judges.
function expected(no, simple) {
  const h = sm3(no);
  const teams = rules.teams.filter((t) => t.fast === simple);
  const team = teams[parseInt(h.slice(0, 8), 16) % teams.length];
  return { team: team.code, judge: team.judges[parseInt(h.slice(8, 16), 16) % team.judges.length] };
}

describe('分调裁审', () => {
  const made = { received: 0, mediated: 0, settled: 0, filed: 0, simple: 0, small: 0 };

  test('the rules are public: teams, and 15 grid courts over the 37 communities', () => {
    assert.equal(rules.teams.filter((t) => t.fast).length, 3);
    assert.equal(rules.grid_courts.length, 15);
    assert.equal(new Set(rules.grid_courts.flatMap((g) => g.communities)).size, 37);
  });

  test('a filing\'s form is checked', async () => {
    const bad = async (o, field) => expectError(assert, await api('POST', '/cases', 'applicant1', { item: ITEM, form: form(o), materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] }), 422, 'invalid', field);
    await bad({ claim_amount: -1 }, 'form.claim_amount');
    await bad({ parties: 1 }, 'form.parties');
    await bad({ parties: 2.5 }, 'form.parties');
    await bad({ dispute_type: '其他纠纷' }, 'form.dispute_type');
  });

  test('繁简分流 by the rules; the team and judge by SM3 of the number', async () => {
    const cases = [
      [form(), 'simple', true],
      [form({ claim_amount: 300000 }), 'simple', false],
      [form({ claim_amount: 600000 }), 'complex', false],
      [form({ parties: 4 }), 'complex', false],
      [form({ dispute_type: '商标权纠纷', claim_amount: 10000 }), 'complex', false],
    ];
    for (const [f, track, small] of cases) {
      const c = await filing(f);
      made.received++; made.filed++;
      if (track === 'simple') made.simple++;
      if (small) made.small++;
      assert.equal(c.state, 'filed');
      assert.equal(c.track, track, c.track_basis);
      assert.equal(c.small_claims, small ? 1 : 0);
      assert.deepEqual({ team: c.team, judge: c.judge }, expected(c.no, track === 'simple'));
      assert.equal(c.received_on, day());
    }
  });

  test('pre-litigation mediation at the community\'s grid court: settled, or failed and registered', async () => {
    const a = await filing(form({ mediate: '同意诉前调解', community: '福泰社区', dispute_type: '物业服务合同纠纷', claim_amount: 3600 }));
    made.received++;
    assert.equal(a.state, 'mediating');
    assert.equal(a.grid_court, rules.grid_courts.find((g) => g.communities.includes('福泰社区')).code);
    expectError(assert, await api('POST', `/court/cases/${a.no}/actions/settle`, 'approver-fy', { on: day(1), amount: 3000 }), 422, 'invalid', 'on');
    expectError(assert, await api('POST', `/court/cases/${a.no}/actions/close`, 'approver-fy', { on: day(), outcome: 'judgment' }), 409, 'conflict');
    let r = await api('POST', `/court/cases/${a.no}/actions/settle`, 'approver-fy', { on: day(), amount: 3000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'settled');
    made.mediated++; made.settled++;
    const b = await filing(form({ mediate: '同意诉前调解', community: '海埠社区' }));
    made.received++;
    r = await api('POST', `/court/cases/${b.no}/actions/fail`, 'approver-fy', { on: day(), reason: '被告拒绝调解' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.state, r.json.track, r.json.filed_on], ['filed', 'simple', day()]);
    made.mediated++; made.filed++; made.simple++; made.small++;
  });

  test('人工: a reassignment needs a judge of the team and a reason', async () => {
    const c = (await api('GET', '/court/cases?state=filed', 'approver-fy')).json.cases[0];
    expectError(assert, await api('POST', `/court/cases/${c.no}/actions/reassign`, 'approver-fy', { team: 'S1', judge: '刘国庆', reason: '回避' }), 422, 'invalid', 'judge');
    expectError(assert, await api('POST', `/court/cases/${c.no}/actions/reassign`, 'approver-fy', { team: 'S1', judge: '王建华', reason: '' }), 422, 'invalid', 'reason');
    const r = await api('POST', `/court/cases/${c.no}/actions/reassign`, 'approver-fy', { team: 'S1', judge: '王建华', reason: '原承办法官回避' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.team, r.json.judge, r.json.assign_note], ['S1', '王建华', '原承办法官回避']);
  });

  test('要素式审判: the parties\' element forms of the dispute type', async () => {
    const c = (await api('GET', '/court/cases?state=filed', 'applicant1')).json.cases.find((x) => x.dispute_type === '金融借款合同纠纷');
    const el = (who, body) => api('POST', `/court/cases/${c.no}/elements`, who, body);
    expectError(assert, await el('applicant1', { party: 'plaintiff', fields: { colour: 'red' } }), 422, 'invalid', 'fields.colour');
    expectError(assert, await el('applicant1', { party: 'plaintiff', fields: { loan_amount: 'lots' } }), 422, 'invalid', 'fields.loan_amount');
    expectError(assert, await el('applicant1', { party: 'plaintiff', fields: { guarantee: '信用' } }), 422, 'invalid', 'fields.guarantee');
    expectError(assert, await el('applicant1', { party: 'defendant', fields: {} }), 403, 'forbidden', 'party');
    expectError(assert, await el('business1', { party: 'plaintiff', fields: {} }), 404, 'not_found');
    let r = await el('applicant1', { party: 'plaintiff', fields: { loan_amount: 30000, rate: 4.35, repaid: 5000, overdue_since: '2026-06-01', guarantee: '保证' } });
    assert.equal(r.status, 200, r.text);
    r = await el('approver-fy', { party: 'defendant', fields: { repaid: 8000 } });
    assert.deepEqual(r.json.elements, { plaintiff: { loan_amount: 30000, rate: 4.35, repaid: 5000, overdue_since: '2026-06-01', guarantee: '保证' }, defendant: { repaid: 8000 } });
  });

  test('closing, and the figures are the counts made here', async () => {
    const filed = (await api('GET', '/court/cases?state=filed', 'approver-fy')).json.cases;
    const biz = filed.filter((c) => c.commercial);
    for (const c of biz.slice(0, 2)) {
      const r = await api('POST', `/court/cases/${c.no}/actions/close`, 'approver-fy', { on: day(), outcome: 'judgment', amount: 1000 });
      assert.equal(r.status, 200, r.text);
    }
    expectError(assert, await api('POST', `/court/cases/${biz[0].no}/actions/close`, 'approver-fy', { on: day(), outcome: 'judgment' }), 409, 'conflict');
    expectError(assert, await api('POST', `/court/cases/${biz[2].no}/actions/close`, 'approver-fy', { on: day(), outcome: 'coin-toss' }), 422, 'invalid', 'outcome');
    const f = (await api('GET', '/court/figures')).json;
    assert.deepEqual([f.received, f.mediated, f.settled, f.filed, f.simple, f.small_claims], [made.received, made.mediated, made.settled, made.filed, made.simple, made.small]);
    assert.equal(f.fast_track_percent, Math.round(1000 * made.simple / made.filed) / 10);
    assert.equal(f.closed_business, 2);
    assert.equal(f.closed_business_fen, biz.slice(0, 2).reduce((a, c) => a + c.amount_fen, 0));
  });

  test('scope: the parties see their own; other departments none', async () => {
    assert.equal((await api('GET', '/court/cases', 'business1')).json.cases.length, 0);
    assert.equal((await api('GET', '/court/cases', 'approver1')).json.cases.length, 0);
    const c = (await api('GET', '/court/cases', 'applicant1')).json.cases[0];
    expectError(assert, await api('GET', `/court/cases/${c.no}`, 'business1'), 404, 'not_found');
    expectError(assert, await api('POST', `/court/cases/${c.no}/actions/reassign`, 'approver1', { team: 'S1', judge: '王建华', reason: 'x' }), 404, 'not_found');
  });
});
