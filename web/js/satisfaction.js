// The public page (满意度公示): satisfaction by month, department, window and item, the rate's
// definition written above it, and the bad reviews, anonymised, each with how it was
// rectified. The figures are counts kept with each review: the page reads a few hundred rows.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { CHANNELS, KINDS, ORDER_STATES, RERATINGS, rateText, reasonsText } from './review-common.js';

const row = (label, x) => el('tr', {}, el('td', {}, label), el('td', {}, x.total), ...x.counts.map((n) => el('td', {}, n)), el('td', {}, rateText(x)));

async function show() {
  try {
    const s = await api('GET', `/reviews/stats?months=${$('#months').value}`);
    $('#definition').textContent = s.definition;
    const r = s.rectification || {};
    const orders = Object.values(r).reduce((a, b) => a + b, 0);
    $('#figures').replaceChildren(
      el('div', { class: 'figure', id: 'rate' }, el('b', {}, rateText(s.all)), el('span', {}, '满意率')),
      el('div', { class: 'figure', id: 'total' }, el('b', {}, s.all.total), el('span', {}, '评价总数')),
      el('div', { class: 'figure' }, el('b', {}, s.all.bad), el('span', {}, '差评')),
      el('div', { class: 'figure' }, el('b', {}, orders ? `${r.closed || 0}/${orders}` : '—'), el('span', {}, '差评整改办结')),
      el('div', { class: 'figure' }, el('b', {}, s.callbacks), el('span', {}, '回访')));
    $('#by-month tbody').replaceChildren(...s.by_month.map((x) => row(x.key, x)));
    $('#by-department tbody').replaceChildren(...s.by_department.map((x) => row(x.name || x.key, x)));
    $('#by-window tbody').replaceChildren(...s.by_window.map((x) => row(`${x.key} 号窗口`, x)));
    $('#by-item tbody').replaceChildren(...s.by_item.map((x) => row(x.name || x.key, x)));
    const b = await api('GET', '/reviews/rectified?limit=50');
    $('#bad').replaceChildren(...(b.bad.length ? b.bad.map((x) => el('div', { class: 'review-item' },
      el('div', {}, el('b', {}, x.level_name), ' ', el('span', { class: 'muted' }, `${x.month} · ${x.department || ''} · ${x.item_name || ''} · ${CHANNELS[x.channel] || x.channel}`)),
      el('p', {}, [reasonsText(x.reasons), x.text].filter(Boolean).join('：')),
      el('p', {}, el('span', { class: 'state' }, ORDER_STATES[x.state] || '—'), x.kind ? ` ${KINDS[x.kind]}` : '', x.report ? `：${x.report}` : '',
        x.rerating ? el('span', { class: 'muted' }, `（评价人对整改：${RERATINGS[x.rerating]}）`) : '')))
      : [el('p', { class: 'muted' }, '统计期内没有差评。')]));
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  await header('satisfaction');
  $('#months').addEventListener('change', show);
  await show();
}

main();
