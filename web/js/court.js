// 分调裁审: the court's figures and rules; the filings in the reader's scope; the registry's
// actions (调解成功, 调解不成转立案, 改派, 结案); the element form a party fills before the hearing.
import { api } from './api.js';
import { $, el, header, showError, showFormError } from './common.js';

const STATES = { mediating: '诉前调解中', settled: '调解成功', filed: '已立案', closed: '已结案' };
const ACTIONS = { settle: '调解成功', fail: '调解不成转立案', reassign: '改派', close: '结案' };
const yuan = (fen) => (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

let user = null;
let rules = null;
let current = null;
let grid = {};

async function figures() {
  const f = await api('GET', '/court/figures');
  const items = [['收案', f.received], ['诉前调解', f.mediated], ['调解成功', f.settled], ['立案', f.filed],
    ['速裁（简案）占比', `${f.fast_track_percent}%`], ['小额诉讼', f.small_claims], ['审结商事案件', f.closed_business], ['商事标的（元）', yuan(f.closed_business_fen)]];
  $('#figures').replaceChildren(...items.map(([k, v]) => el('div', { class: 'figure' }, el('b', {}, String(v)), el('span', {}, k))));
}

const registry = () => user && (user.role === 'admin' || (user.role === 'approver' && user.department === 'fy'));

function actionsFor(c) {
  const acts = [];
  if (registry() && c.state === 'mediating') acts.push('settle', 'fail');
  if (registry() && c.state === 'filed') acts.push('reassign', 'close');
  const buttons = acts.map((a) => el('button', { class: `act-${a}`, onclick: () => openAct(c, a) }, ACTIONS[a]));
  const type = rules.types.find((t) => t.name === c.dispute_type);
  if (c.state === 'filed' && type && type.elements.length && (registry() || user.role === 'applicant')) {
    buttons.push(el('button', { class: 'elements', onclick: () => openElements(c, type) }, '要素表'));
  }
  return buttons;
}

async function load() {
  if (!user) return;
  const st = $('#state-filter').value;
  const l = await api('GET', `/court/cases?limit=500${st ? `&state=${st}` : ''}`);
  $('#cases tbody').replaceChildren(...l.cases.map((c) => el('tr', { 'data-no': c.no },
    el('td', {}, c.no), el('td', {}, c.dispute_type, c.commercial ? el('span', { class: 'badge' }, '商事') : ''),
    el('td', {}, yuan(c.amount_fen)), el('td', {}, grid[c.grid_court] || c.grid_court),
    el('td', {}, STATES[c.state] || c.state),
    el('td', { title: c.track_basis || '' }, c.track ? (c.track === 'simple' ? (c.small_claims ? '简案·小额诉讼' : '简案') : '繁案') : ''),
    el('td', {}, c.team ? `${c.team} ${c.judge}` : '', c.assign_note ? el('div', { class: 'muted' }, `改派：${c.assign_note}`) : ''),
    el('td', {}, ...actionsFor(c)))));
}

function judges() {
  const t = rules.teams.find((x) => x.code === $('#act-team').value);
  $('#act-judge').replaceChildren(...(t ? t.judges : []).map((j) => el('option', {}, j)));
}

function openAct(c, action) {
  current = { c, action };
  $('#act-title').textContent = `${ACTIONS[action]}：${c.no}（${c.dispute_type}）`;
  for (const l of document.querySelectorAll('#act-form [data-for]')) l.classList.toggle('hidden', !l.dataset.for.split(' ').includes(action));
  $('#act-on').value = today();
  $('#act-amount').value = '';
  $('#act-reason').value = '';
  $('#act-card').classList.remove('hidden');
  $('#act-card').scrollIntoView();
}

async function saveAct(e) {
  e.preventDefault();
  const { c, action } = current;
  const body = action === 'reassign' ? { team: $('#act-team').value, judge: $('#act-judge').value, reason: $('#act-reason').value }
    : { on: $('#act-on').value, ...(action === 'fail' && $('#act-reason').value ? { reason: $('#act-reason').value } : {}),
      ...(action === 'settle' || action === 'close' ? { amount: Number($('#act-amount').value || 0) } : {}),
      ...(action === 'close' ? { outcome: $('#act-outcome').value } : {}) };
  try {
    await api('POST', `/court/cases/${c.no}/actions/${action}`, body);
    $('#act-card').classList.add('hidden');
    $('#error').classList.add('hidden');
    await figures();
    await load();
  } catch (x) {
    showFormError(x, $('#act-save'));
  }
}

function openElements(c, type) {
  current = { c, type };
  const mine = (c.elements || {})[user.role === 'applicant' ? 'plaintiff' : 'defendant'] || {};
  $('#elements-title').textContent = `要素表：${c.no}（${type.name}，${user.role === 'applicant' ? '原告' : '被告，由法院代录'}）`;
  $('#elements-form').replaceChildren(...type.elements.map((f) => el('label', {}, f.label,
    f.type === 'select' ? el('select', { name: f.name }, el('option', { value: '' }, '请选择'), ...f.options.map((o) => el('option', { selected: mine[f.name] === o ? '' : null }, o)))
      : el('input', { name: f.name, type: f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text', step: 'any', value: mine[f.name] ?? '' }))));
  $('#elements-card').classList.remove('hidden');
  $('#elements-card').scrollIntoView();
}

async function saveElements(e) {
  e.preventDefault();
  const fields = {};
  for (const i of document.querySelectorAll('#elements-form input, #elements-form select')) {
    if (i.value === '') continue;
    fields[i.name] = i.type === 'number' ? Number(i.value) : i.value;
  }
  try {
    await api('POST', `/court/cases/${current.c.no}/elements`, { party: user.role === 'applicant' ? 'plaintiff' : 'defendant', fields });
    $('#elements-card').classList.add('hidden');
    $('#error').classList.add('hidden');
    await load();
  } catch (x) {
    showFormError(x, $('#elements-save'));
  }
}

async function main() {
  user = await header('court');
  rules = await api('GET', '/court/rules');
  grid = Object.fromEntries(rules.grid_courts.map((g) => [g.code, g.name]));
  $('#rules').textContent = `繁简分流规则：案由属简案类型、标的额不超过${rules.simple_max_yuan}元且当事人不超过${rules.simple_max_parties}人的为简案，` +
    `其中标的额不超过${rules.small_claims_max_yuan}元的适用小额诉讼；${rules.grid_courts.length}个网格法庭覆盖${new Set(rules.grid_courts.flatMap((g) => g.communities)).size}个社区。`;
  $('#act-team').replaceChildren(...rules.teams.map((t) => el('option', { value: t.code }, t.name)));
  $('#act-team').addEventListener('change', judges);
  judges();
  if (user && user.role === 'applicant') $('#file-link').classList.remove('hidden');
  $('#state-filter').addEventListener('change', load);
  $('#act-form').addEventListener('submit', saveAct);
  $('#act-close').addEventListener('click', () => $('#act-card').classList.add('hidden'));
  $('#elements-save').addEventListener('click', saveElements);
  $('#elements-form').addEventListener('submit', saveElements);
  await figures();
  await load();
}

main().catch((e) => showError($('#error'), e));
