// The 24-hour self-service terminal in the browser (issue 21, part 3): not signed in, it asks
// for staff; signed in as a terminal, it looks up progress for anyone, and for a person who
// proves who they are with the SMS code it prints their certificate (a PDF, audited) and their
// notice, reads its screen aloud, and forgets them when they leave.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { sql, startServer } from '../api/helper.mjs';
import { axeViolations, launch, newPage, SHOTS, logIn } from './browser.mjs';

const ITEM = '371091011002014000'; // 食品经营许可: one step, issues a licence
const PDF = new TextEncoder().encode('%PDF-1.4\n% terminal e2e\n');
let s;
let browser;
let no;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });

before(async () => {
  s = await startServer();
  browser = await launch();
  const up = await s.api('POST', '/api/v1/materials', { body: PDF, token: (tok.applicant1 = await s.login('applicant1')), headers: { 'Content-Type': 'application/pdf' } });
  const c = await api('POST', '/cases', 'applicant1', { item: ITEM, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] });
  no = c.json.no;
  await api('POST', `/cases/${no}/actions/accept`, 'clerk1');
  const v = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  assert.equal((await api('POST', `/cases/${no}/actions/approve`, (v.current_step || {}).assignee || 'approver1', { opinion: '准予许可' })).status, 200);
});
after(async () => { await browser?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|422)/.test(p));

test('progress for anyone; a certificate printed after the SMS code; read aloud; forgotten on leaving', async () => {
  const page = await newPage(browser);
  await page.goto(s.url + '/hall/terminal.html');
  await page.waitForSelector('#s-setup:not(.hidden)');
  await logIn(page, s.url, 'terminal-1');
  await page.goto(s.url + '/hall/terminal.html');
  await page.waitForSelector('#s-home:not(.hidden)');
  assert.equal(await page.isVisible('header.top nav'), false); // no site navigation
  assert.deepEqual(await axeViolations(page), []);

  // progress: the case number and the phone's last four digits
  await page.click('#t-progress');
  await page.fill('#p-no', no);
  await page.fill('#p-phone4', '1234');
  await page.click('#progress-form button[type="submit"]');
  await page.waitForSelector('#progress-state');
  assert.match(await page.textContent('#progress-state'), /食品经营许可/);
  await page.click('#home');

  // print: who they are, the code on their phone, the visit
  await page.click('#t-print');
  await page.fill('#i-id', '371002199001011237');
  await page.fill('#i-phone', '13800001234');
  await page.click('#send-code');
  await page.waitForSelector('#verify-form:not(.hidden)');
  const text = sql(s.db, "SELECT text FROM notifications WHERE recipient = 'user:applicant1' AND text LIKE '%自助终端%' ORDER BY id DESC LIMIT 1");
  await page.fill('#i-code', /验证码 (\d{6})/.exec(text)[1]);
  await page.click('#verify');
  await page.waitForSelector('#s-visit:not(.hidden)');
  assert.match(await page.textContent('#visit-title'), /您好，.\*\*/);
  await page.waitForSelector('#certs tr[data-cert] button');
  const [pdf] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/terminal/prints/')),
    page.click('#certs tr[data-cert] button'),
  ]);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal(sql(s.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'terminal.print' AND reason = 'for user:applicant1'").trim(), '1');
  const [notice] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/terminal/prints/')),
    page.click(`#notices tr[data-case="${no}"] [data-notice="acceptance"]`),
  ]);
  assert.match(notice.headers()['content-type'], /text\/html/);
  await page.screenshot({ path: join(SHOTS, 'terminal.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);

  // read aloud: what the screen says now
  await page.evaluate(() => { window.spoken = []; window.speechSynthesis.speak = (u) => window.spoken.push(u.text); });
  await page.click('#read-aloud');
  assert.match((await page.evaluate(() => window.spoken)).join(), /我的电子证照/);

  // they leave: the visit ends, nothing of them stays on the screen
  await page.click('#leave');
  await page.waitForSelector('#s-home:not(.hidden)');
  assert.equal(await page.inputValue('#i-id'), '');
  assert.equal(sql(s.db, 'SELECT COUNT(*) FROM terminal_visits WHERE ended_ms IS NULL').trim(), '0');
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('自助办理: a self-service item applied for at night, its materials scanned at the terminal', async () => {
  const page = await newPage(browser);
  await logIn(page, s.url, 'terminal-2');
  await page.goto(s.url + '/hall/terminal.html');
  await page.waitForSelector('#s-home:not(.hidden)');
  await page.click('#t-apply');
  await page.fill('#i-id', '371002199001011237');
  await page.fill('#i-phone', '13800001234');
  await page.click('#send-code');
  await page.waitForSelector('#verify-form:not(.hidden)');
  const text = sql(s.db, "SELECT text FROM notifications WHERE recipient = 'user:applicant1' AND text LIKE '%自助终端%' ORDER BY id DESC LIMIT 1");
  await page.fill('#i-code', /验证码 (\d{6})/.exec(text)[1]);
  await page.click('#verify');
  await page.waitForSelector('#visit-apply:not(.hidden)');
  await page.selectOption('#s-item', '371091201007049000'); // 用水报装
  await page.fill('[name="form.applicant_name"]', '张三');
  await page.fill('[name="form.contact_phone"]', '13800001234');
  for (const m of ['m1', 'm2']) await page.setInputFiles(`[name="scan.${m}"]`, { name: `${m}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% scanned ${m}\n`) });
  await page.click('#s-submit');
  await page.waitForSelector('#apply-no');
  const filed = /办件编号 (\d{20})/.exec(await page.textContent('#apply-no'))[1];
  assert.equal(sql(s.db, `SELECT u.username FROM cases c JOIN users u ON u.id = c.applicant_user WHERE c.no = '${filed}'`).trim(), 'applicant1');
  assert.ok(Number(sql(s.db, "SELECT COUNT(*) FROM material_uploads WHERE user_id = (SELECT id FROM users WHERE username = 'applicant1')")) >= 2);
  assert.deepEqual(await axeViolations(page), []);
  await page.click('#leave');
  await page.waitForSelector('#s-home:not(.hidden)');
  assert.deepEqual(real(page.problems), []);
  await page.close();
});
