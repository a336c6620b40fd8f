// The real-name check in the browser (issue 18, finding 1): a person registers online
// and is told to bring the ID card to a window; the clerk checks the card against the
// account in the window console; the person's page no longer asks, and appointments open.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

test('a clerk verifies an account at the window; the person sees it on their page', async () => {
  const reg = await s.api('POST', '/api/v1/users', { body: {
    username: 'zhouyi', password: 'a-long-passphrase', name: '周一', kind: 'person', id_number: '11010519491231002X', phone: '13711116666' } });
  assert.equal(reg.status, 201, reg.text);
  await browser.clearCookies();

  // the person, not yet verified, is told what to do
  const mine = await newPage(browser);
  await mine.goto(s.url + '/login.html?next=/my.html');
  await mine.fill('#username', 'zhouyi');
  await mine.fill('#password', 'a-long-passphrase');
  await mine.click('#submit');
  await mine.waitForURL((u) => u.pathname.endsWith('/my.html'));
  await mine.waitForSelector('#unverified:not(.hidden)');
  assert.match(await mine.textContent('#unverified'), /携带身份证/);
  await mine.screenshot({ path: join(SHOTS, 'identity-unverified.png'), fullPage: true });
  await browser.clearCookies();

  // at the window: a name not on the card is refused, naming the field; then the check passes
  const counter = await newPage(browser);
  await logIn(counter, s.url, 'clerk1');
  await counter.goto(s.url + '/window.html');
  await counter.click('#verify-open');
  await counter.fill('#v-username', 'zhouyi');
  await counter.fill('#v-name', '周二');
  await counter.fill('#v-id', '11010519491231002x');
  await counter.click('#verify');
  await counter.waitForSelector('#error:not(.hidden)');
  assert.ok(await counter.$eval('#v-name', (e) => e.classList.contains('invalid')));
  await counter.fill('#v-name', '周一');
  await counter.click('#verify');
  await counter.waitForSelector('#verify-done:not(.hidden)');
  assert.match(await counter.textContent('#verify-done'), /已核验：周一（110105\*{8}002X）/);
  await counter.screenshot({ path: join(SHOTS, 'identity-verified.png'), fullPage: true });
  await counter.close();
  await browser.clearCookies();

  // the person's page no longer asks
  await mine.goto(s.url + '/login.html?next=/my.html');
  await mine.fill('#username', 'zhouyi');
  await mine.fill('#password', 'a-long-passphrase');
  await mine.click('#submit');
  await mine.waitForURL((u) => u.pathname.endsWith('/my.html'));
  // the page has run (its empty list is shown) and says nothing of a check
  await mine.waitForSelector('#empty:not(.hidden)');
  assert.ok(await mine.$eval('#unverified', (e) => e.classList.contains('hidden')));
  await mine.close();
});
