// 存量证照电子化 in the browser: the department's approver downloads the type's template,
// uploads a CSV with a bad row (named, nothing converted), then the corrected file; the
// figures count them, and the holder finds the certificate in 我的证照.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

const upload = (page, text) => page.setInputFiles('#convert-file', { name: '存量.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + text) });

test('an approver converts a CSV of paper licences after correcting the row it names', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'approver1');
  await page.goto(s.url + '/certs.html');
  await page.waitForSelector('#convert-card:not(.hidden) #convert-type option[value="food-business-licence"]', { state: 'attached' });
  await page.selectOption('#convert-type', 'food-business-licence');
  // the template: the batch's columns, the type's own field last
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#convert-template')]);
  assert.equal(download.suggestedFilename(), '食品经营许可证存量证照模板.csv');
  const head = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trim();
  assert.equal(head, '持证主体,证件号码,原证编号,发证日期,有效期至,经营项目');
  const good = '张三,371002199001011237,JY23710910077001,2021-06-01,2026-12-31,"预包装食品销售,散装食品"';
  await upload(page, `${head}\r\n${good}\r\n威海经区某超市,91371000MA3C5X8J10,JY23710910077002,2021-06-02,2026-12-31,预包装食品销售\r\n`);
  await page.click('#convert-submit');
  await page.waitForSelector('#convert-problems:not(.hidden) tbody tr');
  assert.match(await page.textContent('#error'), /有 1 行有误，整批未转换/);
  assert.match(await page.textContent('#convert-problems tbody'), /第 3 行证件号码/);
  assert.equal(await page.$$eval('#conversions tbody tr', (r) => r.length), 0);
  // corrected: the check character of the firm's code
  await upload(page, `${head}\r\n${good}\r\n威海经区某超市,91371000MA3C5X8J11,JY23710910077002,2021-06-02,2026-12-31,预包装食品销售\r\n`);
  await page.click('#convert-submit');
  await page.waitForFunction(() => /已转换 2 张食品经营许可证/.test(document.querySelector('#convert-result').textContent));
  await page.waitForFunction(() => document.querySelector('#conversions tr[data-type="food-business-licence"] td.num')?.textContent === '2');
  assert.ok(await page.isHidden('#convert-problems'));
  await page.screenshot({ path: join(SHOTS, 'cert-convert.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of (401|422)/.test(p)), []);
  await page.close();

  const holder = await newPage(browser);
  await logIn(holder, s.url, 'applicant1');
  await holder.goto(s.url + '/certs.html');
  await holder.waitForFunction(() => [...document.querySelectorAll('#certs tbody tr')].some((r) => r.textContent.includes('食品经营许可证')));
  assert.ok(await holder.isHidden('#convert-card'));
  await holder.click('#certs tbody tr a:text("食品经营许可证")');
  await holder.waitForFunction(() => document.body.textContent.includes('JY23710910077001'));
  await holder.close();
});

test('an administrator converts for a department chosen by name; the figures name it', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'admin');
  await page.goto(s.url + '/certs.html');
  await page.waitForSelector('#convert-dept-label:not(.hidden) #convert-dept option[value="xzsp"]', { state: 'attached' });
  await page.selectOption('#convert-type', 'food-business-licence');
  const head = '持证主体,证件号码,原证编号,发证日期,有效期至,经营项目';
  const row = '威海经区某便利店,91371000MA3C5X8J11,JY23710910077009,2022-03-01,2027-02-28,预包装食品销售';
  // without a department the administrator is asked for one
  await upload(page, `${head}\r\n${row}\r\n`);
  await page.click('#convert-submit');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /department/);
  await page.selectOption('#convert-dept', 'xzsp');
  await upload(page, `${head}\r\n${row}\r\n`);
  await page.click('#convert-submit');
  await page.waitForFunction(() => /已转换 1 张食品经营许可证/.test(document.querySelector('#convert-result').textContent));
  await page.waitForFunction(() => document.querySelector('#conversions tr[data-type="food-business-licence"]')?.textContent.includes('经区行政审批服务局'));
  assert.deepEqual(page.problems.filter((p) => !/status of (401|422)/.test(p)), []);
  await page.close();
});
