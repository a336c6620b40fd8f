// 政府采购 through the HTTP API, on both backends: a budget unit records its award notice and
// gets its signing limit on the calendar (10 working days, as the calendar counts them); the bid
// deposit follows the supplier's credit record; signing late needs a reason; filing within
// 7 working days by the finance department alone; the advance payment; a passed limit
// escalated once to the unit's approvers through the job; scope and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const uscc = (f) => { let n = 0; for (let i = 0; i < 17; i++) n += CHARS.indexOf(f[i]) * W[i]; return f + CHARS[(31 - (n % 31)) % 31]; };
const A = uscc('91371000MA3P00001');
const C = uscc('91371000MA3P00002');
const FLAGGED = uscc('91371000MA3P00003');
const NOBODY = uscc('91371000MA3P00004');
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body, headers) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body, headers });

before(async () => {
  s = await startServer({ args: ['--case-job-interval', '1'] });
  const csv = ['credit_code,name,type,industry,address,region,class,complaints,abnormal,serious',
    `${A},甲级信用科技有限公司,有限责任公司,I6510,青岛路1号,皇冠街道,A,0,0,0`,
    `${C},丙级信用建设有限公司,有限责任公司,E4813,青岛路2号,皇冠街道,C,0,0,0`,
    `${FLAGGED},异常名录设备有限公司,有限责任公司,F5179,青岛路3号,皇冠街道,B,0,1,0`].join('\n') + '\n';
  const r = await api('POST', '/inspection/rosters/entities', 'admin', csv, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
});
after(async () => { await s.stop(); });

const contract = (o = {}) => ({ project: '中小学教学设备采购', project_no: 'JQCG-2026-T01', method: '公开招标', supplier_code: A, supplier: '甲级信用科技有限公司', sme: true, amount: 1250000, deposit: 12500, awarded_on: day(), ...o });
const act = (id, action, who, body) => api('POST', `/procurement/contracts/${id}/actions/${action}`, who, body);

describe('contracts', () => {
  let id;

  test('the bid deposit follows the supplier\'s credit record (public)', async () => {
    const dep = async (code) => (await api('GET', `/procurement/deposit?credit_code=${code}`)).json;
    assert.deepEqual([(await dep(A)).waived, (await dep(A)).class], [true, 'A']);
    assert.match((await dep(A)).basis, /免收投标保证金/);
    assert.equal((await dep(C)).waived, false);
    assert.equal((await dep(FLAGGED)).waived, false);
    assert.match((await dep(FLAGGED)).basis, /经营异常名录/);
    assert.equal((await dep(NOBODY)).waived, false);
    expectError(assert, await api('GET', `/procurement/deposit?credit_code=${A.slice(0, 17)}0`), 422, 'invalid', 'credit_code');
    expectError(assert, await api('GET', '/procurement/deposit'), 422, 'invalid', 'credit_code');
  });

  test('a unit records its award notice; the signing limit is 10 working days on the calendar', async () => {
    expectError(assert, await api('POST', '/procurement/contracts', 'approver-jy', contract({ supplier_code: A.slice(0, 17) + '0' })), 422, 'invalid', 'supplier_code');
    expectError(assert, await api('POST', '/procurement/contracts', 'approver-jy', contract({ amount: 10.001 })), 422, 'invalid', 'amount');
    expectError(assert, await api('POST', '/procurement/contracts', 'approver-jy', contract({ method: '抓阄' })), 422, 'invalid', 'method');
    expectError(assert, await api('POST', '/procurement/contracts', 'approver-jy', contract({ awarded_on: day(1) })), 422, 'invalid', 'awarded_on');
    expectError(assert, await api('POST', '/procurement/contracts', 'approver-jy', contract({ unit: 'wj' })), 403, 'forbidden', 'unit');
    expectError(assert, await api('POST', '/procurement/contracts', 'admin', contract({ unit: 'nowhere' })), 422, 'invalid', 'unit');
    const r = await api('POST', '/procurement/contracts', 'approver-jy', contract());
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    assert.match(id, /^CG\d{4}-\d{4}$/);
    assert.equal(r.json.unit, 'jy');
    assert.equal(r.json.deposit_waived, 1);
    assert.equal(r.json.state, 'awarded');
    assert.equal(r.json.light, 'green');
    const want = (await api('GET', `/calendar/add-workdays?date=${day()}&n=10`)).json;
    assert.equal(r.json.sign_by, want.result, JSON.stringify(want));
  });

  test('scope: the unit, the finance department, supervisors; nobody else', async () => {
    assert.equal((await api('GET', `/procurement/contracts/${id}`, 'clerk-1')).status, 404, 'a clerk of another department');
    expectError(assert, await api('GET', `/procurement/contracts/${id}`, 'approver-wj'), 404, 'not_found');
    for (const who of ['approver-jy', 'approver-czjr', 'supervisor1', 'admin']) assert.equal((await api('GET', `/procurement/contracts/${id}`, who)).status, 200, who);
    assert.equal((await api('GET', '/procurement/contracts', 'approver-wj')).json.contracts.length, 0);
    assert.equal((await api('GET', '/procurement/contracts', 'bank-1')).json.contracts.length, 0);
    expectError(assert, await act(id, 'sign', 'approver-czjr', { on: day() }), 403, 'forbidden');
    expectError(assert, await act(id, 'sign', 'approver-wj', { on: day() }), 404, 'not_found');
  });

  test('sign, file by the finance department, the advance payment', async () => {
    expectError(assert, await act(id, 'sign', 'approver-jy', { on: day(1) }), 422, 'invalid', 'on');
    expectError(assert, await act(id, 'sign', 'approver-jy', { on: day(-1) }), 422, 'invalid', 'on');
    expectError(assert, await act(id, 'file', 'approver-czjr', { on: day() }), 409, 'conflict');
    let r = await act(id, 'sign', 'approver-jy', { on: day() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'signed');
    const want = (await api('GET', `/calendar/add-workdays?date=${day()}&n=7`)).json;
    assert.equal(r.json.file_by, want.result);
    expectError(assert, await act(id, 'advance', 'approver-jy', { on: day(), percent: 0 }), 422, 'invalid', 'percent');
    r = await act(id, 'advance', 'approver-jy', { on: day(), percent: 30 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.advance_fen, 125000000 * 30 / 100);
    expectError(assert, await act(id, 'file', 'approver-jy', { on: day() }), 403, 'forbidden');
    r = await act(id, 'file', 'approver-czjr', { on: day() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'filed');
    assert.equal(r.json.light, '');
    expectError(assert, await act(id, 'cancel', 'approver-jy', { reason: 'x' }), 409, 'conflict');
  });

  test('a limit passed turns red and is escalated once; signing late needs a reason', async () => {
    // awarded 20 days ago: the 10 working days are gone
    const r = await api('POST', '/procurement/contracts', 'approver-jy', contract({ project_no: 'JQCG-2026-T02', supplier_code: C, awarded_on: day(-20) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.light, 'red');
    assert.equal(r.json.deposit_waived, 0);
    const late = r.json.id;
    let n = 0;
    for (let i = 0; i < 50 && !n; i++) {
      n = Number(sql(s.db, `SELECT COUNT(*) FROM audit_events WHERE action = 'procurement.escalate' AND object = '${late}'`).trim());
      if (!n) await new Promise((ok) => setTimeout(ok, 200));
    }
    assert.equal(n, 1);
    const sms = Number(sql(s.db, `SELECT COUNT(*) FROM notifications WHERE recipient = 'user:approver-jy' AND text LIKE '%${late}%'`).trim());
    assert.equal(sms, 1, 'the unit\'s approver is told');
    await new Promise((ok) => setTimeout(ok, 1500));
    assert.equal(Number(sql(s.db, `SELECT COUNT(*) FROM audit_events WHERE action = 'procurement.escalate' AND object = '${late}'`).trim()), 1, 'once');
    const reds = (await api('GET', '/procurement/contracts?late=1', 'approver-jy')).json.contracts.map((c) => c.id);
    assert.deepEqual(reds, [late]);
    expectError(assert, await act(late, 'sign', 'approver-jy', { on: day() }), 422, 'invalid', 'reason');
    expectError(assert, await act(late, 'explain', 'approver-jy', { reason: '' }), 422, 'invalid', 'reason');
    assert.equal((await act(late, 'explain', 'approver-jy', { reason: '供应商资质复核' })).status, 200);
    const signed = await act(late, 'sign', 'approver-jy', { on: day() });
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.json.delay_reason, '供应商资质复核');
    const f = (await api('GET', '/procurement/figures', 'supervisor1')).json;
    assert.equal(f.signed, 2);
    assert.equal(f.signed_late, 1);
    assert.equal(f.filed, 1);
    assert.equal(f.by_state.filed, 1);
    assert.equal(f.by_state.signed, 1);
  });

  test('queries and actions are checked', async () => {
    expectError(assert, await api('GET', '/procurement/contracts?state=lost', 'admin'), 422, 'invalid', 'state');
    expectError(assert, await api('GET', '/procurement/contracts/nope', 'admin'), 404, 'not_found');
    expectError(assert, await act(id, 'shred', 'admin', {}), 404, 'not_found');
    expectError(assert, await act(id, 'advance', 'admin', { on: 'soon', percent: 10 }), 422, 'invalid', 'on');
  });
});
