// 监督查评: a social supervisor's (社会监督员) visit or a third-party assessor's round, scored on
// the seven dimensions (人员到位 … 服务礼仪); each finding becomes a rectification order for
// the department it names, like a bad review. Supervisors may enter one too.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';
import { DIMENSIONS } from './review-common.js';

let departments = [];

function addFinding() {
  $('#findings tbody').append(el('tr', {},
    el('td', {}, el('select', { name: 'f-department' }, departments.map((d) => el('option', { value: d.code }, d.name)))),
    el('td', {}, el('input', { name: 'f-text', maxlength: 500, class: 'wide' })),
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: (e) => e.target.closest('tr').remove() }, '删除'))));
}

async function loadVisits() {
  const r = await api('GET', '/review-visits?limit=50');
  $('#visits tbody').replaceChildren(...r.visits.map((v) => el('tr', {},
    el('td', {}, (v.visited_at || v.created_at || '').slice(0, 10)),
    el('td', {}, v.kind === 'assessor' ? `第三方评估 ${v.round || ''}` : '社会监督员'),
    el('td', {}, Object.entries(v.scores).map(([k, n]) => `${DIMENSIONS[k] || k} ${n}`).join('，')),
    el('td', {}, (v.findings || []).map((f) => f.text).join('；') || '—'))));
}

async function main() {
  const user = await page('visit', { roles: ['monitor', 'assessor', 'supervisor'], need: '监督查评由社会监督员、第三方评估机构和效能监察人员填写：请使用相应账号登录。' });
  if (!user) return;
  const assessor = user.role === 'assessor';
  $('#title').textContent = assessor ? '第三方评估' : user.role === 'monitor' ? '社会监督员查评' : '监督查评';
  $('#intro').textContent = assessor ? '按轮次记录暗访评估结果。' : '记录明察暗访的所见所闻。';
  $('#round-box').classList.toggle('hidden', !assessor);
  $('#visited_on').value = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  departments = (await api('GET', '/departments')).departments;
  $('#scores').append(...Object.entries(DIMENSIONS).map(([k, name]) => el('label', {}, name,
    el('input', { type: 'number', name: `s-${k}`, 'data-code': k, min: 0, max: 100, value: 90 }))));
  $('#add').addEventListener('click', addFinding);
  $('#form').classList.remove('hidden');
  $('#form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = $('#submit');
    b.disabled = true;
    const scores = {};
    for (const i of document.querySelectorAll('#scores input')) scores[i.dataset.code] = Number(i.value);
    const findings = [...document.querySelectorAll('#findings tbody tr')].map((tr) => ({
      department: tr.querySelector('[name="f-department"]').value, text: tr.querySelector('[name="f-text"]').value.trim(),
    })).filter((f) => f.text);
    const body = { scores, findings, visited_on: $('#visited_on').value };
    if (assessor && $('#round').value.trim()) body.round = $('#round').value.trim();
    if ($('#window').value) body.window = Number($('#window').value);
    try {
      const r = await api('POST', '/review-visits', body);
      $('#done').textContent = `已提交${r.orders.length ? `，生成整改工单 ${r.orders.length} 张` : ''}。`;
      $('#done').classList.remove('hidden');
      $('#findings tbody').replaceChildren();
      b.disabled = false;
      await loadVisits();
    } catch (e) { showFormError(e, b); }
  });
  await loadVisits().catch((e) => showError($('#error'), e));
}

main();
