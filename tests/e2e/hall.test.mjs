// The hall in the browser: a kiosk ticket → the window console calls it →
// the board shows it → service starts and ends → the e-ticket shows it is
// done; an appointment booked online, checked in at the kiosk and called
// before earlier normal tickets; the supervisor's figures with their chart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { OPEN_ALL_DAY, freshDb, openHallToday, startServer, sql } from '../api/helper.mjs';
import { axeViolations, launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
// the kiosk takes tickets only while the hall is open: this hall is open all day, today
before(async () => {
  s = await startServer({ ...openHallToday(freshDb()), args: ['--queue-fairness', '0', ...OPEN_ALL_DAY] });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|409|422)/.test(p));

// Each page ends without a console problem (the refusals a test provokes aside), then closes.
async function closeClean(...pages) {
  for (const p of pages) {
    assert.deepEqual(real(p.problems), []);
    await p.close();
  }
}

const loginAs = (page, username) => logIn(page, s.url, username);

test('kiosk → window → board → e-ticket', async () => {
  // the floor-2 board, open throughout
  const board = await newPage(browser);
  await board.goto(s.url + '/hall/board.html?floor=2');
  await board.waitForSelector('.board-window[data-window="40"]');

  // a person takes a ticket at the kiosk
  const kiosk = await newPage(browser);
  await kiosk.goto(s.url + '/hall/kiosk.html');
  await kiosk.fill('#phone', '13912345678');
  await kiosk.click('.kiosk-button[data-category="C"]');
  await kiosk.waitForSelector('#ticket-number');
  const number = await kiosk.textContent('#ticket-number');
  assert.match(number, /^C\d{3}$/);
  // the ticket screen passes axe-core too (the kiosk's first screen is in a11y.test.mjs)
  assert.deepEqual(await axeViolations(kiosk), []);
  // 朗读: the kiosk reads its screen aloud on request (what it hands the speech synthesis)
  await kiosk.evaluate(() => { window.spoken = []; window.speechSynthesis.speak = (u) => window.spoken.push(u.text); });
  await kiosk.click('#read-aloud');
  assert.match((await kiosk.evaluate(() => window.spoken)).join(), new RegExp(`您的号码.*${number}`));
  await kiosk.screenshot({ path: join(SHOTS, 'hall-kiosk.png'), fullPage: true });
  const link = await kiosk.getAttribute('#e-ticket', 'href');
  // the same phone cannot take a second C ticket
  await kiosk.click('#result button.secondary');
  await kiosk.evaluate(() => { window.spoken = []; });
  await kiosk.click('#read-aloud');
  assert.match((await kiosk.evaluate(() => window.spoken)).join(), /请输入手机号码，再选择办理业务/);
  await kiosk.fill('#phone', '13912345678');
  await kiosk.click('.kiosk-button[data-category="C"]');
  await kiosk.waitForSelector('#error:not(.hidden)');
  assert.match(await kiosk.textContent('#error'), new RegExp(number));

  // the e-ticket, on the person's phone
  const eticket = await newPage(browser);
  await eticket.goto(s.url + link);
  await eticket.waitForSelector('#ticket:not(.hidden)');
  assert.equal(await eticket.textContent('#number'), number);
  assert.equal(await eticket.getAttribute('#state', 'data-state'), 'waiting');
  assert.deepEqual(await axeViolations(eticket), []);

  // the clerk of window 40 signs in and calls
  const counter = await newPage(browser);
  await loginAs(counter, 'clerk-40');
  await counter.goto(s.url + '/hall/counter.html');
  await counter.click('#sign-in');
  await counter.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('服务中'));
  await counter.click('#call-next');
  await counter.waitForSelector('#current-number');
  assert.equal(await counter.textContent('#current-number'), number);

  // the board shows it at once; the e-ticket tells the person where to go
  await board.waitForFunction((n) => document.querySelector('.board-window[data-window="40"] .ticket').textContent === n, number);
  await board.waitForSelector(`#calls li[data-ticket="${number}"]`);
  // what the voice says is on the board too, for those who cannot hear it
  await board.waitForFunction((n) => document.querySelector('#announce').textContent.includes(n), number);
  assert.match(await board.textContent('#announce'), /40/);
  await board.screenshot({ path: join(SHOTS, 'hall-board.png'), fullPage: true });
  await eticket.waitForFunction(() => document.querySelector('#state').dataset.state === 'called');
  assert.match(await eticket.textContent('#state'), /40 号窗口/);

  // service starts and ends; the e-ticket shows it is done
  await counter.click('#start');
  await counter.waitForFunction(() => document.querySelector('#current-state')?.textContent === '办理中');
  await counter.click('#finish');
  await counter.waitForSelector('#current-none');
  await counter.screenshot({ path: join(SHOTS, 'hall-counter.png'), fullPage: true });
  await eticket.waitForFunction(() => document.querySelector('#state').dataset.state === 'done');
  await eticket.screenshot({ path: join(SHOTS, 'hall-eticket.png'), fullPage: true });
  await closeClean(board, kiosk, eticket, counter);
});

test('the green channel at the kiosk; the window pauses, resumes, recalls and transfers', async () => {
  // someone already waits for tax (D) with a normal ticket
  const early = await s.api('POST', '/api/v1/tickets', { body: { category: 'D', channel: 'kiosk', phone: '13912340000' } });
  assert.equal(early.status, 201, early.text);

  // an elderly person comes later: alone at the kiosk (nobody signed in), it sends them to the guide desk
  await browser.clearCookies();
  const kiosk = await newPage(browser);
  await kiosk.goto(s.url + '/hall/kiosk.html');
  await kiosk.waitForSelector('#green-note:not(.hidden)');
  assert.ok(await kiosk.isHidden('#green-box'));
  // whose clerk signs in at the kiosk and grants the green channel
  await logIn(kiosk, s.url, 'clerk1');
  await kiosk.goto(s.url + '/hall/kiosk.html');
  await kiosk.waitForSelector('#green-box:not(.hidden)');
  await kiosk.fill('#phone', '13912340001');
  await kiosk.check('#green');
  await kiosk.selectOption('#reason', '老年人');
  await kiosk.click('.kiosk-button[data-category="D"]');
  await kiosk.waitForSelector('#ticket-number');
  const green = await kiosk.textContent('#ticket-number');
  assert.match(green, /^D\d{3}$/);
  assert.equal(sql(s.db, `SELECT priority || ' ' || reason FROM tickets WHERE number = '${green}'`).trim(), 'green 老年人');

  const counter = await newPage(browser);
  await loginAs(counter, 'clerk-81');
  await counter.goto(s.url + '/hall/counter.html');
  await counter.click('#sign-in');
  await counter.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('服务中'));
  // paused, the window calls nobody
  await counter.click('#pause');
  await counter.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('暂停'));
  await counter.click('#call-next');
  await counter.waitForSelector('#error:not(.hidden)');
  assert.match(await counter.textContent('#error'), /paused/);
  await counter.click('#resume');
  await counter.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('服务中'));
  // the green ticket goes before the earlier normal one
  await counter.click('#call-next');
  await counter.waitForSelector('#current-number');
  assert.equal(await counter.textContent('#current-number'), green);
  assert.match(await counter.textContent('#current'), /绿色通道 · 重呼 0 次/);
  await counter.click('#recall');
  await counter.waitForFunction(() => /重呼 1 次/.test(document.querySelector('#current').textContent));
  // it was the wrong counter: sent on to social security (E), keeping its place in time
  await counter.selectOption('#transfer-category', 'E');
  await counter.click('#transfer');
  await counter.waitForSelector('#current-none');
  const [category, state] = sql(s.db, `SELECT category, state FROM tickets WHERE number = '${green}'`).trim().split('|');
  assert.deepEqual([category, state], ['E', 'waiting']);
  await counter.screenshot({ path: join(SHOTS, 'hall-counter-transfer.png'), fullPage: true });
  // leave no one waiting for the next test's queues
  sql(s.db, "UPDATE tickets SET state = 'expired' WHERE state = 'waiting'");
  await closeClean(kiosk, counter);
});

test('an appointment booked, checked in and called before earlier normal tickets', async () => {
  // book online for the next working day
  const page = await newPage(browser);
  await loginAs(page, 'applicant1');
  await page.goto(s.url + '/hall/appointments.html');
  await page.selectOption('#category', 'E');
  let date;
  for (let d = 1; d < 15; d++) {
    date = new Date(Date.now() + 8 * 3600000 + d * 86400000).toISOString().slice(0, 10);
    if ((await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) break;
  }
  await page.fill('#date', date);
  await page.click('#find');
  await page.click('.slot[data-slot="10:00"]');
  await page.waitForSelector('#ok:not(.hidden)');
  const code = await page.textContent('#mine tbody tr:first-child .code');
  assert.match(code, /^[0-9A-F]{10}$/);
  await page.screenshot({ path: join(SHOTS, 'hall-appointments.png'), fullPage: true });
  assert.deepEqual(real(page.problems), []);

  // two people take normal E tickets first (at the kiosk nobody is logged in)
  await page.click('#logout');
  await page.waitForURL((u) => u.pathname === '/');
  const kiosk = await newPage(browser);
  await kiosk.goto(s.url + '/hall/kiosk.html');
  for (const phone of ['13900000001', '13900000002']) {
    await kiosk.fill('#phone', phone);
    await kiosk.click('.kiosk-button[data-category="E"]');
    await kiosk.waitForSelector('#ticket-number');
    await kiosk.click('#result button.secondary');
  }
  // the appointment's day comes (its slot moved to now), the person checks in at the kiosk
  const local = new Date(Date.now() + 8 * 3600000 - 60000).toISOString();
  sql(s.db, `UPDATE appointments SET day = '${local.slice(0, 10)}', slot = '${local.slice(11, 16)}' WHERE id = '${code}'`);
  await kiosk.fill('#code', code);
  await kiosk.click('#checkin');
  await kiosk.waitForSelector('#ticket-number');
  const number = await kiosk.textContent('#ticket-number');

  // window 101 (社保医保) calls: the appointment first
  const counter = await newPage(browser);
  await loginAs(counter, 'clerk-101');
  await counter.goto(s.url + '/hall/counter.html');
  await counter.click('#sign-in');
  await counter.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('服务中'));
  await counter.click('#call-next');
  await counter.waitForSelector('#current-number');
  assert.equal(await counter.textContent('#current-number'), number);
  assert.match(await counter.textContent('#current'), /预约/);
  await closeClean(kiosk, counter);
  await page.close();
});

test('the supervisor sees the figures with a chart and can export them', async () => {
  const page = await newPage(browser);
  await loginAs(page, 'supervisor1');
  await page.goto(s.url + '/hall/stats.html');
  await page.selectOption('#by', 'category');
  await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length >= 2);
  assert.ok(Number(await page.textContent('#fig-tickets b')) >= 4);
  assert.ok(await page.evaluate(() => typeof window.Chart === 'function'), 'Chart.js is loaded from the site itself');
  assert.match(await page.getAttribute('#csv', 'href'), /format=csv/);
  await page.screenshot({ path: join(SHOTS, 'hall-stats.png'), fullPage: true });
  await closeClean(page);
});
