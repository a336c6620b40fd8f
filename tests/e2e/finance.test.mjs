// 应急转贷 in the browser: a firm applies from the fund's page (the fund's rules refuse a
// use too long, naming the field), the window accepts and the finance bureau approves;
// the bureau disburses on its page, the firm's bank confirms the renewal on its own, the
// bureau takes the repayment with its fee; the firm's statement and the journal, balanced.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const uscc = (f) => { let n = 0; for (let i = 0; i < 17; i++) n += CHARS.indexOf(f[i]) * W[i]; return f + CHARS[(31 - (n % 31)) % 31]; };
const FIRM = uscc('91371000MA3E00001');
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

let s;
let browser;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });

before(async () => {
  s = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

async function loanRow(page, no, state) {
  await page.waitForFunction(([n, t]) => {
    const r = document.querySelector(`#loans tr[data-no="${n}"]`);
    return r && r.textContent.includes(t);
  }, [no, state]);
}

test('a firm applies; the fund disburses, the bank confirms, the firm repays; the books balance', async () => {
  const page = await newPage(browser);
  // 1. the firm applies from the fund's page
  await logIn(page, s.url, 'business1');
  await page.goto(s.url + '/finance.html');
  await page.waitForSelector('#apply-link:not(.hidden)');
  await page.click('#apply-a');
  await page.waitForSelector('#apply-form:not(.hidden)');
  await page.fill('[name="form.credit_code"]', FIRM);
  await page.fill('[name="form.firm_name"]', '威海经区浏览器测试有限公司');
  await page.selectOption('[name="form.bank"]', '中国工商银行');
  await page.fill('[name="form.loan_amount"]', '900');
  await page.fill('[name="form.loan_due"]', day(8));
  await page.fill('[name="form.amount"]', '800');
  await page.fill('[name="form.days"]', '20');
  await page.fill('[name="form.contact_phone"]', '13900005678');
  for (const m of ['m1', 'm2', 'm3', 'm4']) await page.setInputFiles(`[name="material.${m}"]`, pdf(`${m}.pdf`));
  await page.click('#submit');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /form\.days/);
  await page.fill('[name="form.days"]', '10');
  await page.click('#submit');
  await page.waitForURL(/\/case\.html\?no=\d{20}$/);
  const no = new URL(page.url()).searchParams.get('no');

  // 2. the window accepts, the bureau approves; the treasury has paid in
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  assert.equal((await api('POST', `/cases/${no}/actions/approve`, (c.current_step || {}).assignee || 'approver-czjr', { opinion: '同意' })).status, 200);
  assert.equal((await api('POST', '/finance/fund/capital', 'approver-czjr', { amount: 5000, on: day(), memo: '区财政注资' })).status, 200);
  await page.goto(s.url + '/finance.html');
  await loanRow(page, no, '已批准待放款');

  // 3. the bureau disburses
  await logIn(page, s.url, 'approver-czjr');
  await page.goto(s.url + '/finance.html');
  await loanRow(page, no, '已批准待放款');
  assert.match(await page.textContent('#fund'), /50,000,000\.00/);
  await page.click(`#loans tr[data-no="${no}"] .act-disburse`);
  await page.click('#act-save');
  await loanRow(page, no, '已放款');
  assert.match(await page.textContent(`#loans tr[data-no="${no}"]`), /正常/);

  // 4. the firm's bank confirms the renewal of its loan
  await logIn(page, s.url, 'bank-1');
  await page.goto(s.url + '/finance.html');
  await loanRow(page, no, '已放款');
  await page.click(`#loans tr[data-no="${no}"] .act-confirm-renewal`);
  await page.fill('#contract-no', '工银续贷2026-088');
  await page.click('#act-save');
  await loanRow(page, no, '银行已续贷');

  // 5. the bureau takes the repayment; the fee is one day's: 8,000,000 × 0.01% = 800 yuan
  await logIn(page, s.url, 'approver-czjr');
  await page.goto(s.url + '/finance.html');
  await loanRow(page, no, '银行已续贷');
  await page.click(`#loans tr[data-no="${no}"] .act-repay`);
  await page.click('#act-save');
  await loanRow(page, no, '已归还');
  assert.match(await page.textContent(`#loans tr[data-no="${no}"]`), /800\.00/);
  await page.click(`#loans tr[data-no="${no}"] a.firm`);
  await page.waitForSelector('#statement-card:not(.hidden)');
  assert.match(await page.textContent('#statement-total'), /累计转贷 ¥8,000,000\.00，应还余额 ¥0\.00，已缴费用 ¥800\.00/);
  await page.waitForSelector('#balanced-flag');
  assert.match(await page.textContent('#balanced-flag'), /账务平衡：3 张凭证/);
  assert.equal(await page.textContent('#trial-total'), '0.00');
  // 金融辅导队: a visit recorded for a firm the team is paired with
  const firm = '91371000MA3W00002';
  const code = firm + CHARS[(31 - ([...firm].reduce((a, ch, i) => a + CHARS.indexOf(ch) * W[i], 0) % 31)) % 31];
  assert.equal((await api('POST', '/finance/advisory/pairs', 'approver-czjr', { team: 'T3', credit_code: code, firm: '辅导浏览器测试有限公司', on: day() })).status, 201);
  await page.waitForSelector('#advisory-card:not(.hidden) #teams tr[data-team="T3"]');
  await page.selectOption('#visit-team', 'T3');
  await page.fill('#visit-code', code);
  await page.fill('#visit-note', '制定融资方案');
  await page.fill('#visit-financing', '500');
  await page.click('#visit-save');
  await page.waitForFunction(() => document.querySelector('#teams tr[data-team="T3"]').textContent.includes('5,000,000.00'));
  await page.screenshot({ path: join(SHOTS, 'finance.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of (401|409|422)/.test(p)), []);
  await page.close();
});
