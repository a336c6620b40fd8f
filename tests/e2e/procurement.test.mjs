// 政府采购 in the browser: a budget unit records an award notice (the supplier's deposit rule
// shown as the code is typed), signs it; the finance department files it; a contract past
// its signing limit shows red and is signed only with its reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const uscc = (f) => { let n = 0; for (let i = 0; i < 17; i++) n += CHARS.indexOf(f[i]) * W[i]; return f + CHARS[(31 - (n % 31)) % 31]; };
const SUPPLIER = uscc('91371000MA3Q00001');
const day = (d = 0) => new Date(Date.now() + 8 * 3600e3 + d * 86400e3).toISOString().slice(0, 10);

let s;
let browser;
const tok = {};
const api = async (method, path, who, body, headers) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body, headers });

before(async () => {
  s = await startServer();
  browser = await launch();
  const csv = `credit_code,name,type,industry,address,region,class\n${SUPPLIER},威海经区教学设备有限公司,有限责任公司,F5179,青岛路9号,皇冠街道,A\n`;
  assert.equal((await api('POST', '/inspection/rosters/entities', 'admin', csv, { 'Content-Type': 'text/csv' })).status, 200);
});
after(async () => { await browser?.close(); await s?.stop(); });

const row = (page, id, text) => page.waitForFunction(([i, t]) => {
  const r = document.querySelector(`#contracts tr[data-id="${i}"]`);
  return r && r.textContent.includes(t);
}, [id, text]);

test('a unit records, signs; the finance department files; a late one needs its reason', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'approver-jy');
  await page.goto(s.url + '/procurement.html');
  await page.waitForSelector('#new-card:not(.hidden)');
  await page.fill('[name="project"]', '中小学教学设备采购');
  await page.fill('[name="project_no"]', 'JQCG-E2E-01');
  await page.selectOption('[name="method"]', '公开招标');
  await page.fill('#supplier-code', SUPPLIER);
  await page.dispatchEvent('#supplier-code', 'change');
  await page.waitForFunction(() => document.querySelector('#deposit-hint').textContent.includes('免收投标保证金'));
  await page.fill('[name="supplier"]', '威海经区教学设备有限公司');
  await page.check('#sme');
  await page.fill('[name="amount"]', '860000');
  await page.click('#new-save');
  await page.waitForSelector('#contracts tbody tr');
  const id = await page.getAttribute('#contracts tbody tr', 'data-id');
  await row(page, id, '待签订');
  assert.match(await page.textContent(`#contracts tr[data-id="${id}"]`), /免收.*正常/);
  await page.click(`#contracts tr[data-id="${id}"] .act-sign`);
  await page.click('#act-save');
  await row(page, id, '已签订待备案');

  await logIn(page, s.url, 'approver-czjr');
  await page.goto(s.url + '/procurement.html');
  await row(page, id, '已签订待备案');
  await page.click(`#contracts tr[data-id="${id}"] .act-file`);
  await page.click('#act-save');
  await row(page, id, '已备案');

  // awarded twenty days ago: red, and signed only with a reason
  const late = (await api('POST', '/procurement/contracts', 'approver-jy', { project: '校园安防系统升级', project_no: 'JQCG-E2E-02', method: '竞争性磋商', supplier_code: SUPPLIER, supplier: '威海经区教学设备有限公司', amount: 320000, awarded_on: day(-20) })).json.id;
  await logIn(page, s.url, 'approver-jy');
  await page.goto(s.url + '/procurement.html');
  await row(page, late, '逾期');
  await page.click(`#contracts tr[data-id="${late}"] .act-sign`);
  await page.click('#act-save');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /reason/);
  await page.fill('#act-reason', '供应商资质复核，延期签订');
  await page.click('#act-save');
  await row(page, late, '原因：供应商资质复核，延期签订');
  await page.screenshot({ path: join(SHOTS, 'procurement.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of (401|422)/.test(p)), []);
  await page.close();
});
