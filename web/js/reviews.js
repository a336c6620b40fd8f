// 好差评 for the seats that act on it: a department's rectification orders (整改工单) with
// their lights, callbacks (回访) with the phone script, the reviews themselves, the entry of
// the open channels' reviews, the clerk's own figures; a supervisor sees every department,
// decides appeals and exports the national platform's file.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';
import { CHANNELS, KINDS, LEVELS, ORDER_STATES, RERATINGS, bad, checkedReasons, levelButtons, rateText, reasonBoxes, reasonsText, REASONS } from './review-common.js';

let user;
const deptNames = {};
const deptName = (code) => deptNames[code] || code;
let orderState = 'open';
let callbackState = 'due';
const lightBadge = (l) => (l && l !== 'none' ? el('span', { class: `light ${l}` }, { green: '正常', yellow: '临近', red: '超时' }[l]) : '');
const time = (t) => (t ? t.replace('T', ' ').slice(0, 16) : '—');

function tab(name) {
  for (const b of document.querySelectorAll('#tabs button')) {
    b.classList.toggle('active', b.dataset.tab === name);
    b.setAttribute('aria-pressed', String(b.dataset.tab === name));
  }
  for (const p of document.querySelectorAll('[data-pane]')) p.classList.toggle('hidden', p.dataset.pane !== name);
  ({ orders: loadOrders, callbacks: loadCallbacks, reviews: loadReviews, mine: loadMine }[name] || (() => {}))();
}

// ---- rectification orders ----------------------------------------------------------

async function loadOrders() {
  try {
    const r = await api('GET', `/review-orders?limit=200${orderState ? `&state=${orderState}` : ''}`);
    const c = r.counts;
    $('#figures').replaceChildren(
      el('div', { class: 'figure' }, el('b', {}, c.verifying), el('span', {}, '待回访核实')),
      el('div', { class: 'figure' }, el('b', {}, c.rectifying), el('span', {}, '整改中')),
      el('div', { class: 'figure' }, el('b', {}, c.reported), el('span', {}, '待评价整改')),
      el('div', { class: 'figure' }, el('b', {}, c.appealed), el('span', {}, '申诉中')),
      el('div', { class: 'figure' }, el('b', {}, c.closed), el('span', {}, '已办结')));
    $('#orders tbody').replaceChildren(...r.orders.map((o) => el('tr', { class: 'case-row', 'data-id': o.id, onclick: () => showOrder(o.id) },
      el('td', {}, el('span', { class: 'case-no' }, o.id), el('br'), el('small', { class: 'muted' }, o.review ? (o.rated ? `${o.rated.level_name} · ${CHANNELS[o.rated.channel] || o.rated.channel}` : '差评') : '监督检查发现')),
      el('td', {}, deptName(o.department)),
      el('td', {}, el('span', { class: 'state' }, ORDER_STATES[o.state]), o.escalated ? el('span', { class: 'badge retired' }, '已督办') : ''),
      el('td', {}, lightBadge(o.light), ' ', o.due_at ? time(o.due_at) : ''))));
    $('#orders-empty').classList.toggle('hidden', r.orders.length > 0);
  } catch (e) { showError($('#error'), e); }
}

function form(title, fields, button, onSubmit) {
  const f = el('form', { class: 'action-panel stack' }, el('h3', {}, title), ...fields, el('div', { class: 'actions' }, el('button', { type: 'submit' }, button)));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = f.querySelector('button[type=submit]');
    b.disabled = true;
    try { await onSubmit(f); } catch (e) { showFormError(e, b); }
  });
  return f;
}
const textField = (name, label) => [el('label', { for: `f-${name}` }, label), el('textarea', { id: `f-${name}`, name, maxlength: 1000 })];
const val = (f, name) => f.querySelector(`[name="${name}"]`).value;

function orderActions(o) {
  const act = async (action, body) => {
    await api('POST', `/review-orders/${o.id}/actions/${action}`, body);
    await loadOrders();
    await showOrder(o.id);
  };
  const dept = user.role === 'clerk' || user.role === 'approver';
  const out = [];
  if (dept && o.state === 'verifying') {
    out.push(form('回访核实并定性', [...textField('note', '回访核实情况'),
      el('label', { for: 'f-kind' }, '整改方式'),
      el('select', { id: 'f-kind', name: 'kind' }, Object.entries(KINDS).map(([k, v]) => el('option', { value: k }, v)))],
    '提交核实', (f) => act('verify', { note: val(f, 'note'), kind: val(f, 'kind') })));
  }
  if (dept && o.state === 'rectifying') out.push(form('报告整改情况', textField('report', '整改措施与结果'), '提交整改报告', (f) => act('report', { report: val(f, 'report') })));
  if (dept && o.state === 'reported') {
    out.push(form('记录评价人对整改的评价', [el('label', { for: 'f-rerating' }, '评价人意见'),
      el('select', { id: 'f-rerating', name: 'rerating' }, Object.entries(RERATINGS).map(([k, v]) => el('option', { value: k }, v))),
      ...textField('note', '说明（选填）')],
    '记录', (f) => act('rerate', { rerating: Number(val(f, 'rerating')), ...(val(f, 'note') ? { note: val(f, 'note') } : {}) })));
  }
  if (dept && (o.state === 'verifying' || o.state === 'rectifying') && o.review) {
    out.push(form('申诉（误评、恶意评价）', textField('reason', '申诉理由'), '提交申诉', (f) => act('appeal', { reason: val(f, 'reason') })));
  }
  if (user.role === 'supervisor' && o.state === 'appealed') {
    const f = form('申诉审核', textField('reason', '审核意见'), '申诉成立', (x) => act('uphold', { reason: val(x, 'reason') }));
    f.querySelector('.actions').append(el('button', { type: 'button', class: 'secondary', id: 'reject', onclick: async () => {
      try { await act('reject', { reason: val(f, 'reason') }); } catch (e) { showError($('#error'), e); }
    } }, '驳回申诉'));
    out.push(f);
  }
  return out;
}

async function showOrder(id) {
  for (const tr of document.querySelectorAll('#orders tr.case-row')) tr.classList.toggle('active', tr.dataset.id === id);
  try {
    const o = await api('GET', `/review-orders/${id}`);
    const r = o.rated;
    const rows = [
      ['工单', o.id], ['状态', [el('span', { class: 'state', id: 'order-state' }, ORDER_STATES[o.state]), ' ', lightBadge(o.light), o.escalated ? el('span', { class: 'badge retired' }, '超时已督办') : '']],
      ['时限', o.due_at ? time(o.due_at) : '—'], ['承办部门', deptName(o.department)], ['经办人', o.staff || '—'],
    ];
    if (r) rows.push(['评价', `${r.level_name}（${CHANNELS[r.channel] || r.channel}）`], ['原因', reasonsText(r.reasons) || '—'], ['内容', r.text || '—'], ['事项', r.item_name || (r.window ? `${r.window} 号窗口` : '—')], ['评价时间', time(r.at)]);
    else rows.push(['监督发现', o.finding]);
    if (o.kind) rows.push(['整改方式', KINDS[o.kind]]);
    if (o.verify_note) rows.push(['回访核实', o.verify_note]);
    if (o.report) rows.push(['整改报告', o.report]);
    if (o.rerating) rows.push(['整改评价', RERATINGS[o.rerating]]);
    if (o.appeal) rows.push(['申诉理由', o.appeal]);
    if (o.decision) rows.push(['审核意见', o.decision]);
    $('#order').replaceChildren(
      el('table', { class: 'kv' }, rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))),
      ...orderActions(o),
      el('h3', {}, '办理记录'),
      el('ol', { class: 'timeline' }, o.history.map((h) => el('li', {}, el('time', {}, time(h.at)), ' ', h.actor, ' ', { verify: '回访核实', report: '报告整改', rerate: '记录整改评价', appeal: '申诉', uphold: '申诉成立', reject: '驳回申诉' }[h.action] || h.action, h.note ? el('span', { class: 'note' }, h.note) : ''))));
  } catch (e) { showError($('#error'), e); }
}

// ---- callbacks ----------------------------------------------------------------------

async function loadCallbacks() {
  try {
    const r = await api('GET', `/review-callbacks?state=${callbackState}&limit=100`);
    $('#callbacks').replaceChildren(...(r.callbacks.length ? r.callbacks.map((c) => {
      const box = el('div', { class: 'review-item', 'data-id': c.id },
        el('div', {}, el('b', {}, c.reason === 'bad' ? '差评回访' : '抽样回访'), ' ', lightBadge(c.light), ' ',
          el('span', {}, `${c.level_name} · ${CHANNELS[c.channel] || c.channel}`), ' ', el('span', { class: 'muted' }, c.item_name)),
        c.text ? el('p', {}, c.text) : '', c.reasons && c.reasons.length ? el('p', { class: 'muted' }, reasonsText(c.reasons)) : '');
      if (c.state !== 'due') { box.append(el('p', { class: 'muted' }, `回访结果：${c.result || '—'}（${time(c.done_at)}）`)); return box; }
      const phone = el('span', { class: 'phone' }, c.phone || '（未留电话）');
      box.append(el('p', { class: 'script' }, r.script), el('div', { class: 'filters' }, '电话：', phone,
        c.phone ? el('button', { type: 'button', class: 'secondary dial', onclick: async (e) => {
          try { phone.textContent = (await api('POST', `/review-callbacks/${c.id}/actions/dial`)).phone; e.target.disabled = true; } catch (err) { showError($('#error'), err); }
        } }, '拨打') : ''));
      const f = el('form', { class: 'stack' }, el('label', {}, '回访结果'), el('textarea', { name: 'result', maxlength: 1000 }),
        el('div', { class: 'actions' }, el('button', { type: 'submit', value: 'done' }, '回访完成'), el('button', { type: 'submit', value: 'unreachable', class: 'secondary' }, '无法联系')));
      f.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const action = ev.submitter.value;
        try {
          await api('POST', `/review-callbacks/${c.id}/actions/${action}`, { result: f.result.value || (action === 'unreachable' ? '电话无人接听' : '已回访') });
          await loadCallbacks();
        } catch (e) { showFormError(e, ev.submitter); }
      });
      box.append(f);
      return box;
    }) : [el('p', { class: 'muted' }, '没有回访任务。')]));
  } catch (e) { showError($('#error'), e); }
}

// ---- reviews, entry, own figures ----------------------------------------------------------

async function loadReviews() {
  try {
    const r = await api('GET', `/reviews?limit=200&level=${$('#bad-only').checked ? 'bad' : 'all'}`);
    $('#reviews tbody').replaceChildren(...r.reviews.map((x) => el('tr', {},
      el('td', {}, time(x.created_at)), el('td', {}, CHANNELS[x.channel] || x.channel),
      el('td', {}, x.level_name, x.excluded ? el('span', { class: 'badge' }, '不计入') : ''),
      el('td', {}, x.item_name || (x.window ? `${x.window} 号窗口` : deptName(x.department || ''))),
      el('td', {}, [reasonsText(x.reasons), x.text].filter(Boolean).join('：')),
      el('td', {}, x.order ? ORDER_STATES[x.order_state] : ''))));
  } catch (e) { showError($('#error'), e); }
}

async function loadMine() {
  try {
    const r = await api('GET', '/reviews/mine');
    const row = (k, x) => el('tr', {}, el('td', {}, k), el('td', {}, x.total), ...x.counts.map((n) => el('td', {}, n)), el('td', {}, rateText(x)));
    $('#mine tbody').replaceChildren(...r.by_month.map((x) => row(x.month || x.key, x)), row('合计', r.all));
    $('#figures').replaceChildren(el('div', { class: 'figure', id: 'my-rate' }, el('b', {}, rateText(r.all)), el('span', {}, '我的满意率')),
      el('div', { class: 'figure' }, el('b', {}, r.all.total), el('span', {}, '评价数')), el('div', { class: 'figure' }, el('b', {}, r.open_orders), el('span', {}, '待整改工单')));
  } catch (e) { showError($('#error'), e); }
}

async function setUpEntry() {
  const d = await api('GET', '/departments');
  for (const x of d.departments) deptNames[x.code] = x.short_name || x.name;
  $('#e-department').replaceChildren(...d.departments.map((x) => el('option', { value: x.code, selected: x.code === user.department ? '' : null }, x.name)));
  let level = 0;
  $('#e-levels').append(levelButtons((l) => { level = l; $('#e-bad').classList.toggle('hidden', !bad(l)); $('#e-submit').disabled = false; }));
  $('#e-reasons').append(reasonBoxes(Object.entries(REASONS).map(([code, name]) => ({ code, name }))));
  $('#entry').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = $('#e-submit');
    b.disabled = true;
    const body = { channel: $('#e-channel').value, department: $('#e-department').value, level };
    if ($('#e-window').value) body.window = Number($('#e-window').value);
    if ($('#e-contact').value.trim()) body.contact = $('#e-contact').value.trim();
    if ($('#e-text').value.trim()) body.text = $('#e-text').value.trim();
    if (bad(level)) body.reasons = checkedReasons($('#e-reasons'));
    try {
      const r = await api('POST', '/reviews', body);
      $('#e-done').textContent = `已录入：${LEVELS[r.level]}${r.order ? `，已生成整改工单 ${r.order}` : ''}。`;
      $('#e-done').classList.remove('hidden');
      $('#entry').reset();
      b.disabled = false;
    } catch (e) { showFormError(e, b); }
  });
}

function setUpExport() {
  const day = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);
  $('#x-from').value = day(Date.now() - 29 * 86400000);
  $('#x-to').value = day(Date.now());
  const links = () => {
    const q = `from=${$('#x-from').value}&to=${$('#x-to').value}`;
    $('#x-xlsx').href = `/api/v1/reviews/export?${q}&format=xlsx`;
    $('#x-jsonl').href = `/api/v1/reviews/export?${q}&format=jsonl`;
  };
  $('#x-from').addEventListener('change', links);
  $('#x-to').addEventListener('change', links);
  links();
}

async function main() {
  user = await page('reviews', { roles: ['clerk', 'approver', 'supervisor'], need: '好差评整改由部门工作人员和效能监察人员办理：请使用相应账号登录。' });
  if (!user) return;
  const sup = user.role === 'supervisor';
  $('#title').textContent = sup ? '好差评监察' : '好差评整改';
  for (const b of document.querySelectorAll('.staff-only')) b.classList.toggle('hidden', sup);
  for (const b of document.querySelectorAll('.supervisor-only')) b.classList.toggle('hidden', !sup);
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
  for (const b of document.querySelectorAll('#order-states button')) b.addEventListener('click', () => {
    orderState = b.dataset.state;
    for (const x of document.querySelectorAll('#order-states button')) x.classList.toggle('active', x === b);
    loadOrders();
  });
  for (const b of document.querySelectorAll('#callback-states button')) b.addEventListener('click', () => {
    callbackState = b.dataset.state;
    for (const x of document.querySelectorAll('#callback-states button')) x.classList.toggle('active', x === b);
    loadCallbacks();
  });
  $('#bad-only').addEventListener('change', loadReviews);
  await setUpEntry();
  if (sup) setUpExport();
  const want = new URLSearchParams(location.search).get('tab');
  tab(want || 'orders');
  const id = new URLSearchParams(location.search).get('order');
  if (id) showOrder(id);
  // live: a new bad review or a step of an order in this seat's scope refreshes the list
  const es = new EventSource('/api/v1/events?topics=review');
  es.addEventListener('review', () => { if (!$('[data-pane="orders"]').classList.contains('hidden')) loadOrders(); });
}

main();
