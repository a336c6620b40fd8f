// 年度数据: the year's figures computed from the data, beside the report's own; print or export.
import { api } from './api.js';
import { $, el, page, showError } from './common.js';

const fmt = (v, unit) => (unit === '%' ? v.toFixed(2) : Number.isInteger(v) ? v.toLocaleString('zh-CN') : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

// The computed value against the report's: rates in percentage points, the rest in percent.
function diff(f) {
  if (f.stated == null) return '—';
  if (f.unit === '%') return `${f.value - f.stated >= 0 ? '+' : ''}${(f.value - f.stated).toFixed(2)} 个百分点`;
  if (!f.stated) return f.value ? '—' : '0';
  const d = (100 * (f.value - f.stated)) / f.stated;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

async function show() {
  const year = Number($('#year').value);
  try {
    const r = await api('GET', `/report/year?year=${year}`);
    $('#error').classList.add('hidden');
    $('#title').textContent = `${year}年度数据`;
    $('#xlsx').href = `/api/v1/report/year?year=${year}&format=xlsx`;
    $('#figures tbody').replaceChildren(...r.figures.map((f) => el('tr', { 'data-key': f.key },
      el('td', {}, f.section), el('td', {}, f.label), el('td', { class: 'num value' }, fmt(f.value, f.unit)), el('td', {}, f.unit),
      el('td', { class: 'num stated' }, f.stated == null ? '—' : fmt(f.stated, f.unit)),
      el('td', { class: 'num diff' }, diff(f)))));
  } catch (x) {
    showError($('#error'), x);
  }
}

async function main() {
  const user = await page('report', { roles: ['supervisor', 'admin'], need: '年度数据供监察和管理人员使用。' });
  if (!user) return;
  // ?year=Y opens that year (a whole year's past, init --history year, is the last one's)
  const asked = Number(new URLSearchParams(location.search).get('year'));
  $('#year').value = asked >= 2000 && asked <= 2100 ? asked : new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  $('#show').addEventListener('click', show);
  $('#print').addEventListener('click', () => window.print());
  await show();
}

main().catch((e) => showError($('#error'), e));
