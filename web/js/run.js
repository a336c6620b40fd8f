// One "一件事" run as every seat sees it: every part's department, state and
// light, the run's own light against its promise, one timeline; the window
// accepts and delivers it as one, the applicant withdraws it. The page
// follows the run's live stream and redraws as its parts move.
import { api } from './api.js';
import { $, el, showError, page, limitText } from './common.js';
import { ACTIONS, lightBadge } from './case-view.js';
import { reviewBox } from './review-common.js';

const no = new URLSearchParams(location.search).get('no') || '';
const PART_CLASS = { approved: 'closed', denied: 'denied', withdrawn: 'withdrawn', cancelled: 'withdrawn', skipped: 'withdrawn' };
const time = (t) => (t || '').replace('T', ' ').slice(0, 16);

function draw(run, user) {
  $('#title').textContent = `${run.process_name} · 办理进度`;
  $('#run-no').textContent = run.no;
  $('#run-state').textContent = run.state_label;
  $('#run-state').className = `state ${run.state}`;
  $('#run-light').replaceChildren(run.light !== 'none' ? lightBadge(run.light) : '');
  $('#run-applicant').textContent = run.applicant.name;
  $('#run-promise').textContent = limitText(run.promised_limit);
  $('#run-deadline').textContent = run.accepted_at ? `${time(run.accepted_at)} 受理，${time(run.deadline)} 前办结` : '待窗口受理';
  $('#parts tbody').replaceChildren(...run.parts.map((p) => el('tr', { 'data-part': p.id },
    el('td', {}, p.name),
    el('td', {}, p.case ? p.case.department_name : '—'),
    el('td', {}, el('span', { class: `state ${PART_CLASS[p.state] || ''}`, 'data-state': p.state }, p.state_label)),
    el('td', {}, p.case && p.case.light !== 'none' ? lightBadge(p.case.light) : '—'),
    el('td', {}, p.case && p.case.deadline ? time(p.case.deadline) : '—'),
    el('td', {}, p.case ? el('a', { href: '/case.html?no=' + p.case.no }, p.case.no) : '—'))));
  const partName = Object.fromEntries(run.parts.map((p) => [p.id, p.name]));
  $('#timeline tbody').replaceChildren(...run.timeline.slice().reverse().map((e) => el('tr', {},
    el('td', {}, time(e.at)), el('td', {}, partName[e.part] || e.part), el('td', {}, ACTIONS[e.action] || e.action), el('td', {}, e.note))));
  const acts = [];
  const clerk = user.role === 'clerk';
  if (clerk && run.state === 'running' && !run.accepted_at) acts.push(['accept', '一窗受理（全部事项）']);
  if ((clerk || user.role === 'applicant') && run.state === 'running') acts.push(['withdraw', '撤回整件事']);
  if (clerk && run.state !== 'running' && run.parts.some((p) => p.case && ['approved', 'denied'].includes(p.case.state))) acts.push(['deliver', '出件送达']);
  $('#run-actions').replaceChildren(...acts.map(([a, label]) => el('button', {
    'data-action': a, class: a === 'withdraw' ? 'danger' : null,
    onclick: () => (a === 'deliver' ? $('#deliver-form').classList.remove('hidden') : act(a, user)),
  }, label)));
  if (!acts.some(([a]) => a === 'deliver')) $('#deliver-form').classList.add('hidden');
  // once the run has ended it is rated as one (一事一评); the box is kept across redraws
  if (run.state !== 'running' && !$('#run-review').childElementCount) {
    const box = reviewBox('run', run.no, user);
    if (box) $('#run-review').append(box);
  }
  $('#run').classList.remove('hidden');
}

async function act(action, user, body) {
  if (action === 'withdraw' && !confirm('撤回后其余事项将全部终止，确定撤回吗？')) return;
  try {
    draw(await api('POST', `/process-runs/${no}/actions/${action}`, body), user);
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  const user = await page('');
  if (!user) return;
  let run;
  try {
    run = await api('GET', '/process-runs/' + encodeURIComponent(no));
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这件事的办理记录。' } : e);
    return;
  }
  draw(run, user);
  $('#deliver-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { mode: $('#deliver-mode').value };
    if ($('#deliver-tracking').value) body.tracking_no = $('#deliver-tracking').value;
    act('deliver', user, body);
  });
  // live: each move of a part redraws the page from the run as it now stands
  const stream = new EventSource(`/api/v1/process-runs/${no}/events`);
  stream.addEventListener('process', async () => {
    try { draw(await api('GET', '/process-runs/' + no), user); } catch { /* the next event retries */ }
  });
}

main();
