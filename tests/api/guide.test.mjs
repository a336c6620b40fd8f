// 智能导服 through the HTTP API, on both backends: a colloquial question answered with the right
// item or process and the item's own elements; the held-out half of the question set answered
// within the top three at 80% or better (make bench reports the figure); questions outside the
// catalog declined, logged masked and counted; the synonym table replaced all or nothing by the
// admin and used at once; the index following the catalog's edits; bad input named.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ROOT, expectError, sql, startServer } from './helper.mjs';

const SET = JSON.parse(readFileSync(`${ROOT}/data/guide/questions.json`, 'utf8'));
const RESTAURANT = 'P-YYYZ-03'; // 一业一证·开饭店
const LICENCE = '371091011001007000'; // 企业设立登记（营业执照核发）

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });
const ask = async (q, channel) => {
  const r = await api('POST', '/guide/ask', null, channel ? { q, channel } : { q });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

test('a question in plain words: the process first, with its evidence and elements', async () => {
  const r = await ask('开个饭店要办什么手续');
  assert.equal(r.answered, true);
  assert.equal(r.answers[0].code, RESTAURANT, JSON.stringify(r.answers.map((a) => a.name)));
  assert.equal(r.answers[0].kind, 'process');
  assert.ok(r.answers[0].matched.some((m) => m.text === '饭店'), JSON.stringify(r.answers[0].matched));
  assert.ok(r.synonyms.some((x) => x.phrase === '饭店'));
  assert.ok(r.answers[0].parts.length >= 2);
  assert.equal(r.desk.category, 'C');
  // an item's answer quotes the item itself
  const lost = await ask('营业执照丢了怎么办');
  const first = lost.answers[0];
  assert.equal(first.variant_of, LICENCE, JSON.stringify(lost.answers.map((a) => a.name)));
  assert.match(first.name, /补办/);
  const item = (await api('GET', `/items/${first.code}`)).json;
  assert.deepEqual(first.promised_limit, item.promised_limit);
  assert.deepEqual(first.materials.map((m) => m.name), item.materials.map((m) => m.name));
  assert.equal(first.fully_online, item.online_depth === 4);
  // where: the hall category whose items hold the main item, and its zone's floor
  const [cat, floor] = sql(s.db, `SELECT c.code, z.floor FROM hall_categories c JOIN hall_zones z ON z.code = c.zone WHERE c.items LIKE '%"${LICENCE}"%' ORDER BY c.code LIMIT 1`).trim().split('|');
  assert.equal(first.category.code, cat);
  assert.equal(first.category.floor, Number(floor));
  // three answers, three different things (one per main item and its 办理项)
  const many = await ask('不动产登记');
  const families = many.answers.map((a) => a.variant_of || a.code);
  assert.equal(new Set(families).size, families.length);
});

test('the held-out half: the right answer in the top three for 80% or more', async () => {
  const held = SET.questions.filter((q) => q.set === 'held');
  assert.ok(held.length >= 150, `${held.length} held-out questions`);
  let top1 = 0, top3 = 0;
  for (const q of held) {
    const r = await ask(q.q, 'web');
    const at = r.answers.findIndex((a) => q.answers.includes(a.code));
    if (at === 0) top1++;
    if (at >= 0 && at < 3) top3++;
  }
  const share = top3 / held.length;
  console.log(`guide held-out: top-1 ${(top1 / held.length * 100).toFixed(1)}%, top-3 ${(share * 100).toFixed(1)}% of ${held.length}`);
  // the misses are not printed: the held-out half stays out of whoever tunes the synonyms
  assert.ok(share >= 0.8, `top-3 ${(share * 100).toFixed(1)}%`);
});

test('outside the catalog: declined, the desk offered, the question logged masked and counted', async () => {
  const declined = SET.unanswerable;
  let n = 0;
  for (const q of declined) n += (await ask(q)).answered ? 0 : 1;
  assert.ok(n >= declined.length * 0.8, `${n} of ${declined.length} declined`);
  const q = '今天天气怎么样 电话13800138000 身份证370102199001011234';
  for (let i = 0; i < 2; i++) {
    const r = await ask(q, 'kiosk');
    assert.equal(r.answered, false);
    assert.deepEqual(r.answers, []);
    assert.equal(r.desk.category, 'C');
  }
  const log = (await api('GET', '/guide/unanswered?limit=1000', 'supervisor1')).json;
  const row = log.questions.find((x) => x.question.startsWith('今天天气怎么样'));
  assert.ok(row, JSON.stringify(log.questions.slice(0, 5)));
  assert.equal(row.question, '今天天气怎么样 电话**** 身份证****');
  assert.equal(row.asked, 2);
  assert.equal(row.channel, 'kiosk');
  assert.ok(log.asked >= 2);
  // nothing of the number reached the store
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM guide_unanswered WHERE question LIKE '%13800%' OR question LIKE '%1990%'").trim(), '0');
  expectError(assert, await api('GET', '/guide/unanswered', 'clerk1'), 403, 'forbidden');
  expectError(assert, await api('GET', '/guide/unanswered'), 401, 'unauthenticated');
});

test('bad questions are named', async () => {
  expectError(assert, await api('POST', '/guide/ask', null, {}), 422, 'invalid', 'q');
  expectError(assert, await api('POST', '/guide/ask', null, { q: '   ' }), 422, 'invalid', 'q');
  expectError(assert, await api('POST', '/guide/ask', null, { q: '饭'.repeat(100) }), 422, 'invalid', 'q');
  expectError(assert, await api('POST', '/guide/ask', null, { q: '饭店', channel: 'fax' }), 422, 'invalid', 'channel');
  expectError(assert, await api('POST', '/guide/ask', null, { q: '饭店', extra: 1 }), 422, 'invalid', 'extra');
  expectError(assert, await api('POST', '/guide/ask', null, { q: 5 }), 422, 'invalid', 'q');
});

test('the synonym table: the admin replaces it all or nothing, and the guide uses it at once', async () => {
  const before = (await api('GET', '/guide/synonyms', 'supervisor1')).json.synonyms;
  assert.ok(before.length >= 50);
  const bad = [
    [{ phrase: '撸串', terms: '' }], [{ phrase: '撸 串', terms: '小型餐饮' }], [{ phrase: 'KTV', terms: '娱乐场所' }],
  ];
  for (const extra of bad) {
    const r = await api('PUT', '/guide/synonyms', 'admin', { synonyms: [...before, ...extra] });
    const field = extra[0].terms ? `synonyms[${before.length}].phrase` : `synonyms[${before.length}].terms`;
    expectError(assert, r, 422, 'invalid', field);
  }
  expectError(assert, await api('PUT', '/guide/synonyms', 'admin', { synonyms: [...before, before[3]] }), 422, 'invalid', `synonyms[${before.length}].phrase`);
  expectError(assert, await api('PUT', '/guide/synonyms', 'admin', { synonyms: [{ phrase: '撸串' }] }), 422, 'invalid', 'synonyms[0].terms');
  expectError(assert, await api('PUT', '/guide/synonyms', 'supervisor1', { synonyms: before }), 403, 'forbidden');
  // nothing kept of the refused tables
  assert.deepEqual((await api('GET', '/guide/synonyms', 'admin')).json.synonyms, before);
  const q = '撸串要办什么证';
  const without = await ask(q);
  assert.ok(!without.answered || without.answers[0].name !== '小型餐饮登记');
  const r = await api('PUT', '/guide/synonyms', 'admin', { synonyms: [...before, { phrase: '撸串', terms: '小型餐饮登记' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.synonyms, before.length + 1);
  const withIt = await ask(q);
  assert.equal(withIt.answers[0].name, '小型餐饮登记', JSON.stringify(withIt.answers.map((a) => a.name)));
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'guide.synonyms'").trim(), '1');
});

test('the index follows the catalog: a retired item is no longer an answer', async () => {
  const marriage = (await ask('我们要结婚去哪里登记')).answers[0];
  assert.equal(marriage.name, '婚姻登记');
  let r = await api('POST', `/items/${marriage.code}/actions/retire`, 'admin');
  assert.equal(r.status, 200, r.text);
  assert.ok(!(await ask('我们要结婚去哪里登记')).answers.some((a) => a.code === marriage.code));
  r = await api('POST', `/items/${marriage.code}/actions/restore`, 'admin');
  assert.equal(r.status, 200, r.text);
  assert.equal((await ask('我们要结婚去哪里登记')).answers[0].code, marriage.code);
});
