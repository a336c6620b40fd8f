// 全能岗培训 in the browser: a clerk without the pass of its window's category is refused at
// sign-in; it takes the category's quiz on the training page (answered right from the
// bank), passes, sees each answer's basis, and then signs in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { sql, startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

let s;
let browser;
before(async () => {
  s = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

test('a clerk passes its category\'s quiz and may then staff the window', async () => {
  const cat = JSON.parse(sql(s.db, 'SELECT categories FROM hall_windows WHERE no = 2').trim())[0];
  const clerk = JSON.parse(sql(s.db, 'SELECT allowed FROM hall_windows WHERE no = 2').trim())[0];
  sql(s.db, `DELETE FROM train_passes WHERE username = '${clerk}'`);
  const tok = await s.login(clerk);
  let r = await s.api('POST', '/api/v1/windows/2/actions/sign_in', { token: tok });
  assert.equal(r.status, 403, r.text);

  const page = await newPage(browser);
  await logIn(page, s.url, clerk);
  await page.goto(s.url + '/training.html');
  await page.waitForSelector(`#categories tr[data-category="${cat}"] .start`);
  assert.match(await page.textContent(`#categories tr[data-category="${cat}"]`), /未取得/);
  await page.click(`#categories tr[data-category="${cat}"] .start`);
  await page.waitForSelector('#quiz-card:not(.hidden) fieldset');
  for (const f of await page.$$('#quiz-form fieldset')) {
    const id = await f.getAttribute('data-id');
    const answer = sql(s.db, `SELECT answer FROM train_questions WHERE id = '${id}'`).trim();
    for (const v of answer.split(',')) await (await f.$(`input[value="${v}"]`)).check();
  }
  await page.screenshot({ path: join(SHOTS, 'training-quiz.png'), fullPage: true });
  await page.click('#quiz-submit');
  await page.waitForSelector('#result-card:not(.hidden)');
  assert.match(await page.textContent('#result-title'), /得分 100.*合格，已取得该类别上岗资格/);
  assert.match(await page.textContent(`#categories tr[data-category="${cat}"]`), /100 分（已取得资格）/);
  assert.match(await page.textContent('#result tbody tr'), /办事指南：/);
  await page.screenshot({ path: join(SHOTS, 'training.png'), fullPage: true });
  r = await s.api('POST', '/api/v1/windows/2/actions/sign_in', { token: tok });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
