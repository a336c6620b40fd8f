// A person uses the item guide; a person logs in; an administrator edits the catalog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS } from './browser.mjs';

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

// Client errors we provoke on purpose (a 401 from /session when logged out, a 422 we test) are expected.
const real = (problems) => problems.filter((p) => !/status of (401|422)/.test(p));

test('a person searches the guide, browses by department and level, and opens an item', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/');
  await page.waitForSelector('#figures .figure');
  assert.match(await page.textContent('#figures'), /可网办率/);
  await page.waitForSelector('#results .item');
  assert.match(await page.textContent('#count'), /共找到 \d+ 个事项/);

  await page.fill('#q', '抵押');
  await page.click('#search-form button');
  await page.waitForFunction(() => document.querySelector('#count').textContent.includes('共找到 27 个事项'));
  const names = await page.$$eval('#results .item .name', (els) => els.map((e) => e.textContent));
  assert.ok(names.every((n) => n.includes('抵押')), names.join());

  await page.fill('#q', '');
  await page.click('#search-form button');
  await page.click('#departments a[data-department="bdc"]');
  await page.waitForFunction(() => document.querySelector('#count').textContent.includes('共找到 141 个事项'));
  await page.click('#departments a[data-department=""]');
  await page.click('#level-tabs button[data-level="village"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#results .item .meta')].every((m) => m.textContent.includes('村（居）级')));
  await page.screenshot({ path: join(SHOTS, 'guide.png'), fullPage: true });

  await page.click('#level-tabs button[data-level=""]');
  await page.fill('#q', '营业执照');
  await page.click('#search-form button');
  // the main item and its 办理项 (变更, 注销 …), the main item first
  await page.waitForFunction(() => document.querySelector('#count').textContent.includes('共找到 6 个事项'));
  await page.click('#results .item');
  await page.waitForSelector('#item:not(.hidden)');
  assert.match(await page.textContent('#name'), /企业设立登记/);
  assert.equal(await page.textContent('#promised'), '2个工作小时');
  assert.equal(await page.textContent('#visits'), '0 次');
  assert.ok((await page.$$('#materials tbody tr')).length >= 2);
  assert.match(await page.textContent('#where'), /齐鲁大道66号/);
  // handled at the centre and the six towns (就近办)
  assert.match(await page.textContent('#places'), /7 处：.*皇冠街道便民服务中心/);
  // its 办理项 link to their own guides, and each names its main item
  await page.waitForSelector('#variants a');
  assert.match(await page.textContent('#variants'), /变更/);
  await page.click('#variants a >> nth=0');
  await page.waitForFunction(() => document.querySelector('#name')?.textContent.includes('（变更）'));
  assert.match(await page.textContent('#main-item'), /属于 企业设立登记（营业执照核发） 的办理项/);
  await page.goBack();
  await page.waitForSelector('#variants a');
  await page.screenshot({ path: join(SHOTS, 'item.png'), fullPage: true });
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('an unknown item shows a clear message', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/item.html?code=NOPE');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /没有找到这个事项/);
  await page.close();
});

test('a person logs in, sees their name, and logs out', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/item.html?code=371091011001007000');
  await page.click('#login-link');
  await page.waitForSelector('#login-form');
  await page.fill('#username', 'applicant1');
  await page.fill('#password', 'wrong-password');
  await page.click('#submit');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /用户名或密码不正确/);
  await page.fill('#password', 'yichuang-demo');
  await page.click('#submit');
  await page.waitForURL(/item\.html\?code=371091011001007000/);
  await page.waitForSelector('#who');
  assert.match(await page.textContent('#who'), /张三（申请人）/);
  await page.click('#logout');
  await page.waitForSelector('#login-link');
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('an administrator creates an item (fixing a refused field), retires it and restores it', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/login.html');
  await page.fill('#username', 'admin');
  await page.fill('#password', 'yichuang-demo');
  await page.click('#submit');
  await page.waitForURL(/admin\/items\.html/);
  await page.waitForSelector('#list a');
  await page.click('#new-item');
  await page.fill('#f-code', 'E2E-0001');
  await page.fill('#f-basic_code', '011888001000');
  await page.fill('#f-name', '浏览器测试许可');
  await page.fill('#f-legal', '10');
  await page.fill('#f-promised', '15');
  await page.fill('#materials tbody tr .m-name', '申请书');
  await page.click('#save');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /promised_limit/);
  assert.ok(await page.$('#f-promised.invalid'), 'the refused field is marked');
  await page.fill('#f-promised', '3');
  // handled at the centre and one town (实施清单)
  await page.check('#f-offices input[value="jq"]');
  await page.check('#f-offices input[value="hg"]');
  await page.click('#add-fee');
  await page.fill('#fees tbody tr .f-name', '工本费');
  await page.click('#save');
  await page.waitForSelector('#saved:not(.hidden)');
  assert.match(await page.textContent('#form-title'), /浏览器测试许可/);
  await page.screenshot({ path: join(SHOTS, 'admin.png'), fullPage: true });

  const guide = await newPage(browser);
  await guide.goto(s.url + '/?q=浏览器测试');
  await guide.waitForFunction(() => document.querySelector('#count').textContent.includes('共找到 1 个事项'));
  const item = await newPage(browser);
  await item.goto(s.url + '/item.html?code=E2E-0001');
  await item.waitForSelector('#places');
  assert.equal(await item.textContent('#places'), '2 处：经区政务服务中心、皇冠街道便民服务中心');
  await item.close();

  await page.click('#retire');
  await page.waitForSelector('#restore:not(.hidden)');
  await guide.reload();
  await guide.waitForFunction(() => document.querySelector('#count').textContent.includes('没有找到'));
  await page.click('#restore');
  await page.waitForSelector('#retire:not(.hidden)');
  assert.deepEqual(real(page.problems), []);
  await guide.close();
  await page.close();
});

test('the admin page refuses people who are not administrators', async () => {
  await browser.clearCookies();
  const page = await newPage(browser);
  await page.goto(s.url + '/admin/items.html');
  await page.waitForSelector('#denied:not(.hidden)');
  assert.ok(await page.$('#admin.hidden'));
  await page.close();
});

test('after logging in, only a page of this site is a way back: no open redirect (issue 18, finding 5)', async () => {
  for (const [next, expected] of [['/%5Cevil.example/x', '/'], ['/%09/evil.example/x', '/'], ['//evil.example/x', '/'],
    ['https://evil.example/', '/'], [encodeURIComponent('/my.html?tab=1#top'), '/my.html?tab=1#top']]) {
    const page = await newPage(browser);
    await page.goto(`${s.url}/login.html?next=${next}`);
    await page.fill('#username', 'applicant1');
    await page.fill('#password', 'yichuang-demo');
    await page.click('#submit');
    await page.waitForURL((u) => !u.pathname.endsWith('/login.html'));
    const u = new URL(page.url());
    assert.equal(u.origin, new URL(s.url).origin, `${next} left the site`);
    assert.equal(u.pathname + u.search + u.hash, expected, next);
    await page.close();
  }
});
