// The foreign-investment negative list through the HTTP API and the CLI, on both backends: the
// shipped editions (2020, and 2024 in force now); an investment checked — prohibited with its
// article, restricted with each unmet condition, national treatment outside the list; a
// foreign-invested registration (and its change) refused or accepted by the same rule, a
// domestic one untouched; an edition imported all or nothing with the bad measure named.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { cli, expectError, sql, startServer, tempDir } from './helper.mjs';

const LICENCE = '371091011001007000'; // 企业设立登记（营业执照核发）
const CHANGE = '371091011001007001'; // its 变更
const CANCEL = '371091011001007003'; // its 注销: the list does not apply
const PDF = new TextEncoder().encode('%PDF-1.4\n% negative list test\n');

let s, tok, sha;
const check = (body) => s.api('POST', '/api/v1/negative-list/check', { body });

before(async () => {
  s = await startServer();
  tok = await s.login('business1');
  const r = await s.api('POST', '/api/v1/materials', { body: PDF, token: tok, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  sha = r.json.sha256;
});
after(async () => { await s.stop(); });

const firm = { company_name: '威海外资测试有限公司', legal_person: '李四', registered_capital: 500, address: '经区齐鲁大道1号' };
// a 办理项 asks for the main item's first material and its own (v1)
const register = (item, extra) => s.api('POST', '/api/v1/cases', { token: tok, body: {
  item, form: { ...firm, ...extra }, materials: [{ id: 'm1', sha256: sha }, { id: item === LICENCE ? 'm2' : 'v1', sha256: sha }] } });

test('the shipped editions: 2020 and 2024, the 2024 one in force', async () => {
  const r = await s.api('GET', '/api/v1/negative-list');
  assert.equal(r.status, 200, r.text);
  const byName = Object.fromEntries(r.json.editions.map((e) => [e.edition, e]));
  assert.deepEqual(Object.keys(byName).sort(), ['2020', '2024']);
  assert.equal(byName['2024'].in_force, true);
  assert.equal(byName['2020'].in_force, false);
  assert.equal(byName['2020'].effective, '2020-07-23');
  assert.equal(byName['2024'].effective, '2024-11-01');
  const current = (await s.api('GET', '/api/v1/negative-list/current')).json;
  assert.equal(current.edition, '2024');
  assert.equal(new Set(current.measures.map((m) => m.no)).size, 29); // 29 numbered measures
  const old = (await s.api('GET', '/api/v1/negative-list/2020')).json;
  assert.equal(new Set(old.measures.map((m) => m.no)).size, 33);
  assert.equal(old.in_force, false);
  for (const m of [...current.measures, ...old.measures]) {
    assert.ok(m.industries.length > 0 && m.industries.every((c) => /^[A-T]\d{2,4}$/.test(c)), JSON.stringify(m));
  }
  expectError(assert, await s.api('GET', '/api/v1/negative-list/1999'), 404, 'not_found', 'edition');
});

test('an investment checked: prohibited, restricted with its conditions, national treatment', async () => {
  let r = await check({ industries: ['I6422'], foreign_share: 10 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.verdict, 'prohibited');
  assert.equal(r.json.allowed, false);
  assert.equal(r.json.edition, '2024');
  assert.ok(r.json.measures.some((m) => m.kind === 'prohibited' && m.text.includes('禁止投资')));
  // value-added telecom: at most 50% foreign
  r = await check({ industries: 'I6319', foreign_share: 60 });
  assert.equal(r.json.verdict, 'restricted');
  assert.equal(r.json.allowed, false);
  assert.deepEqual(r.json.measures[0].unmet.map((u) => u.field), ['foreign_share']);
  r = await check({ industries: 'I6319', foreign_share: 50 });
  assert.equal(r.json.verdict, 'restricted');
  assert.equal(r.json.allowed, true);
  // coastal shipping: Chinese control
  assert.equal((await check({ industries: 'G5522', foreign_share: 50 })).json.allowed, false);
  assert.equal((await check({ industries: 'G5522', foreign_share: 49 })).json.allowed, true);
  // general aviation: a Chinese legal representative (and a joint venture)
  r = await check({ industries: 'G5621', foreign_share: 40, legal_rep_nationality: '外国' });
  assert.deepEqual(r.json.measures.flatMap((m) => m.unmet.map((u) => u.field)), ['legal_rep_nationality']);
  assert.equal((await check({ industries: 'G5621', foreign_share: 40, legal_rep_nationality: '中国' })).json.allowed, true);
  // outside the list, several industries at once
  r = await check({ industries: 'I6513，C3670、F5179', foreign_share: 100 });
  assert.equal(r.json.verdict, 'national_treatment');
  assert.equal(r.json.allowed, true);
  assert.deepEqual(r.json.measures, []);
  // the car industry's cap went in 2022: in 2024 a wholly foreign-owned carmaker is outside the list
  assert.equal((await check({ industries: 'C3611', foreign_share: 100 })).json.verdict, 'national_treatment');
});

test('bad investments are named', async () => {
  expectError(assert, await check({ industries: 'I63', foreign_share: 10 }), 422, 'invalid', 'industries');
  expectError(assert, await check({ industries: [], foreign_share: 10 }), 422, 'invalid', 'industries');
  expectError(assert, await check({ industries: 'I6513', foreign_share: 0 }), 422, 'invalid', 'foreign_share');
  expectError(assert, await check({ industries: 'I6513', foreign_share: 101 }), 422, 'invalid', 'foreign_share');
  expectError(assert, await check({ industries: 'I6513' }), 422, 'invalid', 'foreign_share');
  expectError(assert, await check({ industries: 'I6513', foreign_share: 10, legal_rep_nationality: '美国' }), 422, 'invalid', 'legal_rep_nationality');
  expectError(assert, await check({ industries: 'I6513', foreign_share: 10, extra: 1 }), 422, 'invalid', 'extra');
});

test('a foreign-invested registration meets the list; a domestic one does not', async () => {
  const fdi = { investment: '外商投资', foreign_share: 30, legal_rep_nationality: '中国', largest_shareholder: '外方' };
  let r = await register(LICENCE, { ...fdi, industries: 'I6513,I6422' });
  expectError(assert, r, 422, 'invalid', 'form.industries');
  assert.match(r.json.error.message, /2024年版/);
  assert.match(r.json.error.message, /第13条/);
  r = await register(LICENCE, { ...fdi, industries: 'I6319', foreign_share: 80 });
  expectError(assert, r, 422, 'invalid', 'form.foreign_share');
  expectError(assert, await register(LICENCE, { investment: '外商投资', foreign_share: 30 }), 422, 'invalid', 'form.industries');
  expectError(assert, await register(LICENCE, { investment: '外商投资', industries: 'I6513' }), 422, 'invalid', 'form.foreign_share');
  r = await register(LICENCE, { ...fdi, industries: 'I6513,C3670' });
  assert.equal(r.status, 201, r.text);
  const n0 = Number(sql(s.db, `SELECT COUNT(*) FROM cases WHERE item = '${LICENCE}' AND form LIKE '%"investment":"外商投资"%'`));
  assert.ok(n0 >= 1);
  // a change is checked as the registration is; a deregistration is not
  expectError(assert, await register(CHANGE, { ...fdi, industries: 'R8610' }), 422, 'invalid', 'form.industries');
  assert.equal((await register(CHANGE, { ...fdi, industries: 'I6319', foreign_share: 50 })).status, 201);
  assert.equal((await register(CANCEL, { ...fdi, industries: 'R8610' })).status, 201);
  // a domestic registration names no industry and meets nothing
  assert.equal((await register(LICENCE, {})).status, 201);
  assert.equal((await register(LICENCE, { investment: '内资', industries: 'I6422' })).status, 201);
});

test('an edition imported by the CLI: all or nothing, the bad measure named', async () => {
  const dir = tempDir();
  const good = { edition: '2099', title: '测试版', issued_by: '测试', effective: '2099-01-01', measures: [
    { no: 1, sector: '一、测试', text: '禁止投资测试业。', kind: 'prohibited', industries: ['I6513'] }] };
  const bad = structuredClone(good);
  bad.measures.push({ no: 2, sector: '二', text: '限制', kind: 'restricted', industries: ['X99'], conditions: { chinese_control: true } });
  writeFileSync(`${dir}/bad.json`, JSON.stringify(bad));
  let r = cli(['negative-list', 'import', '--db', s.db, `${dir}/bad.json`]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /measures\[1\]\.industries\[0\]/);
  const noCond = structuredClone(good);
  noCond.measures.push({ no: 2, sector: '二', text: '限制', kind: 'restricted', industries: ['I6311'] });
  writeFileSync(`${dir}/nocond.json`, JSON.stringify(noCond));
  r = cli(['negative-list', 'import', '--db', s.db, `${dir}/nocond.json`]);
  assert.match(r.stderr, /measures\[1\]\.conditions/);
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM fdi_editions WHERE edition = '2099'").trim(), '0');
  writeFileSync(`${dir}/good.json`, JSON.stringify(good));
  r = cli(['negative-list', 'import', '--db', s.db, `${dir}/good.json`]);
  assert.equal(r.status, 0, r.stderr);
  const list = (await s.api('GET', '/api/v1/negative-list')).json.editions;
  assert.deepEqual(list.map((e) => e.edition), ['2099', '2024', '2020']);
  assert.equal(list.find((e) => e.edition === '2099').in_force, false); // not yet
  assert.equal((await check({ industries: 'I6513', foreign_share: 100 })).json.verdict, 'national_treatment');
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'fdi.edition' AND object = '2099'").trim(), '1');
});
