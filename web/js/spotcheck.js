// 双随机公示 (public): published results, the draws with their records, the item list, the 首次不罚 list.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { departmentNames, joinDepartments, MINOR_KINDS } from './spotcheck-common.js';

async function results(q) {
  const [r, n] = await Promise.all([api('GET', '/inspection/results?' + new URLSearchParams({ q, limit: '100' })), departmentNames()]);
  $('#results tbody').replaceChildren(...r.results.map((x) => el('tr', {},
    el('td', {}, el('a', { href: '/entity.html?code=' + encodeURIComponent(x.credit_code) }, x.entity_name)),
    el('td', {}, x.credit_code), el('td', {}, joinDepartments(x.departments, n)), el('td', {}, x.type),
    el('td', {}, x.inspected_on), el('td', {}, x.result_name),
    el('td', {}, el('a', { href: '/draw.html?plan=' + encodeURIComponent(x.plan) }, x.plan)))));
}

async function main() {
  await header('spotcheck');
  const [d, items, n] = await Promise.all([api('GET', '/inspection/draws'), api('GET', '/inspection/items'), departmentNames()]);
  $('#draws tbody').replaceChildren(...d.draws.map((x) => el('tr', {},
    el('td', {}, el('a', { href: '/draw.html?plan=' + encodeURIComponent(x.id) }, x.id)), el('td', {}, x.name),
    el('td', {}, joinDepartments(x.departments, n)), el('td', {}, (x.committed_at || '').slice(0, 16).replace('T', ' ')),
    el('td', {}, x.state === 'drawn' ? (x.drawn_at || '').slice(0, 16).replace('T', ' ') : x.state === 'cancelled' ? '已取消' : '待抽签'),
    el('td', {}, x.state === 'drawn' ? `${x.selected} 户` : ''))));
  $('#items tbody').replaceChildren(...items.items.map((i) => el('tr', {},
    el('td', {}, i.department_name), el('td', {}, i.name), el('td', {}, i.basis), el('td', {}, i.content), el('td', {}, i.method))));
  $('#minor tbody').replaceChildren(...items.minor.map((m) => el('tr', {},
    el('td', {}, m.department_name), el('td', {}, m.name), el('td', {}, m.basis), el('td', {}, MINOR_KINDS[m.kind]))));
  $('#search').addEventListener('submit', (e) => {
    e.preventDefault();
    results($('#q').value.trim()).catch((err) => showError($('#error'), err));
  });
  await results('');
}

main().catch((e) => showError($('#error'), e));
