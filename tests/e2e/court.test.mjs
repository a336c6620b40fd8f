// 分调裁审 in the browser: a party files through 网上立案 straight to registration; the
// rules put its loan dispute on the fast track; the party fills the element form before the
// hearing; the registry reassigns it with a reason and closes it; the public figures count it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });
let s;
let browser;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

const row = (page, no, text) => page.waitForFunction(([n, t]) => {
  const r = document.querySelector(`#cases tr[data-no="${n}"]`);
  return r && r.textContent.includes(t);
}, [no, text]);

test('a filing on the fast track: the party\'s element form, the registry\'s reassignment and close', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'applicant1');
  await page.goto(s.url + '/court.html');
  await page.waitForSelector('#file-link:not(.hidden)');
  await page.click('#file-link');
  await page.waitForSelector('#apply-form:not(.hidden)');
  await page.selectOption('[name="form.dispute_type"]', '金融借款合同纠纷');
  await page.fill('[name="form.claim_amount"]', '36000');
  await page.fill('[name="form.parties"]', '2');
  await page.fill('[name="form.defendant"]', '王某某');
  await page.selectOption('[name="form.mediate"]', '不同意，直接立案');
  await page.selectOption('[name="form.community"]', '皇冠社区');
  await page.fill('[name="form.contact_phone"]', '13800001234');
  for (const m of ['m1', 'm2']) await page.setInputFiles(`[name="material.${m}"]`, pdf(`${m}.pdf`));
  await page.click('#submit');
  await page.waitForURL(/\/case\.html\?no=\d{20}$/);
  const no = new URL(page.url()).searchParams.get('no');
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  assert.equal((await api('POST', `/cases/${no}/actions/approve`, (c.current_step || {}).assignee || 'approver-fy', { opinion: '准予立案' })).status, 200);

  await page.goto(s.url + '/court.html');
  await row(page, no, '简案·小额诉讼');
  await page.click(`#cases tr[data-no="${no}"] .elements`);
  await page.waitForSelector('#elements-card:not(.hidden)');
  await page.fill('#elements-form [name="loan_amount"]', '36000');
  await page.fill('#elements-form [name="repaid"]', '6000');
  await page.selectOption('#elements-form [name="guarantee"]', '保证');
  await page.click('#elements-save');
  await page.waitForSelector('#elements-card.hidden', { state: 'attached' });
  assert.deepEqual((await api('GET', `/court/cases/${no}`, 'approver-fy')).json.elements.plaintiff, { loan_amount: 36000, repaid: 6000, guarantee: '保证' });

  await logIn(page, s.url, 'approver-fy');
  await page.goto(s.url + '/court.html');
  await row(page, no, '已立案');
  await page.click(`#cases tr[data-no="${no}"] .act-reassign`);
  await page.selectOption('#act-team', 'S2');
  await page.selectOption('#act-judge', '周婷');
  await page.fill('#act-reason', '原承办法官休假');
  await page.click('#act-save');
  await row(page, no, 'S2 周婷');
  await page.click(`#cases tr[data-no="${no}"] .act-close`);
  await page.fill('#act-amount', '30000');
  await page.click('#act-save');
  await row(page, no, '已结案');
  assert.match(await page.textContent('#figures'), /1审结商事案件/);
  await page.screenshot({ path: join(SHOTS, 'court.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
