// The hall's figures (大厅统计) by day, hour, category, window or staff:
// tickets, waits (mean, 90th percentile), service times, no-shows,
// appointments kept — a chart (Chart.js) and a CSV export for Excel.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';

let chart = null;
const secs = (s) => (s >= 60 ? `${(s / 60).toFixed(1)} 分` : `${Math.round(s)} 秒`);
// Averages of nothing read "—": service over the tickets served; waits over the
// tickets called (served and no-shows are called; the rows do not count the others).
const serviceText = (x) => (x.served ? secs(x.service_mean_s) : '—');
const waitText = (x, s) => (x.served + x.no_shows === 0 && !s ? '—' : secs(s));

async function show() {
  $('#error').classList.add('hidden');
  const q = `from=${$('#from').value}&to=${$('#to').value}&by=${$('#by').value}`;
  $('#csv').href = `/api/v1/hall/stats?${q}&format=csv`;
  try {
    const r = await api('GET', `/hall/stats?${q}`);
    const sum = (k) => r.rows.reduce((a, x) => a + x[k], 0);
    $('#figures').replaceChildren(
      el('div', { class: 'figure', id: 'fig-tickets' }, el('b', {}, sum('tickets')), el('span', {}, '取号')),
      el('div', { class: 'figure' }, el('b', {}, sum('served')), el('span', {}, '服务')),
      el('div', { class: 'figure' }, el('b', {}, sum('no_shows')), el('span', {}, '过号')),
      el('div', { class: 'figure' }, el('b', {}, sum('appointments') ? `${sum('appointments_kept')}/${sum('appointments')}` : '—'), el('span', {}, '预约到场')));
    $('#rows tbody').replaceChildren(...(r.rows.length ? r.rows.map((x) => el('tr', {},
      el('td', {}, x.key), el('td', {}, x.tickets), el('td', {}, x.served), el('td', {}, x.no_shows), el('td', {}, x.appointments),
      el('td', {}, x.appointments_kept), el('td', {}, waitText(x, x.wait_mean_s)), el('td', {}, waitText(x, x.wait_p90_s)), el('td', {}, serviceText(x))))
      : [el('tr', { class: 'empty-row' }, el('td', { colspan: 9, class: 'muted' }, '所选期间暂无取号数据。'))]));
    $('#chart-box').classList.toggle('hidden', r.rows.length === 0);
    const data = {
      labels: r.rows.map((x) => x.key),
      datasets: [
        { type: 'bar', label: '取号数', data: r.rows.map((x) => x.tickets), yAxisID: 'n', backgroundColor: '#1456a0' },
        { type: 'line', label: '等候P90（分钟）', data: r.rows.map((x) => (waitText(x, x.wait_p90_s) === '—' ? null : +(x.wait_p90_s / 60).toFixed(1))), yAxisID: 'm', borderColor: '#b71c1c' },
        { type: 'line', label: '平均办理（分钟）', data: r.rows.map((x) => (x.served ? +(x.service_mean_s / 60).toFixed(1) : null)), yAxisID: 'm', borderColor: '#2e7d32' },
      ],
    };
    if (chart) chart.destroy();
    chart = null;
    if (!r.rows.length || typeof Chart === 'undefined') return;
    // eslint-disable-next-line no-undef
    chart = new Chart($('#chart'), { data, options: { animation: false, scales: { n: { position: 'left', beginAtZero: true }, m: { position: 'right', beginAtZero: true } } } });
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  const user = await page('hall-stats');
  if (!user) return;
  // the last 30 days up to today (the hall's date, Beijing time): at night and on days off
  // "today" alone would show nothing
  const day = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);
  $('#from').value = day(Date.now() - 29 * 86400000);
  $('#to').value = day(Date.now());
  $('#show').addEventListener('click', show);
  $('#by').addEventListener('change', show);
  await show();
}

main();
