// 知识产权人民调解工作站: the public figures; the workstation's disputes and their steps.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';

const STATES = { received: '已受理', mediating: '调解中', settled: '调解成功', failed: '调解不成', referred: '已引导诉讼/仲裁' };
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
let user = null;

async function figures() {
  const f = await api('GET', '/ip/disputes/figures');
  const items = [['受理', f.received], ['调解', f.mediated], ['调解成功', f.settled], ['引导诉讼/仲裁', f.referred], ['办理中', f.open]];
  $('#figures').replaceChildren(...items.map(([k, v]) => el('div', { class: 'figure' }, el('b', {}, String(v)), el('span', {}, k))));
}

async function step(d, action) {
  const body = { on: today() };
  if (action === 'mediate') body.mediator = prompt('调解员', user.name || '') || '';
  if (action === 'settle') { body.outcome = prompt('调解协议内容', '达成调解协议') || ''; body.amount = Number(prompt('协议金额（元）', '0') || 0); }
  if (action === 'fail') body.outcome = prompt('调解不成的原因', '一方拒绝调解') || '';
  if (action === 'refer') body.to = confirm('引导向法院起诉？（取消则为申请仲裁）') ? 'court' : 'arbitration';
  try {
    await api('POST', `/ip/disputes/${d.id}/actions/${action}`, body);
    $('#error').classList.add('hidden');
    await refresh();
  } catch (x) {
    showError($('#error'), x);
  }
}

async function load() {
  const l = await api('GET', '/ip/disputes');
  const acts = { received: [['mediate', '组织调解'], ['refer', '引导诉讼/仲裁']], mediating: [['settle', '调解成功'], ['fail', '调解不成']], failed: [['refer', '引导诉讼/仲裁']] };
  const mine = user.role === 'admin' || (user.role === 'approver' && user.department === 'scjg');
  $('#disputes tbody').replaceChildren(...l.disputes.map((d) => el('tr', { 'data-id': d.id },
    el('td', {}, d.id), el('td', {}, d.kind), el('td', {}, `${d.claimant} / ${d.respondent}`), el('td', {}, d.received_on),
    el('td', {}, STATES[d.state]), el('td', {}, d.outcome || (d.referred_to ? (d.referred_to === 'court' ? '引导起诉' : '引导仲裁') : '')),
    el('td', {}, ...(mine ? (acts[d.state] || []).map(([a, t]) => el('button', { class: `act-${a}`, onclick: () => step(d, a) }, t)) : [])))));
}

async function refresh() {
  await figures();
  if (user && ['approver', 'supervisor', 'admin'].includes(user.role)) await load();
}

async function main() {
  user = await header('ipmed');
  if (user && ['approver', 'supervisor', 'admin'].includes(user.role)) $('#disputes').classList.remove('hidden');
  if (user && (user.role === 'admin' || (user.role === 'approver' && user.department === 'scjg'))) $('#new-card').classList.remove('hidden');
  $('#new-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/ip/disputes', { kind: $('#kind').value, claimant: $('#claimant').value, respondent: $('#respondent').value, claims: $('#claims').value, amount: Number($('#amount').value || 0), on: today() });
      $('#new-form').reset();
      $('#error').classList.add('hidden');
      await refresh();
    } catch (x) {
      showError($('#error'), x);
    }
  });
  await refresh();
}

main().catch((e) => showError($('#error'), e));
