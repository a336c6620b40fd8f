// 全能岗培训: a clerk's categories with its passes, a quiz drawn at random and answered, the
// result with each answer's basis; supervisors look up any clerk's record.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';

const KIND = { single: '单选', multi: '多选', truefalse: '判断' };
let quiz = null;
let user = null;
const when = (ms) => (ms ? new Date(ms + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ') : '');

async function categories() {
  const c = await api('GET', '/training/categories');
  $('#categories tbody').replaceChildren(...c.categories.map((x) => el('tr', { 'data-category': x.code },
    el('td', {}, `${x.code} ${x.name}`), el('td', {}, String(x.questions)),
    el('td', {}, !x.passed ? '未取得' : `${x.passed_score} 分（已取得资格）`),
    el('td', {}, x.questions ? el('button', { class: 'start', onclick: () => start(x) }, '开始测试') : ''))));
}

function questionEl(q, i) {
  const name = `q-${q.id}`;
  const opts = q.kind === 'truefalse' ? [['T', '正确'], ['F', '错误']] : q.options.map((o, k) => [String.fromCharCode(65 + k), `${String.fromCharCode(65 + k)}. ${o}`]);
  return el('fieldset', { 'data-id': q.id, 'data-kind': q.kind }, el('legend', {}, `${i + 1}.（${KIND[q.kind]}）${q.text}`),
    ...opts.map(([v, t]) => el('label', { class: 'check' }, el('input', { type: q.kind === 'multi' ? 'checkbox' : 'radio', name, value: v }), t)));
}

async function start(cat) {
  try {
    quiz = await api('POST', '/training/quizzes', { category: cat.code });
    $('#error').classList.add('hidden');
    $('#quiz-title').textContent = `${cat.code} ${cat.name}：共 ${quiz.questions.length} 题，${quiz.pass_percent} 分合格`;
    $('#quiz-form').replaceChildren(...quiz.questions.map(questionEl));
    $('#quiz-card').classList.remove('hidden');
    $('#result-card').classList.add('hidden');
    $('#quiz-card').scrollIntoView();
  } catch (x) {
    showError($('#error'), x);
  }
}

async function submit(e) {
  e.preventDefault();
  const answers = {};
  for (const f of document.querySelectorAll('#quiz-form fieldset')) {
    const picked = [...f.querySelectorAll('input:checked')].map((i) => i.value);
    if (!picked.length) continue;
    answers[f.dataset.id] = f.dataset.kind === 'multi' ? picked : picked[0];
  }
  try {
    const r = await api('POST', `/training/quizzes/${quiz.id}/answers`, { answers });
    $('#quiz-card').classList.add('hidden');
    $('#result-title').textContent = `得分 ${r.score}（答对 ${r.right}/${r.total}）：${r.passed ? '合格，已取得该类别上岗资格' : '不合格，请复习后重新测试'}`;
    $('#result tbody').replaceChildren(...r.questions.map((q, i) => el('tr', { class: q.right ? '' : 'wrong' },
      el('td', {}, String(i + 1)), el('td', {}, q.right ? '✓' : '✗'), el('td', {}, q.given || '未答'), el('td', {}, q.answer),
      el('td', {}, el('a', { href: `/item.html?code=${q.item}` }, q.basis)))));
    $('#result-card').classList.remove('hidden');
    $('#result-card').scrollIntoView();
    await categories();
    if (!$('#record-card').classList.contains('hidden')) await record(user.username);
  } catch (x) {
    showFormError(x, $('#quiz-submit'));
  }
}

async function record(username) {
  try {
    const r = await api('GET', `/training/record?username=${encodeURIComponent(username)}`);
    $('#error').classList.add('hidden');
    $('#record tbody').replaceChildren(...r.passes.map((p) => el('tr', {}, el('td', {}, p.category), el('td', {}, String(p.score)), el('td', {}, when(p.passed_ms)))));
    $('#attempts tbody').replaceChildren(...r.quizzes.map((q) => el('tr', {}, el('td', {}, q.id.slice(0, 8)), el('td', {}, q.category),
      el('td', {}, q.score == null ? '' : String(q.score)), el('td', {}, q.finished_ms ? (q.passed ? '合格' : '不合格') : '未交卷'), el('td', {}, when(q.drawn_ms)))));
  } catch (x) {
    showError($('#error'), x);
  }
}

async function main() {
  user = await page('training', { roles: ['clerk', 'approver', 'supervisor', 'admin'], need: '全能岗培训供大厅工作人员使用。' });
  if (!user) return;
  $('#quiz-form').addEventListener('submit', submit);
  $('#quiz-submit').addEventListener('click', submit);
  $('#record-card').classList.remove('hidden');
  $('#record-user').value = user.username;
  if (!['supervisor', 'admin'].includes(user.role)) $('#record-form').classList.add('hidden');
  $('#record-form').addEventListener('submit', (e) => { e.preventDefault(); record($('#record-user').value.trim()); });
  await categories();
  await record(user.username);
}

main().catch((e) => showError($('#error'), e));
