// 年度数据 in the browser: a supervisor opens a year's figures from the menu, each beside the
// district's report with the difference, changes the year, and has the workbook's link; an
// applicant is told the page is not theirs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

const cell = (page, key, cls) => page.textContent(`#figures tr[data-key="${key}"] td.${cls}`);

test('a supervisor reads a year beside the report, changes the year, exports it', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'supervisor1');
  await page.click('header.top a[href="/report.html"]');
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  await page.waitForFunction((y) => document.querySelector('#title').textContent === `${y}年度数据`, year);
  await page.waitForSelector('#figures tbody tr[data-key="tax_hours_after"]');
  // the tax figures are the items' own: computed 14 beside the report's 14, no difference
  assert.equal(await cell(page, 'tax_hours_after', 'value'), '14');
  assert.equal(await cell(page, 'tax_hours_after', 'stated'), '14');
  assert.equal(await cell(page, 'tax_hours_after', 'diff'), '+0.0%');
  // a bare district issued no certificate: all of the report's 221,900 missing
  assert.equal(await cell(page, 'e_certificates', 'stated'), '221,900');
  assert.equal(await cell(page, 'e_certificates', 'diff'), '-100.0%');
  assert.match(await cell(page, 'online_rate', 'diff'), /个百分点$/);
  await page.fill('#year', String(year - 1));
  await page.click('#show');
  await page.waitForFunction((y) => document.querySelector('#title').textContent === `${y}年度数据`, year - 1);
  assert.equal(await page.getAttribute('#xlsx', 'href'), `/api/v1/report/year?year=${year - 1}&format=xlsx`);
  await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
  // 打印: the button prints; printed, the page is the table alone (no menu, no controls)
  await page.evaluate(() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; });
  await page.click('#print');
  assert.equal(await page.evaluate(() => window.printed), 1);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.isHidden('header.top'));
  assert.ok(await page.isHidden('#print'));
  assert.ok(await page.isVisible('#figures'));
  const pdf = join(SHOTS, 'report.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, new RegExp(`${year - 1}年度数据`));
  assert.match(text, /可全程网办率/);
  assert.doesNotMatch(text, /导出Excel/);
  await page.emulateMedia({ media: 'screen' });
  // ?year= opens that year
  await page.goto(s.url + '/report.html?year=2024');
  await page.waitForFunction(() => document.querySelector('#title').textContent === '2024年度数据');
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();

  const other = await newPage(browser);
  await logIn(other, s.url, 'applicant1');
  await other.goto(s.url + '/report.html');
  await other.waitForFunction(() => /监察和管理人员/.test(document.body.textContent));
  assert.equal(await other.$$eval('#figures tbody tr', (r) => r.length), 0);
  await other.close();
});
