// The public item guide (办事指南): search, browse by department and level, figures.
import { api } from './api.js';
import { $, el, header, showError, TYPES, LEVELS, CASE_TYPES, limitText } from './common.js';
import { askBox } from './ask.js';

const state = { q: '', department: '', level: '', type: '', depth: '', cursor: null };

// A share of nothing (no items, no legal days) reads "—", not 0.0% or 100.0%.
function pct(x, of) { return of ? (x * 100).toFixed(1) + '%' : '—'; }

async function figures() {
  const [s, things] = await Promise.all([api('GET', '/catalog/stats'), api('GET', '/processes')]);
  const box = $('#figures');
  const f = (value, label) => el('div', { class: 'figure' }, el('b', {}, value), el('span', {}, label));
  box.replaceChildren(
    f(String(s.items), '政务服务事项'),
    f(pct(s.online_able_rate, s.items), '可网办率'),
    f(pct(s.fully_online_rate, s.items), '全程网办率'),
    f(pct(s.days_cut_share, s.legal_days), '承诺时限压缩比例'),
    f(String(s.levels_removed), '压减审批层级'),
    f(String(s.signatures_removed), '精简审批签字'),
    // the composite processes and what they save on average (一件事一次办)
    el('a', { class: 'figure', href: '/things.html', id: 'figure-things' }, el('b', {}, String(things.summary.processes)),
      el('span', {}, `件“一件事”，平均减少材料${things.summary.mean_cut_percent.materials}%`)),
  );
}

async function departments() {
  const d = await api('GET', '/departments');
  const ul = $('#departments');
  const link = (code, name, n) => el('li', {}, el('a', {
    href: '#', 'data-department': code, class: state.department === code ? 'active' : null,
    onclick: (ev) => { ev.preventDefault(); state.department = code; search(); departmentsMark(); },
  }, name, n === null ? '' : el('span', {}, String(n))));
  ul.replaceChildren(link('', '全部部门', null),
    ...d.departments.filter((x) => x.items > 0).map((x) => link(x.code, x.name, x.items)));
}

function departmentsMark() {
  for (const a of document.querySelectorAll('#departments a')) {
    a.classList.toggle('active', a.dataset.department === state.department);
  }
}

function card(it) {
  return el('a', { class: 'item', href: '/item.html?code=' + encodeURIComponent(it.code) },
    el('div', { class: 'name' }, it.name,
      el('span', { class: 'badge' + (it.case_type === 'instant' ? ' instant' : '') }, CASE_TYPES[it.case_type]),
      it.online_depth === 4 ? el('span', { class: 'badge' }, '全程网办') : null),
    el('div', { class: 'meta' },
      el('span', {}, it.department_name),
      el('span', {}, LEVELS[it.level]),
      el('span', {}, TYPES[it.type] || it.type),
      el('span', {}, '承诺时限：' + limitText(it.promised_limit, it.case_type)),
      el('span', {}, '法定时限：' + limitText(it.legal_limit, 'promised')),
      el('span', {}, '到现场次数：' + it.visits)));
}

async function search(append = false) {
  const params = new URLSearchParams({ limit: '20' });
  if (state.q) params.set('q', state.q);
  if (state.department) params.set('department', state.department);
  if (state.level) params.set('level', state.level);
  if (state.type) params.set('type', state.type);
  if (state.depth) params.set('online_depth', state.depth);
  if (append && state.cursor) params.set('cursor', state.cursor);
  const err = $('#error');
  err.classList.add('hidden');
  try {
    const r = await api('GET', '/items?' + params);
    const list = $('#results');
    if (!append) list.replaceChildren();
    list.append(...r.items.map(card));
    $('#count').textContent = r.total ? `共找到 ${r.total} 个事项` : '没有找到符合条件的事项，请换个关键词试试。';
    state.cursor = r.next_cursor;
    $('#more').classList.toggle('hidden', !r.next_cursor);
  } catch (e) { showError(err, e); }
}

async function main() {
  await header('guide');
  askBox($('#ask'), { channel: 'web' });
  const typeSel = $('#type');
  for (const [k, v] of Object.entries(TYPES)) typeSel.append(el('option', { value: k }, v));
  const params = new URLSearchParams(location.search);
  state.q = params.get('q') || '';
  $('#q').value = state.q;
  $('#search-form').addEventListener('submit', (ev) => { ev.preventDefault(); state.q = $('#q').value.trim(); search(); });
  for (const b of document.querySelectorAll('#level-tabs button')) {
    b.addEventListener('click', () => {
      state.level = b.dataset.level;
      for (const o of document.querySelectorAll('#level-tabs button')) {
        o.classList.toggle('active', o === b);
        o.setAttribute('aria-pressed', String(o === b));
      }
      search();
    });
  }
  typeSel.addEventListener('change', () => { state.type = typeSel.value; search(); });
  $('#depth').addEventListener('change', () => { state.depth = $('#depth').value; search(); });
  $('#more').addEventListener('click', () => search(true));
  await Promise.all([figures(), departments(), search()]);
}

main();
