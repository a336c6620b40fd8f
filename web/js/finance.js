// 企业应急转贷: the fund (its balances from the journal), the loans in the reader's scope
// with their actions (the fund disburses, cancels and collects; the bank confirms its
// renewal), a firm's statement, and the journal with its trial balance.
import { api } from './api.js';
import { $, el, page, showError, showFormError } from './common.js';

const STATES = { approved: '已批准待放款', disbursed: '已放款', renewed: '银行已续贷', overdue: '已逾期', repaid: '已归还', cancelled: '已撤销' };
const ACTIONS = { disburse: '放款', 'confirm-renewal': '确认续贷', repay: '归还', cancel: '撤销' };
const KINDS = { capital: '财政注资', disburse: '放款', repay: '归还', grant: '惠企资金兑付' };
const ACCOUNTS = { cash: '基金专户存款', capital: '财政注资', receivable: '应收转贷款', fee: '转贷费收入', subsidy: '惠企资金支出', budget: '财政预算拨款' };
const LIGHTS = { green: '正常', yellow: '临近到期', red: '逾期' };

let user = null;
let fundRules = null;
let current = null;

const yuan = (fen) => (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wan = (fen) => (Number(fen) / 1e6).toLocaleString('zh-CN', { maximumFractionDigits: 4 });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const officer = () => ['admin', 'supervisor'].includes(user.role) || (user.role === 'approver' && fundRules && user.department === fundRules.department);

async function fund() {
  const f = await api('GET', '/finance/fund');
  fundRules = f.rules;
  const figures = [['基金专户余额', f.cash_fen], ['财政注资', f.capital_fen], ['在贷余额', f.outstanding_fen], ['转贷费收入', f.fees_fen]];
  $('#fund').replaceChildren(...figures.map(([k, v]) => el('div', { class: 'figure' }, el('b', {}, `¥${yuan(v)}`), el('span', {}, k))));
  const r = f.rules;
  $('#rules').textContent = `单户余额上限 ¥${yuan(r.limit_fen)}；使用期限不超过 ${r.max_days} 天；费率 日${(r.fee_rate / 1000).toFixed(3)}%，逾期 日${(r.overdue_rate / 1000).toFixed(3)}%。`;
  $('#balanced').replaceChildren(el('span', { class: f.balanced ? 'ok' : 'error', id: 'balanced-flag' },
    f.balanced ? `账务平衡：${f.entries} 张凭证，借贷相等` : '账务不平衡：请立即核查'));
  $('#apply-a').href = '/apply.html?item=' + encodeURIComponent(r.item);
}

function actionsFor(x) {
  const fundSeat = officer() && user.role !== 'supervisor';
  const acts = [];
  if (fundSeat && x.state === 'approved') acts.push('disburse', 'cancel');
  if ((fundSeat || user.role === 'bank') && ['disbursed', 'overdue'].includes(x.state) && !x.renewed_on) acts.push('confirm-renewal');
  if (fundSeat && ['disbursed', 'renewed', 'overdue'].includes(x.state)) acts.push('repay');
  return acts.map((a) => el('button', { class: `act-${a}`, onclick: () => openAct(x, a) }, ACTIONS[a]));
}

async function loans() {
  const l = await api('GET', '/finance/bridge-loans?limit=500');
  $('#loans tbody').replaceChildren(...l.loans.map((x) => el('tr', { 'data-no': x.no },
    el('td', {}, x.no), el('td', {}, el('a', { href: '#', class: 'firm', onclick: (e) => { e.preventDefault(); statement(x.credit_code); } }, x.firm)),
    el('td', {}, x.bank), el('td', {}, wan(x.amount_fen)), el('td', {}, String(x.days)),
    el('td', {}, STATES[x.state] || x.state, x.light ? el('span', { class: `light ${x.light}`, title: LIGHTS[x.light] }, LIGHTS[x.light]) : ''),
    el('td', {}, x.disbursed_on || ''), el('td', {}, x.due_on || ''), el('td', {}, x.fee_fen == null ? '' : yuan(x.fee_fen)),
    el('td', {}, ...actionsFor(x)))));
}

function openAct(loan, action) {
  current = { loan, action };
  $('#act-title').textContent = `${ACTIONS[action]}：${loan.firm}（${wan(loan.amount_fen)} 万元）`;
  for (const l of document.querySelectorAll('#act-form [data-for]')) l.classList.toggle('hidden', !l.dataset.for.split(' ').includes(action));
  $('#act-on').value = today();
  $('#renew-amount').value = wan(loan.loan_fen).replaceAll(',', '');
  const r = fundRules;
  $('#act-hint').textContent = action === 'repay'
    ? `按日计费：到期日（${loan.due_on}）前每日 ${(r.fee_rate / 1000).toFixed(3)}%，逾期每日 ${(r.overdue_rate / 1000).toFixed(3)}%，首尾两天均计。`
    : action === 'disburse' ? `到期日 = 放款日 + ${loan.days - 1} 天；资金池余额须足额。` : '';
  $('#act-card').classList.remove('hidden');
  $('#act-card').scrollIntoView();
}

async function saveAct(e) {
  e.preventDefault();
  const { loan, action } = current;
  const body = action === 'cancel' ? { reason: $('#act-reason').value }
    : action === 'confirm-renewal' ? { contract_no: $('#contract-no').value, amount: Number($('#renew-amount').value), on: $('#act-on').value }
      : { on: $('#act-on').value };
  try {
    await api('POST', `/finance/bridge-loans/${encodeURIComponent(loan.no)}/actions/${action}`, body);
    $('#act-card').classList.add('hidden');
    $('#act-form').reset();
    await refresh();
  } catch (x) {
    showFormError(x, $('#act-save'));
  }
}

async function statement(code) {
  const s = await api('GET', `/finance/statements/${encodeURIComponent(code)}`);
  $('#statement-title').textContent = `企业对账单：${s.firm}（${s.credit_code}）`;
  $('#statement tbody').replaceChildren(...s.lines.map((x) => el('tr', {},
    el('td', {}, x.on), el('td', {}, KINDS[x.kind] || x.kind), el('td', {}, x.memo), el('td', {}, ACCOUNTS[x.account] || x.account),
    el('td', {}, yuan(x.amount_fen)), el('td', {}, yuan(x.owed_fen)))));
  $('#statement-total').textContent = `累计转贷 ¥${yuan(s.lent_fen)}，应还余额 ¥${yuan(s.owed_fen)}，已缴费用 ¥${yuan(s.fees_fen)}。`;
  $('#statement-card').classList.remove('hidden');
  $('#statement-card').scrollIntoView();
}

async function journal() {
  const j = await api('GET', '/finance/journal?limit=100');
  $('#trial tbody').replaceChildren(...j.accounts.map((a) => el('tr', {}, el('td', {}, ACCOUNTS[a.account] || a.account), el('td', {}, yuan(a.balance_fen)))),
    el('tr', {}, el('th', {}, '合计'), el('th', { id: 'trial-total' }, yuan(j.accounts.reduce((s, a) => s + a.balance_fen, 0)))));
  $('#journal tbody').replaceChildren(...j.entries.map((x) => el('tr', {},
    el('td', {}, String(x.id)), el('td', {}, x.on), el('td', {}, KINDS[x.kind] || x.kind), el('td', {}, x.memo),
    el('td', {}, ...x.lines.map((l) => el('div', {}, `${l.amount_fen > 0 ? '借' : '贷'} ${ACCOUNTS[l.account] || l.account}${l.firm ? `（${l.firm}）` : ''} ${yuan(Math.abs(l.amount_fen))}`))),
    el('td', {}, x.actor))));
}

async function advisory() {
  const a = await api('GET', '/finance/advisory');
  const p = a.platform;
  const financing = a.teams.reduce((s, t) => s + t.financing_fen, 0);
  const firms = a.teams.reduce((s, t) => s + t.firms, 0);
  $('#platform').replaceChildren(...[[`${a.teams.length} 支`, '金融辅导队'], [`${firms} 家`, '结对企业'], [`¥${yuan(financing)}`, '帮助融资'],
    [`${p.firms} 家`, '平台注册企业'], [`${p.loans} 笔`, '平台发放贷款'], [`¥${yuan(p.loan_fen)}`, '平台贷款金额']]
    .map(([v, k]) => el('div', { class: 'figure' }, el('b', {}, v), el('span', {}, k))));
  $('#teams tbody').replaceChildren(...a.teams.map((t) => el('tr', { 'data-team': t.code },
    el('td', {}, t.name), el('td', {}, t.bank), el('td', {}, t.members.join('、')), el('td', {}, String(t.firms)),
    el('td', {}, String(t.visits)), el('td', {}, yuan(t.financing_fen)))));
  if (!$('#visit-team').children.length) $('#visit-team').replaceChildren(...a.teams.map((t) => el('option', { value: t.code }, `${t.name}（${t.bank}）`)));
}

async function saveVisit(e) {
  e.preventDefault();
  const body = { team: $('#visit-team').value, credit_code: $('#visit-code').value.trim(), on: today(), note: $('#visit-note').value.trim() };
  if ($('#visit-financing').value) body.financing = Number($('#visit-financing').value);
  try {
    await api('POST', '/finance/advisory/visits', body);
    $('#visit-form').reset();
    $('#error').classList.add('hidden');
    await advisory();
  } catch (x) {
    showFormError(x, $('#visit-save'));
  }
}

async function saveCapital(e) {
  e.preventDefault();
  try {
    await api('POST', '/finance/fund/capital', { amount: Number($('#capital-amount').value), on: $('#capital-on').value, memo: $('#capital-memo').value });
    $('#capital-amount').value = '';
    await refresh();
  } catch (x) {
    showFormError(x, $('#capital-save'));
  }
}

async function refresh() {
  $('#error').classList.add('hidden');
  if (user.role !== 'applicant') await fund();
  await loans();
  if (officer()) await journal();
  if (user.role !== 'applicant') await advisory();
}

async function main() {
  user = await page('finance', { roles: ['applicant', 'approver', 'supervisor', 'admin', 'bank'], need: '应急转贷由企业、财政金融局和合作银行使用。' });
  if (!user) return;
  if (user.role !== 'applicant') {
    await fund();
    $('#fund-card').classList.remove('hidden');
  } else {
    $('#apply-link').classList.remove('hidden');
    const items = await api('GET', '/items?q=' + encodeURIComponent('应急转贷')).catch(() => null);
    const it = items && (items.items || [])[0];
    if (it) $('#apply-a').href = '/apply.html?item=' + encodeURIComponent(it.code);
  }
  if (officer()) {
    $('#journal-card').classList.remove('hidden');
    if (user.role !== 'supervisor') $('#capital-form').classList.remove('hidden');
    $('#capital-on').value = today();
  }
  $('#act-form').addEventListener('submit', saveAct);
  $('#act-close').addEventListener('click', () => $('#act-card').classList.add('hidden'));
  $('#capital-form').addEventListener('submit', saveCapital);
  if (user.role !== 'applicant') $('#advisory-card').classList.remove('hidden');
  if (officer() && user.role !== 'supervisor') $('#visit-form').classList.remove('hidden');
  $('#visit-form').addEventListener('submit', saveVisit);
  await refresh();
}

main().catch((e) => showError($('#error'), e));
