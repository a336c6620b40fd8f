// The approver's inbox (审批待办): the department's steps by deadline with
// their lights; claim, approve, return, deny, suspend and resume.
import { $, el, header, showError } from './common.js';
import { lightBadge } from './case-view.js';
import { seat } from './seat.js';

const QUEUES = [
  { key: 'mine', label: '我的待办', query: 'state=accepted&assignee=me&sort=deadline' },
  { key: 'department', label: '本部门在办', query: 'state=accepted&sort=deadline' },
  { key: 'suspended', label: '特别程序', query: 'state=suspended&sort=deadline' },
  { key: 'returned', label: '退回补充', query: 'state=returned&sort=deadline' },
];

async function main() {
  const user = await header('inbox');
  if (!user) { location.href = '/login.html?next=/inbox.html'; return; }
  if (user.role !== 'approver') { showError($('#error'), { message: '审批待办需以审批人员账号登录。' }); return; }
  $('#dept').textContent = `部门 ${user.department}`;
  seat(user, QUEUES, {
    columns: (c) => [el('td', {}, (c.deadline || '—').replace('T', ' ').replace(/\+.*$/, ''), c.assignee ? null : el('div', { class: 'muted' }, '待认领')), el('td', {}, lightBadge(c.light))],
  });
}

main();
