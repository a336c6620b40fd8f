// 惠企资金: the schemes with their rules and this year's figures, a quote from the scheme's own
// form before applying, and the grants in the reader's scope (the scheme's department pays).
import { api } from './api.js';
import { $, el, header, showError } from './common.js';

const KINDS = { interest: (p) => `贷款额 × 年利率 × 天数/365 × ${p.share_percent}%`, premium: (p) => `已缴保费 × ${p.share_percent}%`,
  ip: (p) => Object.entries({ inventions: '发明专利', utility_models: '实用新型', designs: '外观设计', trademarks: '注册商标', pct: 'PCT申请' }).map(([k, n]) => `${n}${p.unit_yuan[k]}元/件`).join('，') };
const STATES = { approved: '已核定待兑付', paid: '已兑付' };
const yuan = (fen) => (Number(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

let user = null;
let scheme = null;

async function schemes() {
  const s = await api('GET', '/finance/grant-schemes');
  $('#schemes tbody').replaceChildren(...s.schemes.map((x) => el('tr', { 'data-item': x.item },
    el('td', {}, x.name), el('td', {}, KINDS[x.kind](x.params)), el('td', {}, yuan(x.cap_fen)), el('td', {}, yuan(x.budget_fen)),
    el('td', {}, String(x.firms)), el('td', {}, yuan(x.approved_fen)), el('td', {}, yuan(x.paid_fen)),
    el('td', {}, user ? el('button', { class: 'quote', onclick: () => openQuote(x) }, '测算') : el('span', { class: 'muted' }, '登录后测算')))));
}

async function openQuote(x) {
  scheme = x;
  const item = await api('GET', `/items/${x.item}`);
  $('#quote-title').textContent = `测算：${x.name}`;
  $('#quote-form').replaceChildren(...item.form.filter((f) => !['contact_phone', 'note', 'firm_name', 'bank'].includes(f.name)).map((f) =>
    el('label', {}, f.label, el('input', { name: f.name, type: f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text', step: 'any' }))));
  $('#quote-apply').href = `/apply.html?item=${encodeURIComponent(x.item)}`;
  $('#quote-apply').classList.toggle('hidden', !user || user.role !== 'applicant');
  $('#quote-result').classList.add('hidden');
  $('#quote-card').classList.remove('hidden');
  $('#quote-card').scrollIntoView();
}

async function runQuote() {
  const form = {};
  for (const i of document.querySelectorAll('#quote-form input')) form[i.name] = i.type === 'number' ? Number(i.value) : i.value;
  try {
    const q = await api('POST', '/finance/grants/quote', { item: scheme.item, form });
    $('#error').classList.add('hidden');
    $('#quote-result').textContent = `可享 ¥${yuan(q.amount_fen)}（${q.basis}）`;
    $('#quote-result').classList.remove('hidden');
  } catch (x) {
    showError($('#error'), x);
  }
}

async function pay(g) {
  try {
    await api('POST', `/finance/grants/${encodeURIComponent(g.no)}/actions/pay`, { on: today(), voucher: prompt('国库支付凭证号', `国库支付${today()}`) || '' });
    $('#error').classList.add('hidden');
    await grants();
    await schemes();
  } catch (x) {
    showError($('#error'), x);
  }
}

async function grants() {
  if (!user) return;
  const g = await api('GET', '/finance/grants?limit=500');
  const payer = (x) => user.role === 'admin' || (user.role === 'approver' && user.department === x.department);
  $('#grants tbody').replaceChildren(...g.grants.map((x) => el('tr', { 'data-no': x.no },
    el('td', {}, x.no), el('td', {}, x.scheme), el('td', {}, x.firm, el('div', { class: 'muted' }, x.credit_code)),
    el('td', {}, yuan(x.amount_fen)), el('td', { class: 'muted' }, x.basis), el('td', {}, STATES[x.state]),
    el('td', {}, x.paid_on || ''), el('td', {}, x.state === 'approved' && payer(x) ? el('button', { class: 'pay', onclick: () => pay(x) }, '兑付') : ''))));
}

async function main() {
  user = await header('grants');
  $('#quote-run').addEventListener('click', runQuote);
  await schemes();
  await grants();
}

main().catch((e) => showError($('#error'), e));
