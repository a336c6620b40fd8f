// The approver's inbox (审批待办): the department's steps by deadline with
// their lights; claim, approve, return, deny, suspend and resume.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { lightBadge } from './case-view.js';
import { seat } from './seat.js';

const QUEUES = [
  { key: 'mine', label: '我的待办', query: 'state=accepted&assignee=me&sort=deadline' },
  { key: 'department', label: '本部门在办', query: 'state=accepted&sort=deadline' },
  { key: 'suspended', label: '特别程序', query: 'state=suspended&sort=deadline' },
  { key: 'returned', label: '退回补充', query: 'state=returned&sort=deadline' },
];

async function main() {
  const user = await page('inbox', { roles: ['approver'], need: '审批待办需以审批人员账号登录。' });
  if (!user) return;
  $('#dept').textContent = `部门 ${user.department || '—'}`;
  api('GET', '/departments').then((d) => {
    const mine = d.departments.find((x) => x.code === user.department);
    if (mine) $('#dept').textContent = `部门 ${mine.name}`;
  }).catch(() => {});
  postChecks();
  seat(user, QUEUES, {
    columns: (c) => [el('td', {}, (c.deadline || '—').replace('T', ' ').replace(/\+.*$/, ''), c.assignee ? null : el('div', { class: 'muted' }, '待认领')), el('td', {}, lightBadge(c.light))],
  });
}

// Commitment-based cases (告知承诺制) were decided at acceptance; the department checks them afterwards.
async function postChecks() {
  try {
    const r = await api('GET', '/post-checks?state=open');
    $('#post-checks tbody').replaceChildren(...r.post_checks.map((p) => {
      const note = el('input', { class: 'note', placeholder: '核查情况' });
      const done = (result) => async () => {
        try {
          await api('POST', `/post-checks/${p.case}/actions/complete`, { result, note: note.value });
          await postChecks();
        } catch (e) { showError($('#error'), e); }
      };
      return el('tr', { 'data-case': p.case },
        el('td', {}, el('a', { href: `/case.html?no=${p.case}` }, p.case)), el('td', {}, p.item_name), el('td', {}, p.due_day),
        el('td', {}, note),
        el('td', { class: 'row-actions' }, el('button', { class: 'pass', onclick: done('passed') }, '核查通过'), ' ',
          el('button', { class: 'danger fail', onclick: done('failed') }, '核查不符')));
    }));
    $('#no-post-checks').classList.toggle('hidden', r.post_checks.length > 0);
  } catch (e) { showError($('#error'), e); }
}

main();
