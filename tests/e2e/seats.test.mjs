// Every seat's start page in a district with a past (init --demo's default history), at a
// desktop's 1366×900 and a phone's 390×844: no console error, figures where there is data and
// "—" where there is none, and nothing on the kiosk or the boards spilling out of its box.
// Screenshots go to build/test-logs/seats/ for a person to look at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_ALL_DAY, ROOT, freshDb, openHallToday, startServer } from '../api/helper.mjs';
import { launch, newPage, logIn } from './browser.mjs';

const SHOTS = join(ROOT, 'build', 'test-logs', 'seats');
const SIZES = [{ name: 'desktop', width: 1366, height: 900 }, { name: 'phone', width: 390, height: 844 }];
// seat, who logs in (null: nobody), the page, what shows that it has loaded its data
const SEATS = [
  ['guide', null, '/', '.item-card, .item-list li, main a[href*="item.html"]'],
  ['applicant', 'applicant1', '/my.html', 'table tbody tr, .case-row, .empty'],
  ['window', 'clerk1', '/window.html', 'table tbody tr, .empty'],
  ['approver', 'approver-bdc', '/inbox.html', 'table tbody tr, .empty'],
  ['supervisor', 'supervisor1', '/board.html', '#fig-on-time, .figure'],
  ['counter', 'clerk-37', '/hall/counter.html', 'main'],
  ['appointments', 'applicant1', '/hall/appointments.html', 'main'],
  ['hall-stats', 'supervisor1', '/hall/stats.html', '#rows tbody tr'],
  ['kiosk', null, '/hall/kiosk.html', 'button'],
  ['board', null, '/hall/board.html?floor=2', '.board-window'],
  ['admin', 'admin', '/admin/items.html', 'table tbody tr'],
];

let s;
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // open all day today, so that the kiosk shows its buttons whenever the test runs
  s = await startServer({ ...openHallToday(freshDb({ history: 'recent', seed: 11 })), args: OPEN_ALL_DAY });
  browser = await launch();
}, { timeout: 600000 });
after(async () => { await browser?.close(); await s?.stop(); });

const loginAs = (page, username) => logIn(page, s.url, username);

// Elements whose content is wider or taller than their box while it does not scroll, or that
// stick out of the page sideways: what a person sees as text running over its neighbours.
function overflowing(page, selector) {
  return page.$$eval(selector, (els) => els.filter((el) => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    const clips = /(auto|scroll|hidden|clip)/.test(cs.overflowX + cs.overflowY);
    const spills = !clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    const r = el.getBoundingClientRect();
    return spills || r.right > document.documentElement.clientWidth + 1;
  }).map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 40)}`));
}

for (const [seat, who, path, ready] of SEATS) {
  test(`${seat}: ${path} with the district's past`, async () => {
    for (const size of SIZES) {
      const page = await newPage(browser);
      await page.setViewportSize({ width: size.width, height: size.height });
      if (who) await loginAs(page, who);
      await page.goto(s.url + path);
      await page.waitForSelector(ready, { timeout: 15000 });
      // (boards and consoles keep a live stream open, so the network is never idle)
      await page.waitForTimeout(700);
      await page.screenshot({ path: join(SHOTS, `${seat}-${size.name}.png`), fullPage: true });
      const text = await page.textContent('body');
      assert.doesNotMatch(text, /NaN|undefined|null%|Infinity/, 'a figure without data reads —');
      // the page itself never scrolls sideways
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(wide <= 1, `${seat} at ${size.name} is ${wide}px wider than the screen`);
      if (seat === 'kiosk' || seat === 'board') {
        const spilled = await overflowing(page, 'button, button *, .board-window, .board-window *, h1, h2');
        assert.deepEqual(spilled, [], `${seat} at ${size.name}`);
      }
      // an anonymous page asks whether someone is logged in: a 401 is its answer, not a problem
      assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), [], `${seat} at ${size.name}: console`);
      await page.close();
    }
  });
}

test("the supervisor's board shows the past in figures: a real on-time rate", async () => {
  const page = await newPage(browser);
  await loginAs(page, 'supervisor1');
  await page.goto(s.url + '/board.html');
  await page.waitForSelector('#fig-on-time');
  const onTime = await page.textContent('#fig-on-time');
  assert.match(onTime, /\d+\.\d%/, `on time: ${onTime}`);
  assert.doesNotMatch(onTime, /100\.0%/, 'a real district is not perfect');
  await page.close();
});

test("from December, staff are told when next year's holiday notice is not loaded", async () => {
  const now = new Date(Date.now() + 8 * 3600e3);
  const next = now.getUTCFullYear() + 1;
  const bare = await startServer(freshDb({ nextYear: false }));
  try {
    const page = await newPage(browser);
    await logIn(page, bare.url, 'clerk1');
    await page.goto(bare.url + '/window.html');
    await page.waitForSelector('#who');
    await page.waitForTimeout(500);
    const shown = await page.$('#calendar-notice');
    const missing = !existsSync(join(ROOT, 'data', 'calendar', `${next}.json`));
    assert.equal(Boolean(shown), now.getUTCMonth() === 11 && missing);
    if (shown) assert.match(await shown.textContent(), new RegExp(`${next}年节假日安排尚未导入`));
    // with the year loaded (the stand-in the other tests use), nothing is said; straight to
    // the sign-in (a page of the other server would redirect there itself, racing this one)
    await logIn(page, s.url, 'clerk1');
    await page.goto(s.url + '/window.html');
    await page.waitForSelector('#who');
    await page.waitForTimeout(500);
    assert.equal(await page.$('#calendar-notice'), null);
    assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
    await page.close();
  } finally { await bare.stop(); }
});
