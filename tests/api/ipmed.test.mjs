// The IP mediation workstation through the HTTP API, on both backends: a dispute received,
// mediated and settled, or failed and referred, or referred at once; bad input named; the
// workstation's department alone acts; the public figures are the counts made here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, startServer } from './helper.mjs';

let s;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const dispute = (o = {}) => ({ kind: '商标', claimant: '威海甲公司', respondent: '乙经营部', claims: '停止侵权，赔偿损失', amount: 30000, on: day(), ...o });

test('received, mediated, settled / failed and referred / referred at once', async () => {
  expectError(assert, await api('POST', '/ip/disputes', 'approver-scjg', dispute({ kind: '其他纠纷' })), 422, 'invalid', 'kind');
  expectError(assert, await api('POST', '/ip/disputes', 'approver-scjg', dispute({ claimant: '' })), 422, 'invalid', 'claimant');
  expectError(assert, await api('POST', '/ip/disputes', 'approver-scjg', dispute({ on: day(1) })), 422, 'invalid', 'on');
  expectError(assert, await api('POST', '/ip/disputes', 'approver1', dispute()), 403, 'forbidden');
  const made = [];
  for (let i = 0; i < 3; i++) {
    const r = await api('POST', '/ip/disputes', 'approver-scjg', dispute());
    assert.equal(r.status, 201, r.text);
    made.push(r.json.id);
  }
  const [a, b, c] = made;
  assert.match(a, /^IPM\d{4}-\d{4}$/);
  const act = (id, action, body, who = 'approver-scjg') => api('POST', `/ip/disputes/${id}/actions/${action}`, who, body);
  expectError(assert, await act(a, 'settle', { on: day(), outcome: '协议' }), 409, 'conflict');
  expectError(assert, await act(a, 'mediate', { on: day(), mediator: '' }), 422, 'invalid', 'mediator');
  expectError(assert, await act(a, 'mediate', { on: day(), mediator: '王磊' }, 'approver1'), 404, 'not_found');
  assert.equal((await act(a, 'mediate', { on: day(), mediator: '王磊' })).status, 200);
  expectError(assert, await act(a, 'settle', { on: day(), outcome: '' }), 422, 'invalid', 'outcome');
  let r = await act(a, 'settle', { on: day(), outcome: '达成协议，赔偿一万元', amount: 10000 });
  assert.equal(r.json.state, 'settled');
  assert.equal((await act(b, 'mediate', { on: day(), mediator: '王磊' })).status, 200);
  assert.equal((await act(b, 'fail', { on: day(), outcome: '被申请人拒绝' })).json.state, 'failed');
  expectError(assert, await act(b, 'refer', { on: day(), to: 'police' }), 422, 'invalid', 'to');
  assert.equal((await act(b, 'refer', { on: day(), to: 'court' })).json.state, 'referred');
  assert.equal((await act(c, 'refer', { on: day(), to: 'arbitration', outcome: '合同约定仲裁' })).json.state, 'referred');
  const f = (await api('GET', '/ip/disputes/figures')).json;
  assert.deepEqual([f.received, f.mediated, f.settled, f.failed, f.referred, f.open, f.settled_fen], [3, 2, 1, 0, 2, 0, 1000000]);
  const list = (await api('GET', '/ip/disputes', 'supervisor1')).json.disputes;
  assert.equal(list.length, 3);
  assert.equal((await api('GET', '/ip/disputes', 'approver1')).json.disputes.length, 0);
  expectError(assert, await api('GET', '/ip/disputes?state=lost', 'supervisor1'), 422, 'invalid', 'state');
});
