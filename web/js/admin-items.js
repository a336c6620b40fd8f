// The administrator's catalog editor: find, create, edit, retire and restore items.
// Fields this form does not show (form fields, review steps, delivery) are kept as loaded.
import { api } from './api.js';
import { $, el, header, showError, TYPES, LEVELS, CASE_TYPES, DEPTHS, UNITS } from './common.js';

let current = null; // the loaded item, or null when creating

function options(sel, map) {
  sel.replaceChildren(...Object.entries(map).map(([k, v]) => el('option', { value: k }, v)));
}

function materialRow(m = { id: '', name: '', required: true }) {
  return el('tr', {},
    el('td', {}, el('input', { class: 'm-id', value: m.id, 'aria-label': '材料编号' })),
    el('td', {}, el('input', { class: 'm-name', value: m.name, 'aria-label': '材料名称' })),
    el('td', {}, el('input', { class: 'm-required', type: 'checkbox', checked: m.required, 'aria-label': '必要' })),
    el('td', {}, el('input', { class: 'm-note', value: m.condition || m.note || '', 'aria-label': '说明' })),
    el('td', { class: 'row-actions' }, el('button', { type: 'button', class: 'secondary', onclick: (ev) => ev.target.closest('tr').remove() }, '删除')));
}

function feeRow(f = { name: '', amount: 0, waived: false }) {
  return el('tr', {},
    el('td', {}, el('input', { class: 'f-name', value: f.name, 'aria-label': '收费项目' })),
    el('td', {}, el('input', { class: 'f-amount', type: 'number', min: '0', step: '0.01', value: String(f.amount), 'aria-label': '金额' })),
    el('td', {}, el('input', { class: 'f-waived', type: 'checkbox', checked: f.waived, 'aria-label': '免收' })),
    el('td', { class: 'row-actions' }, el('button', { type: 'button', class: 'secondary', onclick: (ev) => ev.target.closest('tr').remove() }, '删除')));
}

const v = (id) => $('#f-' + id).value.trim();
const n = (id) => Number($('#f-' + id).value || 0);

function fill(it) {
  current = it;
  const ap = (it && it.approval) || {};
  const set = (id, value) => { $('#f-' + id).value = value ?? ''; };
  set('code', it?.code); set('basic_code', it?.basic_code); set('name', it?.name);
  set('department', it?.department || $('#f-department').options[0]?.value);
  set('level', it?.level || 'district'); set('type', it?.type || 'license');
  set('case_type', it?.case_type || 'promised');
  set('legal', it?.legal_limit.value ?? 20); set('legal_unit', it?.legal_limit.unit || 'workday');
  set('promised', it?.promised_limit.value ?? 5); set('promised_unit', it?.promised_limit.unit || 'workday');
  set('visits', it?.visits ?? 0); set('online_depth', String(it?.online_depth ?? 4));
  set('levels_before', ap.levels_before ?? 0); set('levels', ap.levels ?? 0);
  set('signatures_before', ap.signatures_before ?? 0); set('signatures', ap.signatures ?? 0);
  for (const k of ['keywords', 'where', 'when', 'phone', 'conditions', 'legal_basis']) set(k, it?.[k]);
  const places = new Set(it?.offices || []);
  for (const c of document.querySelectorAll('#f-offices input')) c.checked = places.has(c.value);
  $('#f-code').readOnly = Boolean(it);
  $('#materials tbody').replaceChildren(...((it?.materials) || [{ id: 'm1', name: '申请表', required: true }]).map(materialRow));
  $('#fees tbody').replaceChildren(...((it?.fees) || []).map(feeRow));
  $('#form-title').textContent = it ? `编辑：${it.name}` : '新建事项';
  $('#retire').classList.toggle('hidden', !it || it.status === 'retired');
  $('#restore').classList.toggle('hidden', !it || it.status !== 'retired');
  $('#view').classList.toggle('hidden', !it);
  if (it) $('#view').href = '/item.html?code=' + encodeURIComponent(it.code);
  clearMessages();
}

function clearMessages() {
  $('#error').classList.add('hidden');
  $('#saved').classList.add('hidden');
  for (const e of document.querySelectorAll('.invalid')) e.classList.remove('invalid');
}

function collect() {
  const doc = { ...(current || {}) };
  delete doc.status;
  delete doc.department_name;
  Object.assign(doc, {
    code: v('code'), basic_code: v('basic_code'), name: v('name'), department: v('department'),
    level: v('level'), type: v('type'), case_type: v('case_type'),
    legal_limit: { value: n('legal'), unit: v('legal_unit') },
    promised_limit: { value: n('promised'), unit: v('promised_unit') },
    visits: n('visits'), online_depth: n('online_depth'),
    approval: { levels_before: n('levels_before'), levels: n('levels'), signatures_before: n('signatures_before'), signatures: n('signatures') },
  });
  for (const k of ['keywords', 'where', 'when', 'phone', 'conditions', 'legal_basis']) {
    if (v(k)) doc[k] = v(k); else delete doc[k];
  }
  const places = [...document.querySelectorAll('#f-offices input:checked')].map((c) => c.value);
  if (places.length) doc.offices = places; else delete doc.offices;
  doc.materials = [...document.querySelectorAll('#materials tbody tr')].map((tr) => {
    const m = { id: tr.querySelector('.m-id').value.trim(), name: tr.querySelector('.m-name').value.trim(), required: tr.querySelector('.m-required').checked };
    const note = tr.querySelector('.m-note').value.trim();
    if (note) m.note = note;
    return m;
  });
  doc.fees = [...document.querySelectorAll('#fees tbody tr')].map((tr) => ({
    name: tr.querySelector('.f-name').value.trim(), amount: Number(tr.querySelector('.f-amount').value || 0), waived: tr.querySelector('.f-waived').checked,
  }));
  doc.fee_free = doc.fees.every((f) => f.waived || f.amount === 0);
  return doc;
}

function markInvalid(field) {
  if (!field) return;
  const exact = document.querySelector(`[data-field="${CSS.escape(field)}"]`);
  const base = document.querySelector(`[data-field="${CSS.escape(field.split(/[.[]/)[0])}"]`);
  const m = field.match(/^(materials|fees)\[(\d+)\]/);
  const row = m && document.querySelectorAll(`#${m[1]} tbody tr`)[Number(m[2])];
  const target = exact || (row && row.querySelector('input')) || base;
  if (target) { target.classList.add('invalid'); target.focus(); }
}

async function loadList() {
  const q = $('#q').value.trim();
  const params = new URLSearchParams({ limit: '200', status: 'all' });
  if (q) params.set('q', q);
  const r = await api('GET', '/items?' + params);
  $('#count').textContent = `共 ${r.total} 个事项${r.total > 200 ? '（显示前 200 个，请搜索）' : ''}`;
  $('#list').replaceChildren(...r.items.map((it) => el('a', {
    href: '#', 'data-code': it.code, class: current && current.code === it.code ? 'active' : null,
    onclick: async (ev) => { ev.preventDefault(); await open(it.code); },
  }, it.name, it.status === 'retired' ? el('span', { class: 'badge retired' }, '已停用') : null)));
}

async function open(code) {
  fill(await api('GET', '/items/' + encodeURIComponent(code)));
  for (const a of document.querySelectorAll('#list a')) a.classList.toggle('active', a.dataset.code === code);
}

async function save(ev) {
  ev.preventDefault();
  clearMessages();
  const doc = collect();
  $('#save').disabled = true;
  try {
    const saved = current
      ? await api('PUT', '/items/' + encodeURIComponent(current.code), doc)
      : await api('POST', '/items', doc);
    fill(saved);
    $('#saved').textContent = '已保存';
    $('#saved').classList.remove('hidden');
    await loadList();
  } catch (e) {
    showError($('#error'), e);
    markInvalid(e.field);
  } finally { $('#save').disabled = false; }
}

async function setStatus(action) {
  clearMessages();
  try {
    fill(await api('POST', `/items/${encodeURIComponent(current.code)}/actions/${action}`));
    $('#saved').textContent = action === 'retire' ? '已停止办理' : '已恢复办理';
    $('#saved').classList.remove('hidden');
    await loadList();
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  const user = await header('admin');
  if (!user || user.role !== 'admin') { $('#denied').classList.remove('hidden'); return; }
  $('#admin').classList.remove('hidden');
  const d = await api('GET', '/departments');
  $('#f-department').replaceChildren(...d.departments.map((x) => el('option', { value: x.code }, x.name)));
  const o = await api('GET', '/offices');
  $('#f-offices').replaceChildren(...o.offices.map((x) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', value: x.code }), ' ' + x.name)));
  options($('#f-level'), LEVELS);
  options($('#f-type'), TYPES);
  options($('#f-case_type'), CASE_TYPES);
  options($('#f-legal_unit'), UNITS);
  options($('#f-promised_unit'), UNITS);
  options($('#f-online_depth'), DEPTHS);
  $('#item-form').addEventListener('submit', save);
  $('#search-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadList(); });
  $('#new-item').addEventListener('click', () => { fill(null); $('#f-code').focus(); });
  $('#add-material').addEventListener('click', () => $('#materials tbody').append(materialRow({ id: 'm' + (document.querySelectorAll('#materials tbody tr').length + 1), name: '', required: true })));
  $('#add-fee').addEventListener('click', () => $('#fees tbody').append(feeRow()));
  $('#retire').addEventListener('click', () => setStatus('retire'));
  $('#restore').addEventListener('click', () => setStatus('restore'));
  fill(null);
  await loadList();
}

main();
