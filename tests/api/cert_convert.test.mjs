// 存量证照电子化 through the HTTP API, on both backends: the issuing department's approver
// converts its paper licences still in force into signed certificates, all or nothing; every
// bad record is named and nothing is converted; a paper is converted once; the holder's
// verified account finds the certificate in 我的证照 (one merely claiming the ID does not),
// and the offline verifier says it is valid;
// another department, an applicant, an administrator without a department are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectError, sql, startServer } from './helper.mjs';

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });
const converted = () => Number(sql(s.db, "SELECT COUNT(*) FROM certificates WHERE subject_kind = 'paper'").trim());
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
// A resident ID nobody in the demo holds, with its GB 11643 check character.
const LISI = ((f) => f + '10X98765432'[[...f].reduce((a, c, i) => a + Number(c) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i], 0) % 11])('37100219850315123');
const paper = (n, extra = {}) => ({
  holder: `威海经区存量餐饮店${n}`, holder_id: '91371000MA3C5X8J11', number: `JY23710910${String(n).padStart(5, '0')}`,
  issued_on: '2022-03-15', valid_until: '2027-03-14', fields: { 经营项目: '预包装食品销售' }, ...extra,
});

test('a department converts its paper licences: signed, numbered, the holder finds them, verifiable offline', async () => {
  const records = [paper(1), paper(2), paper(3, { holder: '张三', holder_id: '371002199001011237', valid_until: '长期' })];
  const r = await api('POST', '/certificates/conversions', 'approver1', { type: 'food-business-licence', records });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { type: 'food-business-licence', department: 'xzsp', converted: 3 });
  assert.equal(converted(), 3);
  // the holder with an account (the ID and the name both) finds it in 我的证照
  const mine = (await api('GET', '/certificates?mine=1', 'applicant1')).json.certificates;
  const c = mine.find((x) => x.holder === '张三' && x.name === '食品经营许可证');
  assert.ok(c, JSON.stringify(mine));
  assert.equal(c.valid_until, '长期');
  assert.equal(c.issue_date, today);
  const one = (await api('GET', `/certificates/${encodeURIComponent(c.id)}`, 'applicant1')).json;
  assert.equal(one.subject_kind, 'paper');
  assert.equal(one.subject, 'JY2371091000003');
  assert.equal(one.fields['原证编号'], 'JY2371091000003');
  assert.equal(one.fields['原证发证日期'], '2022-03-15');
  assert.equal(one.fields['经营项目'], '预包装食品销售');
  assert.match(one.holder_id, /\*/, 'the ID number is masked');
  // the firm's two are not applicant1's
  assert.equal(mine.filter((x) => x.holder.startsWith('威海经区存量餐饮店')).length, 0);
  // an account that only claims a number (no window verified it) gets nothing converted
  // for that number, however its name matches
  const copy = await s.api('POST', '/api/v1/users', { body: { username: 'copycat', password: 'a-long-passphrase', name: '李四', kind: 'person', id_number: LISI, phone: '13700001111' } });
  assert.equal(copy.status, 201, copy.text);
  const r2 = await api('POST', '/certificates/conversions', 'approver1', { type: 'public-health-licence', records: [
    { holder: '李四', holder_id: LISI, number: 'WG-COPY-1', issued_on: '2024-05-01', valid_until: '2028-04-30', fields: {} },
    { holder: '张三', holder_id: '371002199001011237', number: 'WG-COPY-2', issued_on: '2024-05-01', valid_until: '2028-04-30', fields: {} }] });
  assert.equal(r2.status, 201, r2.text);
  tok.copycat = await s.login('copycat', 'a-long-passphrase');
  assert.equal((await api('GET', '/certificates?mine=1', 'copycat')).json.certificates.length, 0);
  assert.ok((await api('GET', '/certificates?mine=1', 'applicant1')).json.certificates.some((x) => x.name === '公共场所卫生许可证'));
  // the offline verifier: valid against the trust and status lists
  const file = await api('GET', `/certificates/${encodeURIComponent(c.id)}/file`, 'applicant1');
  assert.equal(file.status, 200, file.text);
  const dir = s.dir;
  writeFileSync(join(dir, 'conv.json'), file.text);
  writeFileSync(join(dir, 'conv-trust.json'), (await api('GET', '/certificates/trust')).text);
  writeFileSync(join(dir, 'conv-status.json'), (await api('GET', '/certificates/status')).text);
  const v = cli(['cert', 'verify', join(dir, 'conv.json'), '--trust', join(dir, 'conv-trust.json'), '--status', join(dir, 'conv-status.json')]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // the department's figures
  const mineAll = (await api('GET', '/certificates/conversions', 'approver1')).json;
  assert.deepEqual(mineAll.conversions.map((x) => [x.type, x.department, x.converted]), [['food-business-licence', 'xzsp', 3], ['public-health-licence', 'xzsp', 2]]);
  // the types a department may convert, with their fields (a batch's columns)
  assert.deepEqual(mineAll.types.find((t) => t.code === 'food-business-licence'), { code: 'food-business-licence', name: '食品经营许可证', fields: ['经营项目'] });
  const bdc = (await api('GET', '/certificates/conversions', 'approver-bdc')).json;
  assert.deepEqual(bdc.conversions, []);
  assert.ok(bdc.types.some((t) => t.code === 'realestate-certificate'));
  assert.ok(!bdc.types.some((t) => t.code === 'food-business-licence'));
  // audited
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'cert.convert'").trim(), '2');
});

test('a batch with bad records converts nothing and names every bad one', async () => {
  const before = converted();
  const records = [
    paper(11),
    paper(12, { holder_id: '371002199001011238' }), // a wrong check digit
    paper(13, { valid_until: '2020-01-01' }), // expired
    paper(11), // the same paper twice
    paper(14, { fields: { 经营项目: '热食类', 法定代表人: '李四' } }), // not the type's field
    paper(15, { issued_on: '2999-01-01', colour: 'red' }), // the future; no such field
    paper(1), // converted by the first test
  ];
  const r = await api('POST', '/certificates/conversions', 'approver1', { type: 'food-business-licence', records });
  expectError(assert, r, 422, 'invalid', 'records');
  const at = r.json.error.rows.map((p) => p.field);
  for (const f of ['records[1].holder_id', 'records[2].valid_until', 'records[3].number', 'records[4].fields.法定代表人',
    'records[5].issued_on', 'records[5].colour', 'records[6].number']) assert.ok(at.includes(f), `${f} in ${at}`);
  assert.ok(!at.some((f) => f.startsWith('records[0].')), 'the good record is not named');
  assert.match(r.json.error.message, /^6 of the rows are bad/);
  assert.equal(converted(), before, 'nothing converted');
});

test('bad shapes, another department, an applicant, an administrator without a department', async () => {
  expectError(assert, await api('POST', '/certificates/conversions', 'approver1', { type: 'food-business-licence', records: [] }), 422, 'invalid', 'records');
  expectError(assert, await api('POST', '/certificates/conversions', 'approver1', { type: 'food-business-licence' }), 422, 'invalid', 'records');
  expectError(assert, await api('POST', '/certificates/conversions', 'approver1', { type: 'no-such', records: [paper(21)] }), 422, 'invalid', 'type');
  expectError(assert, await api('POST', '/certificates/conversions', 'approver1', { type: 'food-business-licence', records: Array.from({ length: 1001 }, (_, i) => paper(100 + i)) }), 422, 'invalid', 'records');
  expectError(assert, await api('POST', '/certificates/conversions', 'approver-bdc', { type: 'food-business-licence', records: [paper(22)] }), 403, 'forbidden');
  expectError(assert, await api('POST', '/certificates/conversions', 'applicant1', { type: 'food-business-licence', records: [paper(23)] }), 403, 'forbidden');
  expectError(assert, await api('POST', '/certificates/conversions', 'admin', { type: 'food-business-licence', records: [paper(24)] }), 422, 'invalid', 'department');
  expectError(assert, await api('POST', '/certificates/conversions', 'admin', { type: 'food-business-licence', department: 'bdc', records: [paper(25)] }), 422, 'invalid', 'department');
  const r = await api('POST', '/certificates/conversions', 'admin', { type: 'food-business-licence', department: 'xzsp', records: [paper(26)] });
  assert.equal(r.status, 201, r.text);
  expectError(assert, await api('GET', '/certificates/conversions', 'applicant1'), 403, 'forbidden');
});
