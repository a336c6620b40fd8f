// 双随机 in the browser: a regulator imports a roster (a bad file shows every bad row,
// then a good one), makes a plan, freezes its lists and publishes the commitment, takes
// two witnesses' inputs and draws; the public record page recomputes the draw in the
// browser and says it matches; an inspector enters a result, the regulator publishes it;
// a credit QR code decoded by a stock scanner opens the entity's page, whose signature
// the browser checks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function uscc(i) {
  const f = `92371000MA3${String(i).padStart(6, '0')}`;
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += CHARS.indexOf(f[k]) * W[k];
  return f + CHARS[(31 - (sum % 31)) % 31];
}
const rows = (n) => Array.from({ length: n }, (_, i) => `${uscc(i)},韩乐坊${i}号烤肉店,个体工商户,H6210,韩乐坊步行街${i}号,皇冠街道,${'ABBBCD'[i % 6]}`);
const HEAD = '统一社会信用代码,名称,类型,行业,住所,区域,风险等级';

let s;
let browser;

before(async () => {
  s = await startServer({ args: ['--public-cache-ms', '0'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

test('a regulator draws with two witnesses; the public page recomputes the draw', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'approver-scjg');
  await page.goto(s.url + '/inspect.html');
  await page.waitForSelector('#plan-items input');
  // a file with a bad credit code: nothing imported, the row named
  const bad = join(s.dir, 'bad.csv');
  writeFileSync(bad, [HEAD, ...rows(3), `${uscc(9).slice(0, 17)}0,坏代码,个体工商户,H6210,x,皇冠街道,B`].join('\n'));
  await page.setInputFiles('#roster-file', bad);
  await page.click('#roster-import');
  await page.waitForSelector('#bad-rows:not(.hidden) tbody tr');
  assert.match(await page.textContent('#bad-rows tbody'), /5credit_code/);
  assert.equal(sql(s.db, 'SELECT COUNT(*) FROM insp_entities').trim(), '0');
  const good = join(s.dir, 'good.csv');
  writeFileSync(good, [HEAD, ...rows(40)].join('\n'));
  await page.setInputFiles('#roster-file', good);
  await page.click('#roster-import');
  await page.waitForSelector('#roster-ok:not(.hidden)');
  assert.match(await page.textContent('#roster-ok'), /已导入 40 行/);
  // a plan over 餐饮 in 皇冠街道
  await page.fill('#plan-name-input', '韩乐坊餐饮双随机抽查');
  await page.check('#plan-departments input[value="scjg"]');
  await page.check('#plan-items input[value="scjg-food-02"]');
  await page.fill('#plan-industries', 'H62');
  await page.fill('#plan-regions', '皇冠街道');
  await page.click('#create-plan');
  await page.waitForSelector('#commit:not(.hidden)');
  await page.click('#commit');
  await page.waitForSelector('#draw-card:not(.hidden)');
  assert.match(await page.textContent('#detail-kv'), /[0-9a-f]{64}/);
  const inputs = page.locator('[name="witness-input"]');
  const names = page.locator('[name="witness-name"]');
  await names.nth(0).fill('人大代表 王某');
  await inputs.nth(0).fill('上证指数 3371.92');
  await names.nth(1).fill('企业代表 李某');
  await inputs.nth(1).fill('骰子 4 6 1');
  await page.click('#draw');
  await page.waitForSelector('#tasks tbody tr');
  const drawn = await page.locator('#tasks tbody tr').count();
  assert.equal(drawn, 6); // 7 A, 21 B, 6 C, 6 D at 30, 50, 100, 300‰, each rounded up: 1 + 2 + 1 + 2
  await page.screenshot({ path: join(SHOTS, 'inspect-plan.png'), fullPage: true });
  // the public record, recomputed in the browser
  const plan = new URL(page.url()).searchParams.get('plan');
  const pub = await newPage(browser);
  await pub.goto(`${s.url}/draw.html?plan=${plan}`);
  await pub.waitForSelector('#verdict-card:not(.hidden)');
  assert.match(await pub.textContent('#verdict'), /核验一致/);
  assert.match(await pub.textContent('#inputs'), /上证指数 3371.92/);
  await pub.screenshot({ path: join(SHOTS, 'draw-record.png'), fullPage: true });
  // a tampered record file is caught by the same page
  const rec = (await s.api('GET', `/api/v1/inspection/plans/${plan}/record`)).json;
  rec.result[0].entity = rec.result[1].entity;
  const tampered = join(s.dir, 'tampered.json');
  writeFileSync(tampered, JSON.stringify(rec));
  await pub.setInputFiles('#file', tampered);
  await pub.waitForFunction(() => /不一致/.test(document.querySelector('#verdict').textContent));
  assert.deepEqual(pub.problems, []);
  await pub.close();

  // the team's inspector enters a result; the regulator publishes it
  const task = (await s.api('GET', `/api/v1/inspection/tasks?plan=${plan}`, { token: await s.login('approver-scjg') })).json.tasks[0];
  const member = sql(s.db, `SELECT username FROM insp_inspectors WHERE cert_no = '${task.team.split(';')[0]}'`).trim();
  const insp = await newPage(browser);
  await logIn(insp, s.url, member);
  await insp.goto(s.url + '/inspections.html');
  await insp.waitForSelector(`#tasks tr[data-id="${task.id}"] button.enter`);
  await insp.click(`#tasks tr[data-id="${task.id}"] button.enter`);
  await insp.selectOption('#result-select', 'rectify');
  await insp.fill('#findings', '营业执照未悬挂，已当场改正');
  await insp.check('#violations input[value="scjg-m-02"]');
  await insp.click('#save-result');
  await insp.waitForFunction((id) => /待公示/.test(document.querySelector(`#tasks tr[data-id="${id}"]`).textContent), task.id);
  assert.deepEqual(insp.problems.filter((p) => !/status of 401/.test(p)), []);
  await insp.close();
  // the browser's one session is the inspector's now: the regulator signs in again
  await logIn(page, s.url, 'approver-scjg');
  await page.goto(`${s.url}/inspect.html?plan=${plan}`);
  await page.waitForSelector(`#tasks tr[data-id="${task.id}"] button.publish`);
  assert.match(await page.textContent(`#tasks tr[data-id="${task.id}"]`), /正常/);
  await page.click(`#tasks tr[data-id="${task.id}"] button.publish`);
  await page.waitForFunction((id) => /已公示/.test(document.querySelector(`#tasks tr[data-id="${id}"]`).textContent), task.id);
  // the bad roster's 422 is the one failed request
  assert.deepEqual(page.problems.filter((p) => !/status of (401|422)/.test(p)), []);
  await page.close();
  const spot = await newPage(browser);
  await spot.goto(s.url + '/spotcheck.html');
  await spot.fill('#q', task.credit_code);
  await spot.click('#search button');
  await spot.waitForFunction(() => /发现问题已责令整改/.test(document.querySelector('#results tbody').textContent));
  await spot.close();
});

test('a scanned credit QR code opens the entity\'s page, its signature checked in the browser', async () => {
  const tok = await s.login('approver-scjg');
  const entity = uscc(5);
  const r = await s.api('POST', `/api/v1/market-entities/${entity}/credit-code`, { token: tok });
  assert.equal(r.status, 201, r.text);
  // the poster, printed: its QR code read by a stock scanner
  const page = await newPage(browser);
  await logIn(page, s.url, 'approver-scjg');
  await page.goto(`${s.url}/poster.html?code=${entity}`);
  await page.waitForFunction(() => document.querySelector('#qr').naturalWidth > 100);
  const png = join(s.dir, 'poster.png');
  await page.locator('#qr').screenshot({ path: png });
  await page.screenshot({ path: join(SHOTS, 'credit-poster.png'), fullPage: true });
  const scanned = spawnSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).stdout.trim();
  assert.match(scanned, new RegExp(`/entity\\.html\\?code=${entity}#q=`));
  await page.close();
  // a phone opens it, signed out
  const phone = await newPage(browser);
  await phone.goto(scanned);
  await phone.waitForSelector('#qr-card:not(.hidden)');
  assert.equal(await phone.textContent('#qr-verdict'), '信用二维码真实有效');
  assert.equal(await phone.textContent('#name'), '韩乐坊5号烤肉店');
  assert.match(await phone.textContent('#class'), /[ABCD]类/);
  await phone.screenshot({ path: join(SHOTS, 'credit-entity.png'), fullPage: true });
  // a forged code (another name under the same signature) is told apart
  const forged = scanned.replace(/#q=([^.]*)/, (m, p) => '#q=' + Buffer.from(Buffer.from(p, 'base64url').toString().replace('5号', '6号')).toString('base64url'));
  await phone.goto('about:blank');
  await phone.goto(forged);
  await phone.waitForSelector('#qr-card:not(.hidden)');
  assert.equal(await phone.textContent('#qr-verdict'), '信用二维码无法验证');
  await phone.close();
});
