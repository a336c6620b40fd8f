// 应急转贷 (the bridge-loan fund) through the HTTP API, on both backends: an application
// filed as a case and refused by the fund's rules naming the field; approval opens the loan;
// the fund disburses only money it holds; the firm's bank confirms the renewal, no other
// bank sees the loan; repayment with the fee by the day; the firm's statement and the
// journal balance to the fen against sums this test makes itself; a loan past its due
// day turns overdue through the job; bad input and scope.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';

const ITEM = '371091051005035000';
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const uscc = (first17) => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(first17[i]) * W[i];
  return first17 + CHARS[(31 - (sum % 31)) % 31];
};
const FIRM = uscc('91371000MA3F00001');
const FIRM2 = uscc('91371000MA3F00002');
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

let s;
let sha;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });

before(async () => {
  s = await startServer({ args: ['--case-job-interval', '1'] });
  const pdf = new TextEncoder().encode('%PDF-1.4\n% yichuang bridge loan test\n');
  const r = await s.api('POST', '/api/v1/materials', { body: pdf, token: await token('business1'), headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  sha = r.json.sha256;
});
after(async () => { await s.stop(); });

const form = (o = {}) => ({ credit_code: FIRM, firm_name: '威海桥测试有限公司', bank: '中国工商银行', loan_amount: 1500, loan_due: day(10), amount: 1000, days: 10, contact_phone: '13900005678', ...o });
const file = (f) => api('POST', '/cases', 'business1', { item: ITEM, form: f, materials: ['m1', 'm2', 'm3', 'm4'].map((id) => ({ id, sha256: sha })) });

// Filed by business1, accepted, approved by the fund's department: its number.
async function approvedLoan(f) {
  let r = await file(f);
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  for (let i = 0; i < 5; i++) {
    const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
    if (c.state === 'approved') break;
    const step = c.current_step || {};
    r = await api('POST', `/cases/${no}/actions/approve`, step.assignee || 'approver-czjr', { opinion: '同意' });
    assert.equal(r.status, 200, r.text);
  }
  return no;
}
const act = (no, action, who, body) => api('POST', `/finance/bridge-loans/${no}/actions/${action}`, who, body);
const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);

describe('the fund', () => {
  let no;

  test('the fund\'s rules refuse an application naming the field', async () => {
    expectError(assert, await file(form({ amount: 2500, loan_amount: 3000 })), 422, 'invalid', 'form.amount');
    expectError(assert, await file(form({ amount: 1600 })), 422, 'invalid', 'form.amount');
    expectError(assert, await file(form({ days: 16 })), 422, 'invalid', 'form.days');
    expectError(assert, await file(form({ days: 2.5 })), 422, 'invalid', 'form.days');
    expectError(assert, await file(form({ amount: 0.00001 })), 422, 'invalid', 'form.amount');
    expectError(assert, await file(form({ loan_due: day(-1) })), 422, 'invalid', 'form.loan_due');
    expectError(assert, await file(form({ credit_code: FIRM.slice(0, 17) + (FIRM[17] === '0' ? '1' : '0') })), 422, 'invalid', 'form.credit_code');
    expectError(assert, await file(form({ bank: '某某银行' })), 422, 'invalid', 'form.bank');
  });

  test('approval opens the loan; its applicant, the fund and the bank see it, nobody else', async () => {
    no = await approvedLoan(form());
    const mine = (await api('GET', '/finance/bridge-loans', 'business1')).json.loans;
    assert.deepEqual(mine.map((l) => [l.no, l.state, l.amount_fen]), [[no, 'approved', 1000e6]]);
    assert.equal((await api('GET', '/finance/bridge-loans', 'applicant1')).json.loans.length, 0);
    assert.equal((await api('GET', '/finance/bridge-loans', 'approver1')).json.loans.length, 0, 'another department');
    assert.equal((await api('GET', '/finance/bridge-loans', 'bank-2')).json.loans.length, 0, 'another bank');
    assert.equal((await api('GET', '/finance/bridge-loans', 'bank-1')).json.loans.length, 1, 'the loan\'s bank');
    assert.equal((await api('GET', '/finance/bridge-loans', 'supervisor1')).json.loans.length, 1);
    expectError(assert, await api('GET', `/finance/bridge-loans/${no}`, 'applicant1'), 404, 'not_found');
    expectError(assert, await act(no, 'disburse', 'approver1', { on: day() }), 404, 'not_found');
    expectError(assert, await act(no, 'disburse', 'bank-1', { on: day() }), 403, 'forbidden');
  });

  test('the fund lends only money it holds; the treasury pays in', async () => {
    const e = expectError(assert, await act(no, 'disburse', 'approver-czjr', { on: day() }), 409, 'conflict');
    assert.match(e.message, /¥0\.00/);
    expectError(assert, await api('POST', '/finance/fund/capital', 'approver-czjr', { amount: -5, on: day(), memo: '注资' }), 422, 'invalid', 'amount');
    expectError(assert, await api('POST', '/finance/fund/capital', 'approver-czjr', { amount: 5000, on: day(1), memo: '注资' }), 422, 'invalid', 'on');
    expectError(assert, await api('POST', '/finance/fund/capital', 'approver-czjr', { amount: 5000, on: day() }), 422, 'invalid', 'memo');
    expectError(assert, await api('POST', '/finance/fund/capital', 'approver1', { amount: 5000, on: day(), memo: '注资' }), 403, 'forbidden');
    const r = await api('POST', '/finance/fund/capital', 'approver-czjr', { amount: 5000, on: day(), memo: '区财政注资' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.cash_fen, 5000e6);
  });

  test('disburse, the bank\'s renewal, repayment with its fee; the statement and the journal balance', async () => {
    expectError(assert, await act(no, 'disburse', 'approver-czjr', {}), 422, 'invalid', 'on');
    expectError(assert, await act(no, 'disburse', 'approver-czjr', { on: day(1) }), 422, 'invalid', 'on');
    expectError(assert, await act(no, 'lend', 'approver-czjr', { on: day() }), 404, 'not_found');
    expectError(assert, await act(no, 'overdue', 'approver-czjr', { on: day() }), 404, 'not_found');
    let r = await act(no, 'disburse', 'approver-czjr', { on: day() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'disbursed');
    assert.equal(r.json.due_on, day(9));
    expectError(assert, await act(no, 'confirm-renewal', 'bank-2', { contract_no: 'X', amount: 1500, on: day() }), 404, 'not_found');
    expectError(assert, await act(no, 'confirm-renewal', 'bank-1', { amount: 1500, on: day() }), 422, 'invalid', 'contract_no');
    expectError(assert, await act(no, 'confirm-renewal', 'bank-1', { contract_no: 'X', amount: 'lots', on: day() }), 422, 'invalid', 'amount');
    r = await act(no, 'confirm-renewal', 'bank-1', { contract_no: '工银续贷2026-001', amount: 1500, on: day() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'renewed');
    expectError(assert, await act(no, 'repay', 'bank-1', { on: day() }), 403, 'forbidden');
    r = await act(no, 'repay', 'approver-czjr', { on: day() });
    assert.equal(r.status, 200, r.text);
    // one day at 0.01%: 10,000,000 yuan → 1,000 yuan
    assert.equal(r.json.fee_fen, 100000);
    assert.deepEqual(r.json.entries.map((e) => [e.kind, e.account, e.amount_fen]), [
      ['disburse', 'receivable', 1000e6], ['disburse', 'cash', -1000e6],
      ['repay', 'cash', 1000e6 + 100000], ['repay', 'fee', -100000], ['repay', 'receivable', -1000e6]]);
    expectError(assert, await act(no, 'repay', 'approver-czjr', { on: day() }), 409, 'conflict');

    const st = (await api('GET', `/finance/statements/${FIRM}`, 'business1')).json;
    assert.equal(st.lent_fen, 1000e6);
    assert.equal(st.owed_fen, 0);
    assert.equal(st.fees_fen, 100000);
    expectError(assert, await api('GET', `/finance/statements/${FIRM}`, 'applicant1'), 404, 'not_found');
    expectError(assert, await api('GET', `/finance/statements/${FIRM}`, 'bank-2'), 404, 'not_found');
    assert.equal((await api('GET', `/finance/statements/${FIRM}`, 'bank-1')).status, 200);

    const j = (await api('GET', '/finance/journal', 'approver-czjr')).json;
    assert.equal(j.balanced, true);
    assert.equal(sum(j.entries, (e) => sum(e.lines, (l) => l.amount_fen)), 0);
    for (const e of j.entries) assert.equal(sum(e.lines, (l) => l.amount_fen), 0, `entry ${e.id}`);
    assert.equal(sum(j.accounts, (a) => a.balance_fen), 0);
    assert.equal((await api('GET', '/finance/journal', 'approver1')).json.entries.length, 0);
    const f = (await api('GET', '/finance/fund', 'clerk1')).json;
    assert.equal(f.cash_fen, 5000e6 + 100000);
    assert.equal(f.cash_fen, f.capital_fen + f.fees_fen - f.outstanding_fen);
    assert.equal(f.outstanding_fen, 0);
  });

  test('a firm\'s limit counts what it already has out, at filing and again at approval', async () => {
    const a = await approvedLoan(form({ credit_code: FIRM2, amount: 1500, loan_amount: 2000 }));
    expectError(assert, await file(form({ credit_code: FIRM2, amount: 600 })), 422, 'invalid', 'form.amount');
    // filed under the limit, then another approved before it: its approval is refused
    let r = await file(form({ credit_code: FIRM2, amount: 500 }));
    assert.equal(r.status, 201, r.text);
    const b = r.json.no;
    assert.equal((await act(a, 'cancel', 'approver-czjr', { reason: '企业放弃' })).status, 200);
    await approvedLoan(form({ credit_code: FIRM2, amount: 1600, loan_amount: 2000 }));
    assert.equal((await api('POST', `/cases/${b}/actions/accept`, 'clerk1')).status, 200);
    const c = (await api('GET', `/cases/${b}`, 'supervisor1')).json;
    r = await api('POST', `/cases/${b}/actions/approve`, (c.current_step || {}).assignee || 'approver-czjr', { opinion: '同意' });
    expectError(assert, r, 409, 'conflict', 'form.amount');
    expectError(assert, await act(a, 'cancel', 'approver-czjr', { reason: 'again' }), 409, 'conflict');
    expectError(assert, await act(a, 'cancel', 'approver-czjr', { reason: '' }), 422, 'invalid', 'reason');
  });

  test('a loan past its due day turns overdue through the job, red; the late days cost more', async () => {
    const n = await approvedLoan(form({ credit_code: uscc('91371000MA3F00003'), amount: 200 }));
    assert.equal((await act(n, 'disburse', 'approver-czjr', { on: day() })).status, 200);
    // lent twelve days ago for ten: two days late
    sql(s.db, `UPDATE fin_loans SET disbursed_on = '${day(-11)}', due_on = '${day(-2)}' WHERE case_no = '${n}'`);
    let l;
    for (let i = 0; i < 50; i++) {
      l = (await api('GET', `/finance/bridge-loans/${n}`, 'approver-czjr')).json;
      if (l.state === 'overdue') break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    assert.equal(l.state, 'overdue');
    assert.equal(l.light, 'red');
    // the firm (its application's phone) and the fund are told, once
    for (const to of [`case:${n}`, 'user:approver-czjr']) {
      assert.equal(Number(sql(s.db, `SELECT COUNT(*) FROM notifications WHERE recipient = '${to}' AND text LIKE '%${n}%已过到期日%'`).trim()), 1, to);
    }
    const r = await act(n, 'repay', 'approver-czjr', { on: day() });
    assert.equal(r.status, 200, r.text);
    // 2,000,000 yuan: ten days at 0.01% and two at 0.05%
    assert.equal(r.json.fee_fen, 200e6 * (10 * 10 + 2 * 50) / 100000);
  });

  test('queries are checked', async () => {
    expectError(assert, await api('GET', '/finance/bridge-loans?state=lost', 'approver-czjr'), 422, 'invalid', 'state');
    expectError(assert, await api('GET', '/finance/bridge-loans?credit_code=12', 'approver-czjr'), 422, 'invalid', 'credit_code');
    expectError(assert, await api('GET', '/finance/bridge-loans/abc', 'approver-czjr'), 404, 'not_found');
    expectError(assert, await api('GET', '/finance/statements/123', 'approver-czjr'), 404, 'not_found');
    const by = (await api('GET', `/finance/bridge-loans?credit_code=${FIRM2}&state=cancelled`, 'approver-czjr')).json.loans;
    assert.equal(by.length, 1);
  });
});

// 惠企资金: the schemes' rules compute the amount (interest, premium, IP awards), held to the
// firm's cap for the year; the application is a case; its approval opens the grant; the
// scheme's department pays it as a journal entry.
describe('grants', () => {
  const IP = '371091051005038000';
  const INTEREST = '371091051005036000';
  const PREMIUM = '371091051005037000';
  const GFIRM = uscc('91371000MA3G00001');
  const ipForm = (o = {}) => ({ credit_code: GFIRM, firm_name: '威海知识产权测试有限公司', inventions: 3, utility_models: 10, designs: 2, trademarks: 1, pct: 1, contact_phone: '13900005678', ...o });
  const quote = (item, f) => api('POST', '/finance/grants/quote', 'business1', { item, form: f });

  test('the rules give the amounts, with their basis; the cap holds', async () => {
    const schemes = (await api('GET', '/finance/grant-schemes')).json.schemes;
    assert.deepEqual(schemes.map((x) => x.kind), ['interest', 'premium', 'ip']);
    let q = (await quote(INTEREST, { credit_code: GFIRM, firm_name: 'x', bank: '中国银行', loan_amount: 1000, rate: 4.35, start: '2026-01-01', end: '2026-12-31', contact_phone: '13900005678' })).json;
    // 10,000,000 × 4.35% × 365/365 × 50% = 217,500 yuan
    assert.equal(q.computed_fen, 21750000);
    assert.match(q.basis, /年利率4\.35%.*365\/365天.*50%/);
    q = (await quote(PREMIUM, { credit_code: GFIRM, firm_name: 'x', loan_amount: 300, premium: 45000.5, contact_phone: '13900005678' })).json;
    assert.equal(q.computed_fen, 2250025);
    q = (await quote(IP, ipForm())).json;
    // 3×5000 + 10×500 + 2×300 + 1×1000 + 1×10000 = 31,600 yuan
    assert.equal(q.computed_fen, 3160000);
    assert.equal(q.amount_fen, 3160000);
    q = (await quote(IP, ipForm({ inventions: 50 }))).json;
    assert.equal(q.computed_fen, (250000 + 5000 + 600 + 1000 + 10000) * 100);
    assert.equal(q.amount_fen, 200000 * 100, 'held to the cap of 200,000 yuan');
    assert.match(q.basis, /已按上限核减/);
    expectError(assert, await quote(IP, ipForm({ inventions: 1.5 })), 422, 'invalid', 'form.inventions');
    expectError(assert, await quote(IP, ipForm({ inventions: 0, utility_models: 0, designs: 0, trademarks: 0, pct: 0 })), 422, 'invalid', 'form.inventions');
    expectError(assert, await quote(INTEREST, { credit_code: GFIRM, loan_amount: 10, rate: 4.35, start: '2026-05-01', end: '2026-04-01' }), 422, 'invalid', 'form.end');
    expectError(assert, await quote('371091011001007000', ipForm()), 404, 'not_found', 'item');
  });

  test('an application, its approval, the grant paid by the scheme\'s department', async () => {
    expectError(assert, await api('POST', '/cases', 'business1', { item: IP, form: ipForm({ pct: -1 }), materials: ['m1', 'm2', 'm3'].map((id) => ({ id, sha256: sha })) }), 422, 'invalid', 'form.pct');
    let r = await api('POST', '/cases', 'business1', { item: IP, form: ipForm(), materials: ['m1', 'm2', 'm3'].map((id) => ({ id, sha256: sha })) });
    assert.equal(r.status, 201, r.text);
    const no = r.json.no;
    assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
    const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
    r = await api('POST', `/cases/${no}/actions/approve`, (c.current_step || {}).assignee || 'approver-scjg', { opinion: '同意' });
    assert.equal(r.status, 200, r.text);
    const mine = (await api('GET', '/finance/grants', 'business1')).json.grants;
    assert.deepEqual(mine.map((g) => [g.no, g.state, g.amount_fen]), [[no, 'approved', 3160000]]);
    assert.equal((await api('GET', '/finance/grants', 'approver-scjg')).json.grants.length, 1);
    assert.equal((await api('GET', '/finance/grants', 'approver-czjr')).json.grants.length, 0, 'another scheme\'s department');
    assert.equal((await api('GET', '/finance/grants', 'applicant1')).json.grants.length, 0);
    expectError(assert, await api('POST', `/finance/grants/${no}/actions/pay`, 'approver-czjr', { on: day(), voucher: 'V1' }), 404, 'not_found');
    expectError(assert, await api('POST', `/finance/grants/${no}/actions/pay`, 'approver-scjg', { on: day() }), 422, 'invalid', 'voucher');
    expectError(assert, await api('POST', `/finance/grants/${no}/actions/pay`, 'approver-scjg', { on: day(1), voucher: 'V1' }), 422, 'invalid', 'on');
    r = await api('POST', `/finance/grants/${no}/actions/pay`, 'approver-scjg', { on: day(), voucher: '国库支付2026-118' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'paid');
    expectError(assert, await api('POST', `/finance/grants/${no}/actions/pay`, 'approver-scjg', { on: day(), voucher: 'again' }), 409, 'conflict');
    const j = (await api('GET', '/finance/journal', 'supervisor1')).json;
    const e = j.entries.find((x) => x.kind === 'grant');
    assert.deepEqual(e.lines.map((l) => [l.account, l.firm, l.amount_fen]), [['subsidy', GFIRM, 3160000], ['budget', '', -3160000]]);
    assert.equal(j.balanced, true);
    const s = (await api('GET', '/finance/grant-schemes')).json.schemes.find((x) => x.item === IP);
    assert.deepEqual([s.firms, s.grants, s.approved_fen, s.paid_fen], [1, 1, 3160000, 3160000]);
    // the year's cap counts what the firm has: 200,000 − 31,600 left
    const q = (await quote(IP, ipForm({ inventions: 50 }))).json;
    assert.equal(q.amount_fen, (200000 - 31600) * 100);
  });
});

// 金融辅导队 and the 信财银保 platform: pairs, visits (only with the paired team; a bank seat for
// its own bank's team), platform registrations and loans; the figures are the rows' sums.
describe('advisory teams and the platform', () => {
  const A = uscc('91371000MA3W00001');
  const rec = (kind, who, body) => api('POST', `/finance/advisory/${kind}`, who, body);

  test('pairs and visits, checked; the figures add up', async () => {
    const teams = (await api('GET', '/finance/advisory', 'clerk1')).json.teams;
    assert.equal(teams.length, 7);
    expectError(assert, await rec('pairs', 'approver-czjr', { team: 'T9', credit_code: A, firm: '辅导测试有限公司', on: day() }), 422, 'invalid', 'team');
    expectError(assert, await rec('pairs', 'approver-czjr', { team: 'T1', credit_code: A.slice(0, 17) + '0', firm: 'x', on: day() }), 422, 'invalid', 'credit_code');
    expectError(assert, await rec('pairs', 'approver1', { team: 'T1', credit_code: A, firm: 'x', on: day() }), 403, 'forbidden');
    expectError(assert, await rec('lunches', 'approver-czjr', {}), 404, 'not_found');
    let r = await rec('pairs', 'approver-czjr', { team: 'T1', credit_code: A, firm: '辅导测试有限公司', on: day() });
    assert.equal(r.status, 201, r.text);
    expectError(assert, await rec('visits', 'approver-czjr', { team: 'T2', credit_code: A, on: day(), note: '走访' }), 422, 'invalid', 'credit_code');
    expectError(assert, await rec('visits', 'approver-czjr', { team: 'T1', credit_code: A, on: day(1), note: '走访' }), 422, 'invalid', 'on');
    expectError(assert, await rec('visits', 'approver-czjr', { team: 'T1', credit_code: A, on: day(), note: '' }), 422, 'invalid', 'note');
    // T1 is 中国工商银行's: bank-1 records its visits, bank-2 may not
    expectError(assert, await rec('visits', 'bank-2', { team: 'T1', credit_code: A, on: day(), note: '走访' }), 403, 'forbidden');
    r = await rec('visits', 'bank-1', { team: 'T1', credit_code: A, on: day(), note: '制定融资方案', financing: 800 });
    assert.equal(r.status, 201, r.text);
    r = await rec('visits', 'approver-czjr', { team: 'T1', credit_code: A, on: day(), note: '回访' });
    const t1 = r.json.teams.find((t) => t.code === 'T1');
    assert.deepEqual([t1.firms, t1.visits, t1.financing_fen], [1, 2, 800e6]);
  });

  test('the platform\'s registrations and loans', async () => {
    expectError(assert, await rec('platform', 'approver-czjr', { kind: 'loan', credit_code: A, firm: 'x', on: day() }), 422, 'invalid', 'bank');
    expectError(assert, await rec('platform', 'approver-czjr', { kind: 'loan', credit_code: A, firm: 'x', bank: '中国工商银行', on: day() }), 422, 'invalid', 'amount');
    expectError(assert, await rec('platform', 'approver-czjr', { kind: 'gift', credit_code: A, firm: 'x', on: day() }), 422, 'invalid', 'kind');
    expectError(assert, await rec('platform', 'bank-2', { kind: 'loan', credit_code: A, firm: 'x', bank: '中国工商银行', amount: 10, on: day() }), 403, 'forbidden');
    assert.equal((await rec('platform', 'approver-czjr', { kind: 'registered', credit_code: A, firm: '辅导测试有限公司', on: day() })).status, 201);
    assert.equal((await rec('platform', 'approver-czjr', { kind: 'registered', credit_code: A, firm: '辅导测试有限公司', on: day() })).status, 201);
    const r = await rec('platform', 'bank-1', { kind: 'loan', credit_code: A, firm: '辅导测试有限公司', bank: '中国工商银行', amount: 300, on: day() });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.platform, { firms: 1, loans: 1, loan_fen: 300e6 });
  });
});
