// 检查任务 (an enforcement officer's): the team's tasks, and the result entered after the visit.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';
import { RESULTS, TASK_STATES } from './spotcheck-common.js';

let current = null;

async function load() {
  const t = await api('GET', '/inspection/tasks?mine=1&limit=500');
  $('#tasks tbody').replaceChildren(...t.tasks.map((x) => el('tr', { 'data-id': x.id },
    el('td', {}, x.id), el('td', {}, x.plan_name), el('td', {}, `${x.entity_name}（${x.credit_code}）`), el('td', {}, x.class),
    el('td', {}, x.team.replaceAll(';', '、')), el('td', {}, TASK_STATES[x.state]), el('td', {}, x.result_name || ''),
    el('td', {}, x.state === 'assigned' ? el('button', { class: 'enter', onclick: () => open(x) }, '录入结果') : ''))));
}

function open(task) {
  current = task;
  $('#result-title').textContent = `录入检查结果：${task.entity_name}`;
  $('#inspected-on').value = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  $('#result-card').classList.remove('hidden');
  $('#result-card').scrollIntoView();
}

async function save(e) {
  e.preventDefault();
  const f = new FormData($('#result-form'));
  const body = { inspected_on: f.get('inspected_on'), result: f.get('result'), findings: f.get('findings'), violations: f.getAll('violation') };
  try {
    await api('POST', `/inspection/tasks/${encodeURIComponent(current.id)}/actions/result`, body);
    $('#result-card').classList.add('hidden');
    $('#result-form').reset();
    await load();
  } catch (x) {
    showFormError(x, $('#save-result'));
  }
}

async function main() {
  const user = await page('inspections', { roles: ['clerk', 'approver', 'supervisor', 'admin'], need: '检查任务由执法检查人员使用。' });
  if (!user) return;
  $('#result-select').append(...Object.entries(RESULTS).map(([v, t]) => el('option', { value: v }, t)));
  const lists = await api('GET', '/inspection/items?department=' + encodeURIComponent(user.department || ''));
  $('#violations').append(...lists.minor.map((m) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'violation', value: m.code }), m.name)));
  $('#result-form').addEventListener('submit', save);
  $('#close-result').addEventListener('click', () => $('#result-card').classList.add('hidden'));
  await load();
}

main().catch((e) => showError($('#error'), e));
