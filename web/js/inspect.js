// 双随机监管 (a regulator's seat): the rosters, the plans, a plan's commitment and draw with
// its witnesses, its tasks' results and their publication within the working-day limit.
import { api, apiRaw } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';
import { CLASSES, departmentNames, joinDepartments, PLAN_STATES, RESULTS, TASK_STATES } from './spotcheck-common.js';

const LIGHTS = { green: '正常', yellow: '临近期限', red: '已逾期' };
const err = (e) => showError($('#error'), e);

async function overview(n) {
  const [ents, plans, items] = await Promise.all([api('GET', '/inspection/entities?limit=1'), api('GET', '/inspection/plans'), api('GET', '/inspection/items')]);
  $('#by-class').textContent = '市场主体（存续）：' + (ents.by_class.map((c) => `${CLASSES[c.class] || c.class} ${c.n} 户`).join('，') || '暂无');
  $('#plans tbody').replaceChildren(...plans.plans.map((p) => el('tr', {},
    el('td', {}, el('a', { href: '/inspect.html?plan=' + encodeURIComponent(p.id) }, p.id)), el('td', {}, p.name),
    el('td', {}, joinDepartments(p.departments, n)), el('td', {}, PLAN_STATES[p.state] || p.state),
    el('td', {}, String(p.tasks)), el('td', {}, String(p.published)))));
  // the new plan's choices: departments with items, then their items
  const depts = [...new Set(items.items.map((i) => i.department))];
  $('#plan-departments').append(...depts.map((d) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'dept', value: d }), n[d] || d)));
  $('#plan-items').append(...items.items.map((i) => el('label', { class: 'check', 'data-department': i.department },
    el('input', { type: 'checkbox', name: 'item', value: i.code }), `${i.name}（${i.department_name}，${i.field}）`)));
}

async function importRoster(e) {
  e.preventDefault();
  const file = $('#roster-file').files[0];
  $('#roster-ok').classList.add('hidden');
  $('#bad-rows').classList.add('hidden');
  $('#error').classList.add('hidden');
  if (!file) return err({ message: '请选择 CSV 文件' });
  try {
    const r = await apiRaw('POST', `/inspection/rosters/${$('#roster-kind').value}`, await file.arrayBuffer(), 'text/csv');
    $('#roster-ok').textContent = `已导入 ${r.imported} 行：新增 ${r.created}，更新 ${r.updated}。`;
    $('#roster-ok').classList.remove('hidden');
  } catch (x) {
    err(x);
    if (x.rows) {
      $('#bad-rows tbody').replaceChildren(...x.rows.map((b) => el('tr', {}, el('td', {}, String(b.row)), el('td', {}, b.field), el('td', {}, b.message))));
      $('#bad-rows').classList.remove('hidden');
    }
  }
}

async function createPlan(e) {
  e.preventDefault();
  const f = new FormData($('#new-plan'));
  const list = (s) => s.split(/[,，、\s]+/).filter(Boolean);
  const body = {
    name: f.get('name'), departments: f.getAll('dept'), items: f.getAll('item'),
    industries: list(f.get('industries')), regions: list(f.get('regions')),
    ratios: { A: +f.get('A'), B: +f.get('B'), C: +f.get('C'), D: +f.get('D') }, team_size: +f.get('team_size'),
  };
  try {
    const p = await api('POST', '/inspection/plans', body);
    location.href = '/inspect.html?plan=' + encodeURIComponent(p.id);
  } catch (x) {
    showFormError(x, $('#create-plan'));
  }
}

function witnessRow() {
  return el('tr', {}, el('td', {}, el('input', { name: 'witness-name', placeholder: '如：人大代表 王某' })),
    el('td', {}, el('input', { name: 'witness-input', class: 'wide', placeholder: '如：上证指数 3371.92' })));
}

async function act(id, action, body) {
  try {
    await api('POST', `/inspection/plans/${encodeURIComponent(id)}/actions/${action}`, body);
    await detail(id, await departmentNames());
  } catch (x) {
    err(x);
  }
}

async function publish(task, id, n) {
  try {
    await api('POST', `/inspection/tasks/${encodeURIComponent(task)}/actions/publish`);
    await detail(id, n);
  } catch (x) {
    err(x);
  }
}

async function detail(id, n) {
  const p = await api('GET', `/inspection/plans/${encodeURIComponent(id)}`);
  $('#overview').classList.add('hidden');
  $('#detail').classList.remove('hidden');
  $('#detail-title').textContent = `${p.id} ${p.name}`;
  const r = p.ratios.split(',');
  const kv = [['状态', PLAN_STATES[p.state]], ['检查实施机关', joinDepartments(p.departments, n)], ['检查领域', p.fields.replaceAll(';', '、')],
    ['抽取比例', `A类 ${r[0]}‰　B类 ${r[1]}‰　C类 ${r[2]}‰　D类 ${r[3]}‰`], ['每个领域检查人员', `${p.team_size} 人`],
    ['行业', p.industries.join('、') || '全部'], ['区域', p.regions.join('、') || '全部'],
    ['市场主体名单摘要（SM3）', p.entities_hash || '（冻结后公布）'], ['检查人员名单摘要（SM3）', p.inspectors_hash || '（冻结后公布）'],
    ['密钥承诺值', p.commitment || '（冻结后公布）'], ['密钥', p.secret || '（抽签后公开）']];
  $('#detail-kv').replaceChildren(...kv.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
  $('#commit').classList.toggle('hidden', p.state !== 'draft');
  $('#cancel').classList.toggle('hidden', p.state !== 'draft' && p.state !== 'committed');
  $('#record-link').href = '/draw.html?plan=' + encodeURIComponent(p.id);
  $('#record-link').classList.toggle('hidden', !p.commitment);
  $('#draw-card').classList.toggle('hidden', p.state !== 'committed');
  if (p.state === 'committed' && !$('#witnesses tbody').children.length) $('#witnesses tbody').append(witnessRow(), witnessRow());
  if (p.state !== 'drawn') return;
  const t = await api('GET', `/inspection/tasks?plan=${encodeURIComponent(p.id)}&limit=500`);
  $('#tasks-card').classList.remove('hidden');
  $('#tasks tbody').replaceChildren(...t.tasks.map((x, i) => el('tr', { 'data-id': x.id },
    el('td', {}, String(i + 1)), el('td', {}, el('a', { href: '/entity.html?code=' + encodeURIComponent(x.credit_code) }, x.entity_name)),
    el('td', {}, x.class), el('td', {}, x.team.replaceAll(';', '、')), el('td', {}, TASK_STATES[x.state]),
    el('td', {}, x.inspected_on), el('td', {}, x.result_name || RESULTS[x.result] || ''),
    el('td', {}, x.publish_by ? [x.publish_by, x.light ? el('span', { class: `light ${x.light}`, title: LIGHTS[x.light] }, LIGHTS[x.light]) : ''] : ''),
    el('td', {}, x.state === 'inspected' ? el('button', { class: 'publish', onclick: () => publish(x.id, p.id, n) }, '公示') : ''))));
}

async function main() {
  const user = await page('inspect', { roles: ['approver', 'supervisor', 'admin'], need: '双随机监管由市场监管等执法部门使用。' });
  if (!user) return;
  const n = await departmentNames();
  const id = new URLSearchParams(location.search).get('plan');
  $('#roster').addEventListener('submit', importRoster);
  $('#new-plan').addEventListener('submit', createPlan);
  $('#commit').addEventListener('click', () => act(id, 'commit'));
  $('#cancel').addEventListener('click', () => act(id, 'cancel'));
  $('#add-witness').addEventListener('click', () => $('#witnesses tbody').append(witnessRow()));
  $('#draw').addEventListener('click', () => {
    const names = [...document.querySelectorAll('[name="witness-name"]')].map((i) => i.value.trim());
    const inputs = [...document.querySelectorAll('[name="witness-input"]')].map((i) => i.value.trim());
    const witnesses = names.map((name, i) => ({ name, input: inputs[i] })).filter((w) => w.name || w.input);
    act(id, 'draw', { witnesses });
  });
  try {
    if (id) await detail(id, n);
    else await overview(n);
  } catch (x) {
    err(x);
  }
}

main();
