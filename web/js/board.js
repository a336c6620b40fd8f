// The supervisor's board (效能监察): yellow and red cases by department and
// item, reassignment with a reason, and the figures — accepted, closed,
// working days used against promised, the share decided on time.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { lightBadge } from './case-view.js';
import { seat } from './seat.js';
import { watchBoard } from './watch.js';

const QUEUES = [
  { key: 'red', label: '红灯（超期）', query: 'light=red&sort=deadline' },
  { key: 'yellow', label: '黄灯（临期）', query: 'light=yellow&sort=deadline' },
  { key: 'accepted', label: '全部在办', query: 'state=accepted&sort=deadline' },
];

const emptyRow = (cols, text) => el('tr', { class: 'empty-row' }, el('td', { colspan: cols, class: 'muted' }, text));

function figure(label, value, id) {
  return el('div', { class: 'figure', id }, el('b', {}, value), el('span', {}, label));
}

async function figures() {
  const [st, depts] = await Promise.all([api('GET', '/cases/stats'), api('GET', '/departments')]);
  const names = Object.fromEntries(depts.departments.map((d) => [d.code, d.short_name || d.name]));
  const f = st.figures;
  $('#figures').replaceChildren(
    figure('受理办件', f.accepted, 'fig-accepted'),
    figure('在办', f.in_review, 'fig-in-review'),
    figure('办结', f.closed, 'fig-closed'),
    // a share or an average of no decided cases is no figure at all
    figure('按时办结率', f.decided ? `${(f.on_time_share * 100).toFixed(1)}%` : '—', 'fig-on-time'),
    figure('平均用时 / 承诺（工作日）', f.decided ? `${f.avg_workdays_used.toFixed(1)} / ${f.avg_workdays_promised.toFixed(1)}` : '—', 'fig-days'));
  const max = Math.max(1, ...st.by_department.map((d) => d.green + d.yellow + d.red));
  $('#by-department tbody').replaceChildren(...(st.by_department.length ? [] : [emptyRow(5, '暂无在办件，没有部门红黄灯数据。')]), ...st.by_department.map((d) => el('tr', { 'data-department': d.department },
    el('td', {}, names[d.department] || d.department), el('td', {}, d.green), el('td', {}, d.yellow), el('td', {}, d.red),
    el('td', {}, el('div', { class: 'bars' },
      ...[['green', d.green], ['yellow', d.yellow], ['red', d.red]].map(([k, n]) => el('meter', { class: `bar ${k}`, min: 0, max, value: n, title: `${n}` })))))));
  $('#by-item tbody').replaceChildren(...(st.by_item.length ? st.by_item.map((i) => el('tr', {},
    el('td', {}, i.item_name), el('td', {}, i.yellow), el('td', {}, i.red))) : [emptyRow(3, '暂无亮黄灯、红灯的事项。')]));
}

async function main() {
  const user = await page('board', { roles: ['supervisor'], need: '效能监察需以监察人员账号登录。' });
  if (!user) return;
  seat(user, QUEUES, {
    columns: (c) => [el('td', {}, c.step_department || c.department, c.assignee ? el('div', { class: 'muted' }, c.assignee) : null), el('td', {}, lightBadge(c.light))],
  });
  figures().catch((e) => showError($('#error'), e));
  watchBoard().catch((e) => showError($('#alert-error'), e));
}

main();
