// A draw's record, recomputed in the browser (draw-verify.js, written from docs/draw.md).
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { verifyRecord } from './draw-verify.js';
import { departmentNames, joinDepartments, PLAN_STATES } from './spotcheck-common.js';

const sm3 = globalThis.sm3;

function show(rec, n) {
  $('#plan-name').textContent = `${rec.plan.id || ''} ${rec.plan.name || '抽签记录'}`;
  const r = rec.plan.ratios || {};
  const kv = [['检查实施机关', joinDepartments(rec.plan.departments || [], n)], ['检查领域', (rec.plan.fields || []).join('、')],
    ['抽取比例', `A类 ${r.A}‰　B类 ${r.B}‰　C类 ${r.C}‰　D类 ${r.D}‰`], ['每个领域检查人员', `${rec.plan.team_size} 人`],
    ['状态', PLAN_STATES[rec.plan.state] || rec.plan.state || ''],
    ['市场主体名单', `${rec.entities.count ?? rec.entities.lines.length} 户，SM3 ${rec.entities.hash}`],
    ['检查人员名单', `${rec.inspectors.count ?? rec.inspectors.lines.length} 人，SM3 ${rec.inspectors.hash}`],
    ['密钥承诺值（抽签前公布）', rec.commitment], ['密钥（抽签后公开）', rec.secret || '（抽签后公开）'], ['种子', rec.seed || '']];
  $('#plan').replaceChildren(...kv.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
  if (rec.inputs) {
    $('#inputs tbody').replaceChildren(...rec.inputs.map((w) => el('tr', {}, el('td', {}, w.name || ''), el('td', {}, w.input ?? w))));
    $('#inputs-card').classList.remove('hidden');
  }
  if (rec.result) {
    $('#result tbody').replaceChildren(...rec.result.map((x, i) => el('tr', {}, el('td', {}, String(i + 1)),
      el('td', {}, el('a', { href: '/entity.html?code=' + encodeURIComponent(x.entity) }, x.entity)), el('td', {}, x.team.join('、')))));
    $('#result-card').classList.remove('hidden');
  }
}

function check(rec) {
  const v = verifyRecord(rec, sm3);
  $('#verdict-card').classList.remove('hidden');
  $('#verdict').textContent = v.verdict === 'match' ? '核验一致：抽签结果可由公开信息重新计算得出' : '核验不一致';
  $('#verdict').className = v.verdict === 'match' ? 'ok' : 'error';
  $('#why').textContent = v.verdict === 'match' ? `名单 ${v.entities} 户，抽中 ${v.selected} 户，种子 ${v.seed}` : v.why;
}

async function main() {
  await header('spotcheck');
  const n = await departmentNames();
  $('#file').addEventListener('change', async () => {
    try {
      const rec = JSON.parse(await $('#file').files[0].text());
      show(rec, n);
      check(rec);
    } catch (e) {
      showError($('#error'), e);
    }
  });
  const id = new URLSearchParams(location.search).get('plan');
  if (!id) return;
  const rec = await api('GET', `/inspection/plans/${encodeURIComponent(id)}/record`);
  show(rec, n);
  const a = $('#download');
  a.href = `/api/v1/inspection/plans/${encodeURIComponent(id)}/record`;
  a.download = `draw-${id}.json`;
  a.classList.remove('hidden');
  if (rec.secret) check(rec);
  else {
    $('#verdict-card').classList.remove('hidden');
    $('#verdict').textContent = '待抽签';
    $('#why').textContent = '名单摘要与密钥承诺值已公布；抽签后公开密钥与结果，即可核验。';
  }
}

main().catch((e) => showError($('#error'), e));
