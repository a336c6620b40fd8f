// Composite processes (一件事一次办) in the catalog: the guide's list and one process with
// figures computed from the items it joins, and the administrator's definitions, each
// checked against the catalog (issue 13's first part; the runtime comes next).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

const LICENCE = '371091011001007000'; // 企业设立登记（营业执照核发）, 2 working hours
const SEAL = '371091101001007000'; // 公章刻制备案, 2 working hours

// A small process: the licence, then the seal; one form field and one material for both.
function small(code, change = {}) {
  return {
    code, name: '测试一件事', promised_limit: { value: 2, unit: 'workhour' }, on_deny: 'stop',
    parts: [{ id: 'licence', item: LICENCE }, { id: 'seal', item: SEAL, after: ['licence'] }],
    form: ['company_name', 'legal_person', 'registered_capital', 'address'].map((name) => (
      { name, label: name, type: name === 'registered_capital' ? 'number' : 'text', fills: { licence: name, seal: name } })),
    materials: [{ id: 'application', name: '申请书', fills: { licence: 'm1', seal: 'm1' } }],
    ...change,
  };
}

test('the guide lists 企业开办 with its figures computed from its seven items', async () => {
  const r = await s.api('GET', '/api/v1/processes');
  assert.equal(r.status, 200, r.text);
  const p = r.json.processes.find((x) => x.code === 'P-QYKB');
  assert.ok(p, r.text);
  assert.equal(p.name, '企业开办');
  assert.equal(p.parts, 7);
  assert.deepEqual(p.promised_limit, { value: 2, unit: 'workhour' });
  // before: seven applications, five promised in 2 working hours, 医保 at once, 用电 in 2 working days
  assert.equal(p.figures.before.applications, 7);
  assert.equal(p.figures.after.applications, 1);
  assert.equal(p.figures.before.minutes, 5 * 120 + 0 + 2 * 420);
  assert.equal(p.figures.after.minutes, 120);
  assert.equal(p.figures.cut_percent.applications, 86);
  assert.equal(p.figures.after.materials, 3);
  assert.ok(p.figures.before.materials > p.figures.after.materials);
  // what all of them save on average, each counting once
  const cuts = r.json.processes.map((x) => x.figures.cut_percent.materials);
  assert.equal(r.json.summary.processes, r.json.processes.length);
  assert.equal(r.json.summary.mean_cut_percent.materials, Math.round(cuts.reduce((a, b) => a + b, 0) / cuts.length));
  assert.ok(r.json.processes.some((x) => x.code === 'P-YYYZ-10') && r.json.processes.some((x) => x.code === 'P-NDJKG'));
});

test('one process shows its parts with their items and departments, its order and its conditions', async () => {
  const r = await s.api('GET', '/api/v1/processes/P-QYKB');
  assert.equal(r.status, 200, r.text);
  const parts = Object.fromEntries(r.json.parts.map((x) => [x.id, x]));
  assert.equal(parts.licence.item, LICENCE);
  assert.match(parts.licence.item_name, /营业执照/);
  assert.match(parts.seal.department_name, /公安/);
  assert.deepEqual(parts.seal.after, ['licence']);
  assert.deepEqual(parts.power.when, { has_premises: 'yes' });
  assert.equal(r.json.status, 'active');
  assert.equal(r.json.form.find((f) => f.name === 'company_name').fills.licence, 'company_name');
  expectError(assert, await s.api('GET', '/api/v1/processes/NOPE'), 404, 'not_found', 'code');
});

test('the administrator puts a process; it is audited and listed, and retired it leaves the guide', async () => {
  const r = await s.api('PUT', '/api/v1/processes/P-TEST', { token: admin, body: small('P-TEST') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.figures.before.applications, 2);
  assert.equal(r.json.figures.after.fields, 4);
  // the licence's form: its four fields and the five a foreign-invested business fills
  // (外商投资, docs/foreign-investment.md); the seal's four
  assert.equal(r.json.figures.before.fields, 13);
  assert.equal(r.json.status, 'active');
  assert.ok((await s.api('GET', '/api/v1/processes')).json.processes.some((x) => x.code === 'P-TEST'));
  const again = await s.api('PUT', '/api/v1/processes/P-TEST', { token: admin, body: small('P-TEST', { status: 'retired' }) });
  assert.equal(again.status, 200, again.text);
  assert.ok(!(await s.api('GET', '/api/v1/processes')).json.processes.some((x) => x.code === 'P-TEST'));
  assert.equal((await s.api('GET', '/api/v1/processes/P-TEST')).json.status, 'retired');
  const events = sql(s.db, "SELECT action FROM audit_events WHERE object = 'process:P-TEST' ORDER BY id").trim().split('\n');
  assert.deepEqual(events, ['process.create', 'process.update']);
});

test('a bad definition names its field, and nothing is stored', async () => {
  const put = (body, code = body.code) => s.api('PUT', `/api/v1/processes/${code}`, { token: admin, body });
  expectError(assert, await put(small('P-BAD', {
    parts: [{ id: 'licence', item: 'NO-SUCH' }, { id: 'seal', item: SEAL, after: ['licence'] }],
  })), 422, 'invalid', 'parts[0].item');
  expectError(assert, await put(small('P-BAD', {
    form: [{ name: 'x', label: 'x', type: 'text', fills: { seal: 'no_such_field' } }],
  })), 422, 'invalid', 'form[0].fills.seal');
  expectError(assert, await put(small('P-BAD', {
    materials: [{ id: 'a', name: 'a', fills: { licence: 'm9' } }],
  })), 422, 'invalid', 'materials[0].fills.licence');
  expectError(assert, await put(small('P-BAD', {
    parts: [{ id: 'licence', item: LICENCE, after: ['seal'] }, { id: 'seal', item: SEAL, after: ['licence'] }],
  })), 422, 'invalid', 'parts');
  expectError(assert, await put(small('P-BAD', { on_deny: 'shrug' })), 422, 'invalid', 'on_deny');
  // a required field of a part's item that nothing on the one form fills would refuse every application
  const r = await put(small('P-BAD', { form: [{ name: 'company_name', label: 'x', type: 'text', fills: { licence: 'company_name', seal: 'company_name' } }] }));
  expectError(assert, r, 422, 'invalid', 'form');
  assert.match(r.json.error.message, /licence's required field legal_person/);
  expectError(assert, await put(small('P-BAD'), 'P-OTHER'), 422, 'invalid', 'code');
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM processes WHERE code IN ('P-BAD', 'P-OTHER')").trim(), '0');
  // only the administrator
  const clerk = await s.login('clerk1');
  assert.equal((await s.api('PUT', '/api/v1/processes/P-BAD', { token: clerk, body: small('P-BAD') })).status, 403);
});
