// 全能岗 through the HTTP API, on both backends: a bank of at least 500 questions made from the
// catalog, each answer checked here against the item it comes from; a quiz draws distinct
// questions of one category and hides the answers; answered once, graded exactly; a pass
// opens the category's windows at sign-in and its lack closes them; records and scope.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });

before(async () => { s = await startServer(); });
after(async () => { await s.stop(); });

const limitText = (l) => (!l.value ? '即办' : `${l.value}个工作${l.unit === 'workhour' ? '小时' : '日'}`);

test('the bank holds 500 questions or more, and each answer is the item\'s own', async () => {
  const bank = (await api('GET', '/training/questions?limit=2000', 'supervisor1')).json.questions;
  assert.ok(bank.length >= 500, `${bank.length} questions`);
  const items = {};
  let checked = 0;
  for (const q of bank) {
    const it = items[q.item] ||= (await api('GET', `/items/${q.item}`)).json;
    const n = Number(q.id.split('-').pop());
    const pick = (letter) => q.options[letter.charCodeAt(0) - 65];
    const mats = it.materials.map((m) => m.name);
    if (n === 1) assert.equal(pick(q.answer), limitText(it.legal_limit), q.id);
    if (n === 2) assert.equal(pick(q.answer), limitText(it.promised_limit), q.id);
    if (n === 3 || n === 4) assert.equal(mats.includes(q.text.match(/提交「(.+)」。$/)[1]), q.answer === 'T', q.id);
    if (n === 6) assert.equal(it.fee_free !== false, q.answer === 'T', q.id);
    if (n === 7) for (const [i, o] of q.options.entries()) assert.equal(mats.includes(o), q.answer.split(',').includes(String.fromCharCode(65 + i)), `${q.id} ${o}`);
    if (n === 8) assert.equal(q.answer, String.fromCharCode(64 + it.online_depth), q.id);
    checked++;
  }
  assert.equal(checked, bank.length);
  const cats = (await api('GET', '/training/categories', 'clerk1')).json.categories;
  assert.equal(cats.reduce((a, c) => a + c.questions, 0), bank.length);
});

test('a quiz: distinct questions of its category, no answers shown, graded once exactly', async () => {
  let r = await api('POST', '/training/quizzes', 'clerk1', { category: 'C' });
  assert.equal(r.status, 201, r.text);
  const quiz = r.json;
  assert.equal(quiz.questions.length, 20);
  assert.equal(new Set(quiz.questions.map((q) => q.id)).size, 20);
  assert.ok(quiz.questions.every((q) => q.id.startsWith('C-') && !('answer' in q)));
  const answers = {};
  for (const q of quiz.questions) {
    const a = sql(s.db, `SELECT answer FROM train_questions WHERE id = '${q.id}'`).trim();
    answers[q.id] = a.includes(',') ? a.split(',').reverse() : a; // order does not matter
  }
  // two wrong: 18 of 20 right = 90%
  const [w1, w2] = quiz.questions.slice(0, 2).map((q) => q.id);
  answers[w1] = answers[w1] === 'T' ? 'F' : 'T';
  delete answers[w2];
  expectError(assert, await api('POST', `/training/quizzes/${quiz.id}/answers`, 'clerk1', { answers: { [w1]: 5 } }), 422, 'invalid', 'answers');
  expectError(assert, await api('POST', `/training/quizzes/${quiz.id}/answers`, 'clerk-1', { answers }), 404, 'not_found');
  r = await api('POST', `/training/quizzes/${quiz.id}/answers`, 'clerk1', { answers });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.right, r.json.total, r.json.score, r.json.passed], [18, 20, 90, true]);
  assert.equal(r.json.questions.find((q) => q.id === w1).right, false);
  expectError(assert, await api('POST', `/training/quizzes/${quiz.id}/answers`, 'clerk1', { answers }), 409, 'conflict');
  expectError(assert, await api('POST', '/training/quizzes', 'clerk1', { category: 'Z' }), 404, 'not_found', 'category');
  expectError(assert, await api('POST', '/training/quizzes', 'bank-1', { category: 'C' }), 403, 'forbidden');
  const rec = (await api('GET', '/training/record', 'clerk1')).json;
  assert.ok(rec.passes.some((p) => p.category === 'C' && p.score >= 90));
  expectError(assert, await api('GET', '/training/record?username=clerk1', 'clerk-1'), 404, 'not_found');
  assert.equal((await api('GET', '/training/record?username=clerk1', 'supervisor1')).status, 200);
  assert.equal((await api('GET', '/training/questions', 'clerk1')).status, 403);
});

test('the hall\'s sign-in honours the passes', async () => {
  // clerk-1 staffs window 1 (category A): its pass removed, the window is closed to it
  const cat = JSON.parse(sql(s.db, 'SELECT categories FROM hall_windows WHERE no = 1').trim())[0];
  sql(s.db, `DELETE FROM train_passes WHERE username = 'clerk-1'`);
  let r = await api('POST', '/windows/1/actions/sign_in', 'clerk-1');
  expectError(assert, r, 403, 'forbidden', 'no');
  assert.match(r.json.error.message, new RegExp(`category ${cat}`));
  // a quiz of the category passed: the window opens
  const quiz = (await api('POST', '/training/quizzes', 'clerk-1', { category: cat })).json;
  const answers = {};
  for (const q of quiz.questions) {
    const a = sql(s.db, `SELECT answer FROM train_questions WHERE id = '${q.id}'`).trim();
    answers[q.id] = a.includes(',') ? a.split(',') : a;
  }
  assert.equal((await api('POST', `/training/quizzes/${quiz.id}/answers`, 'clerk-1', { answers })).json.score, 100);
  r = await api('POST', '/windows/1/actions/sign_in', 'clerk-1');
  assert.equal(r.status, 200, r.text);
});
