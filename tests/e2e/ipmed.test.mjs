// 知识产权人民调解工作站 in the browser: 市场监管 receives a dispute, takes it into mediation and
// settles it; the public figures count it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

test('a dispute received, mediated and settled', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'approver-scjg');
  await page.goto(s.url + '/ipmed.html');
  await page.waitForSelector('#new-card:not(.hidden)');
  await page.selectOption('#kind', '商标');
  await page.fill('#claimant', '威海经区某品牌有限公司');
  await page.fill('#respondent', '某商贸经营部');
  await page.fill('#claims', '停止销售侵权商品，赔偿损失');
  await page.fill('#amount', '30000');
  await page.click('#new-save');
  await page.waitForSelector('#disputes tbody tr .act-mediate');
  page.once('dialog', (d) => d.accept('王磊'));
  await page.click('#disputes tbody tr .act-mediate');
  await page.waitForSelector('#disputes tbody tr .act-settle');
  const answers = ['双方达成调解协议', '12000'];
  const onDialog = (d) => d.accept(answers.shift());
  page.on('dialog', onDialog);
  await page.click('#disputes tbody tr .act-settle');
  // The state cell (the fifth), not the row: a row in mediation carries a button labelled 调解成功.
  await page.waitForFunction(() => document.querySelector('#disputes tbody tr td:nth-child(5)').textContent === '调解成功');
  await page.waitForFunction(() => /1调解成功/.test(document.querySelector('#figures').textContent));
  page.off('dialog', onDialog);
  assert.match(await page.textContent('#figures'), /1受理1调解1调解成功/);
  await page.screenshot({ path: join(SHOTS, 'ipmed.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
