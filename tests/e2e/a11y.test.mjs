// Accessibility (issue 21, 适老化 and accessibility): every page, as each seat sees it, passes
// axe-core (the npm package, run inside Debian's Chromium) with no serious or critical
// violation. axe is evaluated through the debugging protocol, so the pages' CSP stays as served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { axeViolations, launch, newPage, logIn, SHOTS } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

// The page at path (or the page as it stands), checked.
async function violations(page, path) {
  if (path) {
    await page.goto(s.url + path);
    await page.waitForLoadState('load');
    await page.waitForTimeout(500); // the page's own requests fill it in
  }
  return axeViolations(page);
}

async function pass(who, paths) {
  const page = await newPage(browser);
  if (who) await logIn(page, s.url, who);
  const found = [];
  for (const p of paths) for (const v of await violations(page, p)) found.push(`${who || 'anyone'} ${p}: ${v}`);
  await page.close();
  assert.deepEqual(found, []);
}

test('the public pages: the guide, an item, progress, verification, the hall screens, the figures', async () => {
  const cert = (await s.api('GET', '/api/v1/certificates?limit=1', { token: await s.login('approver1') })).json.certificates?.[0];
  await pass(null, ['/', '/item.html?code=371091011001007000', '/progress.html', '/verify.html', '/login.html',
    '/things.html', '/tax.html', '/court.html', '/spotcheck.html', '/satisfaction.html', '/draw.html',
    '/inspections.html', '/poster.html', '/hall/kiosk.html', '/hall/board.html', '/foreign.html', '/hall/terminal.html',
    ...(cert ? [`/cert.html?id=${encodeURIComponent(cert.id)}`] : [])]);
});

test("an applicant's pages: mine, applying, a case, certificates, rating", async () => {
  const mine = (await s.api('GET', '/api/v1/cases?applicant=me&limit=1', { token: await s.login('applicant1') })).json.cases?.[0];
  await pass('applicant1', ['/my.html', '/apply.html?item=371091011002014000', '/certs.html', '/review.html',
    '/training.html', '/runs.html', '/run.html', ...(mine ? [`/case.html?no=${mine.no}`] : [])]);
});

test("the staff's pages: window, counter, inbox, supervision, the administrator's editor", async () => {
  await pass('clerk1', ['/window.html', '/inbox.html', '/hall/counter.html', '/hall/ticket.html',
    '/hall/appointments.html', '/runs.html', '/visit.html']);
  await pass('approver1', ['/inbox.html', '/certs.html', '/inspect.html', '/entity.html', '/finance.html',
    '/grants.html', '/procurement.html', '/ipmed.html']);
  await pass('supervisor1', ['/admin/guide.html', '/board.html', '/reviews.html', '/report.html', '/hall/stats.html', '/hall/rate.html']);
  await pass('admin', ['/admin/items.html', '/admin/guide.html']);
});

test('关怀模式: large type, high contrast and plain words, kept on the device, and still without violations', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/');
  await page.waitForSelector('#care');
  const size = () => page.evaluate(() => {
    const q = document.querySelector('#q');
    return q.getBoundingClientRect().height;
  });
  const before = await size();
  await page.click('#care');
  assert.equal(await page.getAttribute('#care', 'aria-pressed'), 'true');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('care')));
  assert.ok(await size() >= before * 1.25, 'the search box grew with the type');
  // kept: the next page opens in it
  await page.goto(s.url + '/item.html?code=371091011001007000');
  await page.waitForSelector('#item:not(.hidden)');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('care')));
  assert.equal(await page.textContent('#care'), '标准模式');
  // and says things plainly beside the domain's words (通俗说明)
  assert.ok(await page.isVisible('#depth-plain .plain'));
  assert.equal(await page.textContent('#depth-plain'), '（在网上就能办完，不用跑腿）');
  await page.screenshot({ path: join(SHOTS, 'care.png') });
  const found = [...await violations(page, '/'), ...await violations(page, '/item.html?code=371091011001007000')];
  assert.deepEqual(found, []);
  await page.click('#care');
  assert.ok(!await page.evaluate(() => document.documentElement.classList.contains('care')));
  assert.ok(await page.isHidden('#depth-plain .plain'), 'in the standard mode the plain words stay out of the way');
  await page.close();
});

test('by keyboard alone: search the guide, open an item, reach 在线申办', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/');
  await page.waitForSelector('#results .item');
  await page.focus('#q');
  await page.keyboard.type('营业执照');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#count').textContent.includes('共找到 6 个事项'));
  // Tab from the search box until the first result has focus, then open it
  let onResult = false;
  for (let i = 0; i < 40 && !onResult; i++) {
    await page.keyboard.press('Tab');
    onResult = await page.evaluate(() => document.activeElement?.matches('#results .item'));
  }
  assert.ok(onResult, 'a result is reached by Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#item:not(.hidden)');
  let onApply = false;
  for (let i = 0; i < 80 && !onApply; i++) {
    await page.keyboard.press('Tab');
    onApply = await page.evaluate(() => document.activeElement?.id === 'apply-link');
  }
  assert.ok(onApply, '在线申办 is reached by Tab');
  await page.close();
});
