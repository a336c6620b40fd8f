// 惠企资金 in the browser: a firm quotes an IP award from the scheme's own form (the amount
// and its basis shown), applies; the window accepts, 市场监管 approves; 市场监管 pays it on the
// page and the scheme's figures count it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const IP = '371091051005038000';
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const uscc = (f) => { let n = 0; for (let i = 0; i < 17; i++) n += CHARS.indexOf(f[i]) * W[i]; return f + CHARS[(31 - (n % 31)) % 31]; };
const FIRM = uscc('91371000MA3H00001');
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });

let s;
let browser;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });

before(async () => {
  s = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

test('a firm quotes and applies for an IP award; 市场监管 pays it', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'business1');
  await page.goto(s.url + '/grants.html');
  await page.click(`#schemes tr[data-item="${IP}"] .quote`);
  await page.waitForSelector('#quote-card:not(.hidden)');
  for (const [k, v] of Object.entries({ credit_code: FIRM, inventions: 2, utility_models: 5, designs: 0, trademarks: 1, pct: 0 })) await page.fill(`#quote-form [name="${k}"]`, String(v));
  await page.click('#quote-run');
  await page.waitForSelector('#quote-result:not(.hidden)');
  // 2×5000 + 5×500 + 1×1000 = 13,500 yuan
  assert.match(await page.textContent('#quote-result'), /可享 ¥13,500\.00（发明专利2件×5000元 \+ 实用新型专利5件×500元 \+ 注册商标1件×1000元/);
  await page.click('#quote-apply');
  await page.waitForSelector('#apply-form:not(.hidden)');
  const form = { credit_code: FIRM, firm_name: '威海经区专利测试有限公司', inventions: 2, utility_models: 5, designs: 0, trademarks: 1, pct: 0, contact_phone: '13900005678' };
  for (const [k, v] of Object.entries(form)) await page.fill(`[name="form.${k}"]`, String(v));
  for (const m of ['m1', 'm2', 'm3']) await page.setInputFiles(`[name="material.${m}"]`, pdf(`${m}.pdf`));
  await page.click('#submit');
  await page.waitForURL(/\/case\.html\?no=\d{20}$/);
  const no = new URL(page.url()).searchParams.get('no');
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  assert.equal((await api('POST', `/cases/${no}/actions/approve`, (c.current_step || {}).assignee || 'approver-scjg', { opinion: '同意' })).status, 200);

  await logIn(page, s.url, 'approver-scjg');
  await page.goto(s.url + '/grants.html');
  await page.waitForSelector(`#grants tr[data-no="${no}"] .pay`);
  assert.match(await page.textContent(`#grants tr[data-no="${no}"]`), /13,500\.00.*已核定待兑付/);
  page.once('dialog', (d) => d.accept('国库支付E2E-001'));
  await page.click(`#grants tr[data-no="${no}"] .pay`);
  await page.waitForFunction((n) => document.querySelector(`#grants tr[data-no="${n}"]`).textContent.includes('已兑付'), no);
  assert.match(await page.textContent(`#schemes tr[data-item="${IP}"]`), /13,500\.00.*13,500\.00/);
  await page.screenshot({ path: join(SHOTS, 'grants.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
