// The hall's smart services in the browser (issue 21): a person asks the guide in plain words,
// reads the answer (what to bring, how long, where) and goes on to apply; a question it cannot
// answer offers a person, and at the kiosk that takes a ticket for the guidance desk; the
// administrator edits a synonym and the guide uses it; a foreign-invested registration is
// refused by the negative list with its article, and an investor checks the list beforehand;
// the supervisor's board hears of a long queue with its windows shut, acknowledges and closes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { OPEN_ALL_DAY, freshDb, openHallToday, sql, startServer } from '../api/helper.mjs';
import { axeViolations, launch, newPage, SHOTS, logIn } from './browser.mjs';

const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });
let s;
let browser;
before(async () => {
  s = await startServer({ ...openHallToday(freshDb()), args: OPEN_ALL_DAY });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|422)/.test(p));

async function ask(page, q) {
  await page.fill('#ask-q', q);
  await page.click('#ask-form button[type="submit"]');
  await page.waitForFunction((text) => document.querySelector('#ask-answers')?.dataset.asked === text, q);
}

test('a question in plain words → the item with what to bring and where → apply', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'business1');
  await page.goto(s.url + '/');
  await page.waitForSelector('#ask-form');
  await ask(page, '营业执照丢了怎么办');
  const first = page.locator('#ask-answers .answer').first();
  assert.match(await first.locator('h3').textContent(), /企业设立登记.*补办/);
  assert.match(await first.locator('.materials').textContent(), /申请书/);
  assert.match(await first.locator('.limit').textContent(), /承诺/);
  assert.match(await first.locator('.where').textContent(), /\d楼/);
  assert.match(await first.locator('.why').textContent(), /执照/);
  await page.screenshot({ path: join(SHOTS, 'guide-ask.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  await first.locator('[data-action="apply"]').click();
  await page.waitForURL(/\/apply\.html\?item=371091011001007004$/);
  await page.waitForSelector('#apply-form:not(.hidden)');
  assert.match(await page.textContent('#title'), /补办/);
  // a life event is answered with its 一件事
  await page.goto(s.url + '/');
  await page.waitForSelector('#ask-form');
  await ask(page, '我想开个饭店，要办哪些证');
  assert.match(await page.locator('#ask-answers .answer h3').first().textContent(), /开饭店/);
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('no answer: the guide says so and, at the kiosk, takes a ticket for the guidance desk', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/hall/kiosk.html');
  await page.waitForSelector('.kiosk-button[data-category="C"]');
  await page.fill('#phone', '13912345000');
  await ask(page, '明天天气怎么样，会下雨吗');
  assert.match(await page.textContent('#ask-none'), /没有找到/);
  await page.click('#ask-person');
  await page.waitForSelector('#ticket-number');
  assert.match(await page.textContent('#ticket-number'), /^C\d+/);
  // an answer's 取号 takes its category's ticket
  await page.click('#result button.secondary');
  await page.fill('#phone', '13912345001');
  await ask(page, '二手房过户');
  const take = page.locator('#ask-answers [data-action="ticket"]').first();
  const label = await take.textContent();
  await take.click();
  await page.waitForSelector('#ticket-number');
  assert.equal((await page.textContent('#ticket-number'))[0], /取号（(\w)/.exec(label)[1]);
  assert.deepEqual(real(page.problems), []);
  await page.close();
  // the administrator sees the question, masked of nothing it did not have, counted once
  const admin = await newPage(browser);
  await logIn(admin, s.url, 'admin');
  await admin.goto(s.url + '/admin/guide.html');
  await admin.waitForSelector('#unanswered tbody tr');
  assert.match(await admin.textContent('#unanswered'), /明天天气怎么样/);
  assert.deepEqual(await axeViolations(admin), []);
  await admin.close();
});

test('the administrator adds a synonym and the guide answers with it', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'admin');
  await page.goto(s.url + '/admin/guide.html');
  await page.waitForFunction(() => document.querySelector('#synonyms').value.includes('饭店='));
  const before = await page.inputValue('#synonyms');
  // a bad line is named and nothing is saved
  await page.fill('#synonyms', before + '\n撸串');
  await page.click('#save');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /撸串/);
  await page.fill('#synonyms', before + '\n撸串=小型餐饮登记');
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#saved').textContent.includes('已保存'));
  await ask(page, '撸串要办什么证');
  assert.match(await page.locator('#ask-answers .answer h3').first().textContent(), /小型餐饮登记/);
  await page.close();
});

test('a foreign-invested registration refused by the negative list; the investor checks beforehand', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/foreign.html');
  await page.waitForSelector('#measures tbody tr');
  assert.match(await page.textContent('#edition-note'), /2024-11-01/);
  await page.fill('#c-industries', 'I6319');
  await page.fill('#c-share', '60');
  await page.click('#check-form button[type="submit"]');
  await page.waitForSelector('#verdict-line');
  assert.match(await page.textContent('#verdict'), /限制投资/);
  assert.match(await page.textContent('#verdict'), /外资股比不超过50%/);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(SHOTS, 'negative-list.png'), fullPage: true });

  await logIn(page, s.url, 'business1');
  await page.goto(s.url + '/apply.html?item=371091011001007000');
  await page.waitForSelector('#apply-form:not(.hidden)');
  await page.fill('[name="form.company_name"]', '威海环球资讯有限公司');
  await page.fill('[name="form.legal_person"]', '李四');
  await page.fill('[name="form.registered_capital"]', '500');
  await page.fill('[name="form.address"]', '经区齐鲁大道1号');
  await page.selectOption('[name="form.investment"]', '外商投资');
  await page.fill('[name="form.industries"]', 'I6429');
  await page.fill('[name="form.foreign_share"]', '30');
  for (const m of ['m1', 'm2']) await page.setInputFiles(`[name="material.${m}"]`, pdf(`${m}.pdf`));
  await page.click('#submit');
  await page.waitForSelector('#error:not(.hidden)');
  const refusal = await page.textContent('#error');
  assert.match(refusal, /负面清单）（2024年版）/);
  assert.match(refusal, /第13条/);
  assert.match(refusal, /form\.industries/);
  // the same firm in software is national treatment: filed
  await page.fill('[name="form.industries"]', 'I6513');
  await page.click('#submit');
  await page.waitForURL(/\/case\.html\?no=\d{20}$/);
  await page.close();
});

test('效能预警 on the board: a long queue with its windows shut, acknowledged and closed', async () => {
  const t = Date.now();
  const day = new Date(t + 8 * 3600000).toISOString().slice(0, 10);
  for (let i = 0; i < 16; i++) {
    sql(s.db, `INSERT INTO tickets (id, day, category, number, priority, channel, holder, secret_hash, state, issued_ms)
      VALUES ('${day.replaceAll('-', '')}-F${700 + i}', '${day}', 'F', 'F${700 + i}', 'normal', 'kiosk', 'planted', 'x', 'waiting', ${t - 60000})`);
  }
  sql(s.db, "UPDATE hall_windows SET state = 'closed' WHERE categories LIKE '%\"F\"%'");
  const page = await newPage(browser);
  await logIn(page, s.url, 'supervisor1');
  await page.goto(s.url + '/board.html');
  await page.waitForSelector('#alert-figures .figure');
  await page.click('#watch-run');
  const row = page.locator('#alerts tr[data-rule="closed"][data-subject="category:F"]');
  await row.waitFor();
  assert.match(await row.textContent(), /16 人等候/);
  assert.equal(await page.textContent('#fig-alerts-open b'), String(await page.locator('#alerts tr[data-alert]').count()));
  await row.locator('[data-action="ack"]').click();
  await page.waitForFunction(() => document.querySelector('#alerts tr[data-subject="category:F"] .state')?.textContent === '已知悉');
  await row.locator('input').fill('已调配人员开启出入境窗口');
  await row.locator('[data-action="close"]').click();
  await page.waitForFunction(() => !document.querySelector('#alerts tr[data-subject="category:F"]'));
  assert.equal(await page.textContent('#fig-alerts-closed b'), '1');
  await page.screenshot({ path: join(SHOTS, 'board-alerts.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(real(page.problems), []);
  await page.close();
});
