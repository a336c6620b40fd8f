// 好差评 in the browser: a ticket finished at window 37 makes the window's rating device
// ask, a tap stores the review and the public figures change; a bad review given online
// goes through rectification in the department's inbox (回访核实 → 整改 → 整改评价) and
// appears, anonymised, on the public page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { OPEN_ALL_DAY, freshDb, openHallToday, startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const ONE_STEP = '371091011002014000'; // 食品经营许可: xzsp, one step

let s;
let browser;
before(async () => {
  s = await startServer({ ...openHallToday(freshDb()), args: ['--queue-fairness', '0', '--public-cache-ms', '0', ...OPEN_ALL_DAY] });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|409|422)/.test(p));
async function closeClean(...pages) {
  for (const p of pages) {
    assert.deepEqual(real(p.problems), []);
    await p.close();
  }
}

test('window 37: the rating device asks when the window finishes, one tap is stored and counted', async () => {
  const clerk = await newPage(browser);
  await logIn(clerk, s.url, 'clerk-37');
  await clerk.goto(s.url + '/hall/counter.html?window=37');
  await clerk.click('#sign-in');
  await clerk.waitForFunction(() => document.querySelector('#window-state').textContent.startsWith('服务中'));
  // the clerk opens the window's rating device (a tablet beside the window)
  const [device] = await Promise.all([browser.waitForEvent('page'), clerk.click('#device')]);
  device.problems = [];
  device.on('pageerror', (e) => device.problems.push(String(e)));
  await device.waitForLoadState();
  assert.match(device.url(), /\/hall\/rate\.html#w=37&t=[0-9a-f]{32}$/);
  await device.waitForSelector('#idle:not(.hidden)');
  assert.equal(await device.textContent('#title'), '37 号窗口 · 服务评价');

  const t = await s.api('POST', '/api/v1/tickets', { body: { category: 'C', channel: 'kiosk', phone: '13912340037' } });
  assert.equal(t.status, 201, t.text);
  await clerk.click('#call-next');
  await clerk.waitForFunction((n) => document.querySelector('#current-number')?.textContent === n, t.json.ticket.number);
  await clerk.click('#start');
  await clerk.waitForFunction(() => document.querySelector('#current-state')?.textContent === '办理中');
  await clerk.click('#finish');
  // the device lights up for this ticket, nothing chosen in advance
  await device.waitForSelector('#ask:not(.hidden)');
  assert.match(await device.textContent('#ask-text'), new RegExp(t.json.ticket.number));
  assert.equal(await device.locator('#levels button[aria-checked="true"]').count(), 0);
  await device.screenshot({ path: join(SHOTS, 'review-device.png'), fullPage: true });
  await device.click('#levels button[data-level="5"]');
  await device.waitForSelector('#thanks:not(.hidden)');

  // the figures: window 37 has its review, on the public page too
  const st = (await s.api('GET', '/api/v1/reviews/stats')).json;
  const w37 = st.by_window.find((w) => w.key === '37');
  assert.equal(w37.total, 1);
  assert.deepEqual(w37.counts, [1, 0, 0, 0, 0]);
  const pub = await newPage(browser);
  await pub.goto(s.url + '/satisfaction.html');
  await pub.waitForSelector('#by-window tbody tr');
  assert.match(await pub.textContent('#by-window tbody'), /37 号窗口/);
  await closeClean(clerk, device, pub);
});

test('a bad review online: the department calls back, rectifies, records the re-rating; the public page shows it anonymised', async () => {
  // applicant1's case, accepted and approved
  const tok = {};
  for (const u of ['applicant1', 'clerk1', 'supervisor1']) tok[u] = await s.login(u);
  const up = await s.api('POST', '/api/v1/materials', { token: tok.applicant1, body: new TextEncoder().encode('%PDF-1.4 e2e'), headers: { 'Content-Type': 'application/pdf' } });
  const c = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] } });
  const no = c.json.no;
  await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: tok.clerk1 });
  const who = (await s.api('GET', `/api/v1/cases/${no}`, { token: tok.supervisor1 })).json.current_step.assignee;
  const ok = await s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: await s.login(who) });
  assert.equal(ok.json.state, 'approved', ok.text);

  // the applicant rates it from the case page
  const page = await newPage(browser);
  await logIn(page, s.url, 'applicant1');
  await page.goto(`${s.url}/case.html?no=${no}`);
  await page.click('#rate-link');
  await page.waitForSelector('#form:not(.hidden)');
  assert.equal(await page.isDisabled('#submit'), true, 'nothing is chosen for the rater');
  await page.click('#levels button[data-level="1"]');
  await page.check('#reasons input[value="repeat_visits"]');
  await page.fill('#text', '材料退回三次，打13800001234没人接');
  await page.screenshot({ path: join(SHOTS, 'review-online.png'), fullPage: true });
  await page.click('#submit');
  await page.waitForSelector('#done:not(.hidden)');
  assert.match(await page.textContent('#done'), /非常不满意/);

  // the department's inbox: call back and classify, report, record the rater's word
  await logIn(page, s.url, 'approver1');
  await page.goto(s.url + '/reviews.html');
  const row = page.locator('#orders tr.case-row').first();
  await row.waitFor();
  await row.click();
  await page.waitForSelector('#order-state');
  assert.equal(await page.textContent('#order-state'), '待回访核实');
  assert.match(await page.textContent('#order'), /材料退回三次/);
  await page.fill('#f-note', '已电话回访，核实属实');
  await page.selectOption('#f-kind', 'immediate');
  await page.click('#order form.action-panel button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#order-state')?.textContent === '整改中');
  await page.fill('#f-report', '已调整为一次告知全部补正材料');
  await page.click('#order form.action-panel button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#order-state')?.textContent === '待评价整改');
  await page.selectOption('#f-rerating', '3');
  await page.click('#order form.action-panel button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#order-state')?.textContent === '已办结');
  await page.screenshot({ path: join(SHOTS, 'review-order.png'), fullPage: true });

  // the public page: anonymised, with its rectification
  await page.goto(s.url + '/satisfaction.html');
  await page.waitForSelector('#bad .review-item');
  const text = await page.textContent('#bad');
  assert.match(text, /材料退回三次/);
  assert.match(text, /已调整为一次告知全部补正材料/);
  assert.ok(!text.includes('13800001234'), 'the phone in the text is masked');
  assert.ok(!text.includes(no), 'no case number on the public page');
  assert.match(await page.textContent('#definition'), /满意率/);
  await page.screenshot({ path: join(SHOTS, 'review-public.png'), fullPage: true });
  await closeClean(page);
});
