// 政府采购合同: a budget unit records its award notices and signs its contracts within the
// limit (a late one with its reason); the finance department files them; lights as a case's.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';
import { departmentNames } from './spotcheck-common.js';

const STATES = { awarded: '待签订', signed: '已签订待备案', filed: '已备案', cancelled: '已撤销' };
const ACTIONS = { sign: '签订', explain: '说明原因', file: '备案', advance: '预付款', cancel: '撤销' };
const LIGHTS = { green: '正常', yellow: '临近期限', red: '逾期' };
const FINANCE = 'czjr';

let user = null;
let current = null;
let names = {};
const yuan = (fen) => (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

function actionsFor(c) {
  const unit = user.role === 'admin' || (user.role === 'approver' && user.department === c.unit);
  const finance = user.role === 'admin' || (user.role === 'approver' && user.department === FINANCE);
  const acts = [];
  if (unit && c.state === 'awarded') acts.push('sign', 'explain', 'cancel');
  if (finance && c.state === 'signed') acts.push('file');
  if (unit && ['signed', 'filed'].includes(c.state) && !c.advance_on) acts.push('advance');
  return acts.map((a) => el('button', { class: `act-${a}`, onclick: () => openAct(c, a) }, ACTIONS[a]));
}

async function figures() {
  const f = await api('GET', '/procurement/figures');
  const items = [['待签订', f.by_state.awarded], ['待备案', f.by_state.signed], ['已备案', f.by_state.filed],
    ['逾期未办', f.open_late], ['逾期签订', f.signed_late], ['平均签订用时（天）', f.days_to_sign]];
  $('#figures').replaceChildren(...items.map(([k, v]) => el('div', { class: 'figure' }, el('b', {}, String(v)), el('span', {}, k))));
}

async function load() {
  const l = await api('GET', `/procurement/contracts?limit=500${$('#late-only').checked ? '&late=1' : ''}`);
  $('#contracts tbody').replaceChildren(...l.contracts.map((c) => el('tr', { 'data-id': c.id },
    el('td', {}, c.id), el('td', {}, c.project, el('div', { class: 'muted' }, `${c.project_no} · ${c.method}`)), el('td', {}, names[c.unit] || c.unit),
    el('td', {}, c.supplier, c.sme ? el('span', { class: 'badge' }, '中小企业') : ''),
    el('td', {}, yuan(c.amount_fen), c.advance_fen ? el('div', { class: 'muted' }, `预付 ${c.advance_percent}%`) : ''),
    el('td', { title: c.deposit_basis }, c.deposit_waived ? '免收' : yuan(c.deposit_fen)),
    el('td', {}, c.awarded_on), el('td', {}, c.sign_by || ''), el('td', {}, c.signed_on || ''),
    el('td', {}, c.file_by || ''), el('td', {}, c.filed_on || ''),
    el('td', {}, STATES[c.state] || c.state, c.light ? el('span', { class: `light ${c.light}`, title: LIGHTS[c.light] }, LIGHTS[c.light]) : '',
      c.delay_reason ? el('div', { class: 'muted reason' }, `原因：${c.delay_reason}`) : ''),
    el('td', {}, ...actionsFor(c)))));
}

function openAct(c, action) {
  current = { c, action };
  $('#act-title').textContent = `${ACTIONS[action]}：${c.id} ${c.project}`;
  for (const l of document.querySelectorAll('#act-form [data-for]')) l.classList.toggle('hidden', !l.dataset.for.split(' ').includes(action));
  $('#act-on').value = today();
  $('#act-reason').value = '';
  $('#act-card').classList.remove('hidden');
  $('#act-card').scrollIntoView();
}

async function saveAct(e) {
  e.preventDefault();
  const { c, action } = current;
  const reason = $('#act-reason').value.trim();
  const body = ['explain', 'cancel'].includes(action) ? { reason }
    : action === 'advance' ? { on: $('#act-on').value, percent: Number($('#act-percent').value) }
      : { on: $('#act-on').value, ...(reason ? { reason } : {}) };
  try {
    await api('POST', `/procurement/contracts/${encodeURIComponent(c.id)}/actions/${action}`, body);
    $('#act-card').classList.add('hidden');
    await refresh();
  } catch (x) {
    showFormError(x, $('#act-save'));
  }
}

async function depositHint() {
  const code = $('#supplier-code').value.trim();
  if (code.length !== 18) { $('#deposit-hint').textContent = ''; return; }
  try {
    const d = await api('GET', `/procurement/deposit?credit_code=${encodeURIComponent(code)}`);
    $('#deposit-hint').textContent = `投标保证金：${d.basis}`;
  } catch (x) {
    $('#deposit-hint').textContent = x.message;
  }
}

async function create(e) {
  e.preventDefault();
  const f = new FormData($('#new-form'));
  const body = { project: f.get('project'), project_no: f.get('project_no'), method: f.get('method'), supplier_code: f.get('supplier_code'),
    supplier: f.get('supplier'), sme: $('#sme').checked, amount: Number(f.get('amount')), awarded_on: f.get('awarded_on') };
  if (f.get('deposit')) body.deposit = Number(f.get('deposit'));
  try {
    await api('POST', '/procurement/contracts', body);
    $('#new-form').reset();
    $('#awarded-on').value = today();
    await refresh();
  } catch (x) {
    showFormError(x, $('#new-save'));
  }
}

async function refresh() {
  $('#error').classList.add('hidden');
  await figures();
  await load();
}

async function main() {
  user = await page('procurement', { roles: ['clerk', 'approver', 'supervisor', 'admin'], need: '政府采购合同由预算单位和财政部门使用。' });
  if (!user) return;
  names = await departmentNames();
  if (user.role === 'approver' || user.role === 'admin') $('#new-card').classList.remove('hidden');
  $('#awarded-on').value = today();
  $('#new-form').addEventListener('submit', create);
  $('#supplier-code').addEventListener('change', depositHint);
  $('#late-only').addEventListener('change', load);
  $('#act-form').addEventListener('submit', saveAct);
  $('#act-close').addEventListener('click', () => $('#act-card').classList.add('hidden'));
  await refresh();
}

main().catch((e) => showError($('#error'), e));
