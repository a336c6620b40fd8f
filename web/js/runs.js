// The "一件事" runs in the caller's scope: the applicant's own, the window's
// office's (waiting for acceptance first), an approver's department's, and
// for the supervisor every run against its promise (2 working hours, 1 day…).
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { lightBadge } from './case-view.js';

const TITLES = {
  applicant: ['我的一件事', '一件事一次办：一张表单、一套材料，多个部门并联办理。'],
  clerk: ['一件事受理', '本窗口受理的一件事：待受理的请打开后“一窗受理”，办结后一次送达全部结果。'],
  approver: ['一件事协同', '本部门参与办理的一件事：本部门的事项在“审批待办”中办理。'],
  supervisor: ['一件事效能监察', '每件事对照其承诺时限（如企业开办2个工作小时）的红黄绿灯。'],
  admin: ['一件事办理', ''],
  bank: ['网点代办', '本网点为企业代办的一件事（政银合作）：在“一件事”中选择企业开办，为现场的申请人填报；受理和审批由政务服务中心办理。'],
};
const STATES = [['running', '办理中'], ['approved', '已办结'], ['partial', '部分办结'], ['denied', '未获准'], ['withdrawn', '已撤回'], ['', '全部']];
const time = (t) => (t || '').replace('T', ' ').slice(0, 16);

async function load(state) {
  for (const b of document.querySelectorAll('#states button')) b.classList.toggle('active', b.dataset.state === state);
  try {
    const r = await api('GET', '/process-runs?limit=200' + (state ? '&state=' + state : ''));
    const rows = r.runs.map((x) => el('tr', { 'data-no': x.no, class: !x.accepted_at && x.state === 'running' ? 'waiting' : null },
      el('td', {}, el('a', { href: '/run.html?no=' + x.no }, x.no)),
      el('td', {}, x.process_name),
      el('td', {}, el('span', { class: `state ${x.state}` }, x.state_label), !x.accepted_at && x.state === 'running' ? el('span', { class: 'badge' }, '待受理') : null),
      el('td', {}, x.light !== 'none' ? lightBadge(x.light) : '—'),
      el('td', {}, x.deadline ? time(x.deadline) : '—'),
      el('td', {}, `${x.parts_done} / ${x.parts}`),
      el('td', {}, time(x.submitted_at))));
    $('#runs tbody').replaceChildren(...rows);
    $('#empty').classList.toggle('hidden', rows.length > 0);
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  const user = await page('runs');
  if (!user) return;
  const [title, hint] = TITLES[user.role] || TITLES.admin;
  $('#title').textContent = title;
  $('#hint').textContent = hint;
  $('#states').replaceChildren(...STATES.map(([k, label]) => el('button', { type: 'button', 'data-state': k, onclick: () => load(k) }, label)));
  load('running');
}

main();
