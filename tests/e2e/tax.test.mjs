// 纳税服务 in the browser: the public page shows the indicators summed from the tax items and
// each item's relief; an item's link opens its guide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

test('the public tax page: 6 → 3 payments, 50 → 14 hours, every item non-contact', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/tax.html');
  await page.waitForSelector('#items tbody tr');
  const figures = await page.textContent('#figures');
  assert.match(figures, /8\/8非接触式办理事项/);
  assert.match(figures, /6 → 3纳税次数/);
  assert.match(figures, /50 → 14纳税时间/);
  assert.match(await page.textContent('#items tr[data-code="371091041005035000"]'), /财产和行为税合并申报.*是.*3 → 1.*10 → 3.*六税两费/);
  await page.screenshot({ path: join(SHOTS, 'tax.png'), fullPage: true });
  await page.click('#items tr[data-code="371091041005035000"] a');
  await page.waitForURL(/item\.html\?code=371091041005035000/);
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
