// The service-item catalog: the public guide and the administrator's edits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BACKEND, startServer, expectError, metric, sql } from './helper.mjs';

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

const q = (params) => s.api('GET', '/api/v1/items?' + new URLSearchParams(params));

test('the demo district has 30 departments and three levels of offices', async () => {
  const d = await s.api('GET', '/api/v1/departments');
  assert.equal(d.json.departments.length, 30);
  assert.ok(d.json.departments.every((x) => x.code && x.name && x.items >= 0));
  const o = await s.api('GET', '/api/v1/offices');
  const levels = o.json.offices.reduce((m, x) => ({ ...m, [x.level]: (m[x.level] || 0) + 1 }), {});
  assert.deepEqual(levels, { district: 1, town: 6, village: 37 });
});

test('the demo catalog: the district\'s 720 items, 55 real-estate types in the seed proportions, 6 establishment items', async () => {
  const all = await q({ limit: 1 });
  assert.equal(all.json.total, 720);
  // the main items (codes ending 000); the rest are their 办理项
  const re = (await q({ department: 'bdc', limit: 200 })).json.items.filter((i) => i.code.endsWith('000'));
  assert.equal(re.length, 55);
  const by = {};
  for (const it of re) by[it.promised_limit.value] = (by[it.promised_limit.value] || 0) + 1;
  assert.deepEqual(by, { 0: 19, 1: 29, 2: 7 });
  const est = await q({ q: '企业开办', limit: 50 });
  assert.equal(est.json.items.filter((i) => i.code.endsWith('000') && i.promised_limit.unit === 'workhour' && i.promised_limit.value === 2).length, 6);
  for (const level of ['district', 'town', 'village']) {
    assert.ok((await q({ level, limit: 1 })).json.total > 0, level);
  }
});

test('search in Chinese, filters and cursor pagination', async () => {
  const r = await q({ q: '抵押', limit: 5 });
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 5);
  assert.ok(r.json.items.every((i) => i.name.includes('抵押')));
  assert.ok(r.json.next_cursor);
  const seen = new Set(r.json.items.map((i) => i.code));
  let cursor = r.json.next_cursor;
  let pages = 1;
  while (cursor) {
    const p = await q({ q: '抵押', limit: 5, cursor });
    for (const i of p.json.items) { assert.ok(!seen.has(i.code), 'no repeats across pages'); seen.add(i.code); }
    cursor = p.json.next_cursor;
    pages++;
  }
  assert.equal(seen.size, r.json.total);
  assert.ok(pages > 1);
  const depth4 = await q({ online_depth: 4, limit: 200 });
  assert.ok(depth4.json.items.every((i) => i.online_depth === 4 && i.visits === 0));
  const towns = await q({ level: 'town', type: 'payment', limit: 200 });
  assert.ok(towns.json.items.length > 0 && towns.json.items.every((i) => i.level === 'town' && i.type === 'payment'));
  assert.equal((await q({ q: '%' })).json.total, 0, 'wildcards are literal');
});

test('list parameter errors name the parameter', async () => {
  expectError(assert, await q({ limit: 0 }), 422, 'invalid', 'limit');
  expectError(assert, await q({ limit: 500 }), 422, 'invalid', 'limit');
  expectError(assert, await q({ online_depth: 5 }), 422, 'invalid', 'online_depth');
  expectError(assert, await q({ q: '长'.repeat(60) }), 422, 'invalid', 'q');
  expectError(assert, await q({ status: 'all' }), 403, 'forbidden', 'status');
});

test('one item carries every element the guide shows', async () => {
  const first = (await q({ department: 'bdc', limit: 1 })).json.items[0];
  const r = await s.api('GET', '/api/v1/items/' + first.code);
  assert.equal(r.status, 200);
  const it = r.json;
  for (const k of ['code', 'basic_code', 'name', 'department', 'department_name', 'level', 'type', 'case_type',
    'legal_limit', 'promised_limit', 'visits', 'online_depth', 'materials', 'fees', 'where', 'when', 'approval', 'form', 'steps', 'status']) {
    assert.ok(k in it, `item has ${k}`);
  }
  assert.deepEqual(Object.keys(it.legal_limit).sort(), ['unit', 'value']);
  assert.ok(it.materials.every((m) => m.id && m.name && typeof m.required === 'boolean'));
  expectError(assert, await s.api('GET', '/api/v1/items/NO-SUCH'), 404, 'not_found');
});

test('catalog figures are computed from the items', async () => {
  const r = await s.api('GET', '/api/v1/catalog/stats');
  const st = r.json;
  const all = await q({ limit: 1 });
  assert.equal(st.items, all.json.total);
  assert.equal(st.by_level.district + st.by_level.town + st.by_level.village, st.items);
  assert.equal(st.instant + st.promised, st.items);
  const four = (await q({ online_depth: 4, limit: 1 })).json.total;
  assert.equal(st.fully_online, four);
  assert.ok(Math.abs(st.fully_online_rate - four / st.items) < 1e-3);
  assert.ok(st.days_cut > 0 && st.days_cut_share > 0 && st.days_cut_share < 1);
  assert.ok(st.levels_removed > 0 && st.signatures_removed > 0);
});

const newItem = (over = {}) => ({
  code: 'TEST-0001', basic_code: '011999001000', name: '测试许可事项', department: 'xzsp', level: 'district',
  type: 'license', case_type: 'promised', legal_limit: { value: 20, unit: 'workday' },
  promised_limit: { value: 5, unit: 'workday' }, visits: 0, online_depth: 4,
  materials: [{ id: 'm1', name: '申请书', required: true }],
  fees: [{ name: '工本费', amount: 0, waived: true }],
  approval: { levels_before: 3, levels: 1, signatures_before: 3, signatures: 1 },
  steps: [{ name: '审核', department: 'xzsp', role: 'approver' }],
  ...over,
});

test('a new item carries its department\'s name as it stands, even renamed behind the server', async () => {
  const body = (code) => newItem({ code, name: '改名测试事项', department: 'bdc', steps: [] });
  const first = await s.api('POST', '/api/v1/items', { body: body('TEST-R1'), token: admin });
  assert.equal(first.status, 201, first.text);
  const was = first.json.department_name;
  const reruns = () => metric(s, 'yichuang_pipeline_reruns_total');
  const before = await reruns();
  // On PostgreSQL the next create assumes the name last read, and its write is guarded by it.
  sql(s.db, "UPDATE departments SET name = '改名后的不动产登记中心' WHERE code = 'bdc'");
  try {
    const second = await s.api('POST', '/api/v1/items', { body: body('TEST-R2'), token: admin });
    assert.equal(second.status, 201, second.text);
    // …which failed, so its batch was run again reading (SQLite reads always: nothing to rerun).
    assert.equal(await reruns(), before + (BACKEND === 'postgres' ? 1 : 0));
    assert.equal(second.json.department_name, '改名后的不动产登记中心');
    assert.equal((await s.api('GET', '/api/v1/items/TEST-R2')).json.department_name, '改名后的不动产登记中心');
  } finally {
    sql(s.db, `UPDATE departments SET name = '${was}' WHERE code = 'bdc'`);
  }
});

test('creates sent at once: each new code once, every repeated code refused with 409', async () => {
  const codes = ['TEST-C1', 'TEST-C2', 'TEST-C1', 'TEST-C3', 'TEST-C2', 'TEST-C4', 'TEST-C1', 'TEST-C5'];
  const rs = await Promise.all(codes.map((code) => s.api('POST', '/api/v1/items',
    { body: newItem({ code, name: '并发测试事项', steps: [] }), token: admin })));
  const made = rs.filter((r) => r.status === 201).map((r) => r.json.code).sort();
  assert.deepEqual(made, ['TEST-C1', 'TEST-C2', 'TEST-C3', 'TEST-C4', 'TEST-C5']);
  for (const r of rs.filter((x) => x.status !== 201)) expectError(assert, r, 409, 'already_exists', 'code');
  assert.equal(rs.length - made.length, 3);
});

test('only admins create items', async () => {
  expectError(assert, await s.api('POST', '/api/v1/items', { body: newItem() }), 401);
  const clerk = await s.login('clerk1');
  expectError(assert, await s.api('POST', '/api/v1/items', { body: newItem(), token: clerk }), 403);
});

test('an admin creates, updates, retires and restores an item; stats follow', async () => {
  const before = (await s.api('GET', '/api/v1/catalog/stats')).json.items;
  const c = await s.api('POST', '/api/v1/items', { body: newItem(), token: admin });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.department_name, '经区行政审批服务局');
  assert.equal(c.json.status, 'active');
  expectError(assert, await s.api('POST', '/api/v1/items', { body: newItem(), token: admin }), 409, 'already_exists', 'code');
  const u = await s.api('PUT', '/api/v1/items/TEST-0001', { body: newItem({ name: '测试许可事项（修订）' }), token: admin });
  assert.equal(u.status, 200, u.text);
  assert.equal((await s.api('GET', '/api/v1/items/TEST-0001')).json.name, '测试许可事项（修订）');
  expectError(assert, await s.api('PUT', '/api/v1/items/TEST-0002', { body: newItem(), token: admin }), 422, 'invalid', 'code');
  expectError(assert, await s.api('PUT', '/api/v1/items/TEST-0002', { body: newItem({ code: 'TEST-0002' }), token: admin }), 404);
  assert.equal((await s.api('GET', '/api/v1/catalog/stats')).json.items, before + 1);

  const r = await s.api('POST', '/api/v1/items/TEST-0001/actions/retire', { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'retired');
  expectError(assert, await s.api('POST', '/api/v1/items/TEST-0001/actions/retire', { token: admin }), 409, 'conflict');
  assert.equal((await q({ q: '测试许可' })).json.total, 0, 'retired items leave the public guide');
  assert.equal((await s.api('GET', '/api/v1/items?q=测试许可&status=all', { token: admin })).json.total, 1);
  assert.equal((await s.api('GET', '/api/v1/catalog/stats')).json.items, before);
  const back = await s.api('POST', '/api/v1/items/TEST-0001/actions/restore', { token: admin });
  assert.equal(back.json.status, 'active');
  expectError(assert, await s.api('POST', '/api/v1/items/NOPE/actions/retire', { token: admin }), 404);
});

test('item validation names the field', async () => {
  const cases = [
    [{ promised_limit: { value: 30, unit: 'workday' } }, 'promised_limit'],
    [{ visits: 1 }, 'visits'],
    [{ case_type: 'instant' }, 'promised_limit'],
    [{ level: 'province' }, 'level'],
    [{ type: 'magic' }, 'type'],
    [{ department: 'nope' }, 'department'],
    [{ code: 'lower-case' }, 'code'],
    [{ online_depth: 7 }, 'online_depth'],
    [{ legal_limit: { value: 20, unit: 'days' } }, 'legal_limit.unit'],
    [{ legal_limit: { value: 20 } }, 'legal_limit.unit'],
    [{ materials: [{ id: 'm1', name: 'a' }] }, 'materials[0].required'],
    [{ materials: [{ id: 'm1', name: 'a', required: true }, { id: 'm1', name: 'b', required: false }] }, 'materials[1].id'],
    [{ fees: [{ name: 'x', amount: -1 }] }, 'fees[0].amount'],
    [{ steps: [{ name: 'x', department: 'nope', role: 'approver' }] }, 'steps[0].department'],
    [{ steps: [{ name: 'x', department: 'xzsp', role: 'king' }] }, 'steps[0].role'],
    [{ approval: { levels_before: 1, levels: 2 } }, 'approval.levels_before'],
    [{ unexpected: true }, 'unexpected'],
  ];
  for (const [over, field] of cases) {
    const r = await s.api('POST', '/api/v1/items', { body: newItem({ code: 'TEST-V', ...over }), token: admin });
    expectError(assert, r, 422, 'invalid', field);
  }
});
