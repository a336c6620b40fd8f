// The four seats in one journey: the applicant applies online → the clerk
// accepts with deficiencies → the applicant supplements → approvers approve
// two steps → the clerk delivers → the applicant sees 办结 and the notice.
// Then the supervisor's board and the public progress page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const TWO_STEPS = '371091011014098000'; // 医疗机构执业登记: two review steps, online depth Ⅲ+
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });

let s;
let browser;
before(async () => { s = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await s?.stop(); });

// Expected client errors: 401 from /session while logged out, 4xx we provoke.
const real = (problems) => problems.filter((p) => !/status of (401|409|422)/.test(p));

const loginAs = (page, username) => logIn(page, s.url, username);

async function assigneeOf(no) {
  const token = await s.login('supervisor1');
  const r = await s.api('GET', `/api/v1/cases/${no}`, { token });
  return r.json.current_step.assignee;
}

// Opens a case from a seat's queue and takes an action with the panel's defaults (plus fill()).
async function act(page, action, fill) {
  await page.click(`#case-actions button[data-action="${action}"]`);
  await page.waitForSelector(`#action-panel form[data-action="${action}"]`);
  if (fill) await fill();
  await page.click('#action-submit');
}

async function stateIs(page, label) {
  await page.waitForFunction((l) => document.querySelector('#case-state')?.textContent === l, label);
}

test('the four seats take one case from application to 办结', async () => {
  const page = await newPage(browser);

  // 1. the applicant applies online, with one material missing
  await loginAs(page, 'applicant1');
  await page.goto(`${s.url}/item.html?code=${TWO_STEPS}`);
  await page.click('#apply-link');
  await page.waitForSelector('#apply-form:not(.hidden)');
  await page.fill('[name="form.applicant_name"]', '张三');
  await page.fill('[name="form.contact_phone"]', '13800001234');
  await page.setInputFiles('[name="material.m1"]', pdf('身份证明.pdf'));
  await page.selectOption('#delivery-mode', 'window');
  await page.screenshot({ path: join(SHOTS, 'apply.png'), fullPage: true });
  await page.click('#submit');
  await page.waitForURL(/\/case\.html\?no=\d{20}$/);
  const no = new URL(page.url()).searchParams.get('no');
  await stateIs(page, '已提交');

  // 2. the clerk accepts with deficiencies (m2 owed) and prints the acceptance notice
  await loginAs(page, 'clerk1');
  await page.goto(s.url + '/window.html');
  await page.click(`#cases tr[data-no="${no}"]`);
  await page.waitForSelector(`.case-view[data-no="${no}"]`);
  await act(page, 'accept');
  await page.waitForSelector('#case-error:not(.hidden)');
  assert.match(await page.textContent('#case-error'), /m2/, 'plain acceptance names the missing material');
  await act(page, 'accept_with_deficiencies', async () => {
    assert.ok(await page.isChecked('#action-panel input[name=missing][value=m2]'));
  });
  await stateIs(page, '审查中');
  assert.match(await page.textContent('.materials tr[data-material=m2]'), /容缺待补/);
  const notice = await browser.newPage();
  await notice.goto(`${s.url}/api/v1/cases/${no}/documents/acceptance`);
  assert.match(await notice.textContent('h1'), /受理通知书/);
  assert.equal(await notice.textContent('#case-no'), no);
  assert.ok(await notice.$('svg.qr path'), 'the notice carries a QR code');
  // a stock decoder reads the QR code as the progress page of this case
  const qrPng = join(SHOTS, 'notice-qr.png');
  await (await notice.$('svg.qr')).screenshot({ path: qrPng });
  const decoded = spawnSync('zbarimg', ['--quiet', '--raw', qrPng], { encoding: 'utf8' });
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.equal(decoded.stdout.trim(), `${s.url}/progress.html?no=${no}`);
  await notice.screenshot({ path: join(SHOTS, 'notice-acceptance.png'), fullPage: true });
  await notice.close();
  await page.screenshot({ path: join(SHOTS, 'window.png'), fullPage: true });

  // 3. the applicant supplements the owed material
  await loginAs(page, 'applicant1');
  await page.goto(`${s.url}/case.html?no=${no}`);
  await act(page, 'supplement', async () => {
    await page.setInputFiles('#action-panel input[data-material=m2]', pdf('申请表.pdf'));
  });
  await page.waitForFunction(() => !document.querySelector('.materials tr[data-material=m2]').textContent.includes('容缺'));

  // 4. two approvers approve the two steps from their inboxes
  for (const step of [1, 2]) {
    const who = await assigneeOf(no);
    await loginAs(page, who);
    await page.goto(s.url + '/inbox.html');
    await page.click(`#cases tr[data-no="${no}"]`);
    await page.waitForSelector(`.case-view[data-no="${no}"]`);
    if (step === 1) await page.screenshot({ path: join(SHOTS, 'inbox.png'), fullPage: true });
    await act(page, 'approve');
    await stateIs(page, step === 1 ? '审查中' : '准予许可');
  }

  // 5. the clerk hands the result over at the window with the applicant's pickup code
  await loginAs(page, 'clerk1');
  await page.goto(s.url + '/window.html');
  await page.click('#queues button[data-queue=approved]');
  await page.click(`#cases tr[data-no="${no}"]`);
  await page.waitForSelector(`.case-view[data-no="${no}"]`);
  await act(page, 'deliver', async () => { await page.selectOption('#action-panel select[name=mode]', 'window'); });
  await stateIs(page, '已送达');
  const applicantToken = await s.login('applicant1');
  const code = (await s.api('GET', `/api/v1/cases/${no}`, { token: applicantToken })).json.delivery.pickup_code;
  await act(page, 'close', async () => { await page.fill('#action-panel input[name=pickup_code]', code); });
  await stateIs(page, '办结');

  // 6. the applicant sees 办结 and the notice
  await loginAs(page, 'applicant1');
  await page.goto(s.url + '/my.html');
  await page.click(`#cases tr[data-no="${no}"] a`);
  await stateIs(page, '办结');
  assert.ok(await page.$('a.doc[data-doc=acceptance]'));
  assert.ok(await page.$('a.doc[data-doc=deficiency]'));
  const steps = await page.$$eval('.timeline li b', (els) => els.map((e) => e.textContent));
  assert.deepEqual(steps, ['提交申请', '容缺受理', '补充材料', '审核通过', '审核通过', '出件送达', '办结']);
  await page.screenshot({ path: join(SHOTS, 'case-closed.png'), fullPage: true });
  assert.deepEqual(real(page.problems), []);

  // 7. anyone follows the progress with the number and the phone's last four digits
  await page.goto(`${s.url}/progress.html?no=${no}`);
  await page.fill('#phone4', '1234');
  await page.click('#lookup');
  await page.waitForSelector('#result:not(.hidden)');
  assert.equal(await page.textContent('#progress-state'), '办结');
  assert.ok(!(await page.textContent('#result')).includes('张三'), 'no personal data');
  await page.close();
});

test('a return names what to supply again; the applicant supplies that and corrects the form', async () => {
  const applicant = await s.login('applicant1');
  const sha = {};
  for (const id of ['m1', 'm2']) {
    const u = await s.api('POST', '/api/v1/materials', { body: pdf(`${id}-${Date.now()}`).buffer, token: applicant, headers: { 'Content-Type': 'application/pdf' } });
    sha[id] = u.json.sha256;
  }
  const made = await s.api('POST', '/api/v1/cases', { token: applicant, body: {
    item: TWO_STEPS, form: { applicant_name: '张三', contact_phone: '13800001234' },
    materials: [{ id: 'm1', sha256: sha.m1 }, { id: 'm2', sha256: sha.m2 }] } });
  assert.equal(made.status, 201, made.text);
  const no = made.json.no;
  const clerk = await s.login('clerk1');
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: clerk, body: {} })).status, 200);

  // the approver returns it to the applicant, naming one material
  const page = await newPage(browser);
  await loginAs(page, await assigneeOf(no));
  await page.goto(`${s.url}/case.html?no=${no}`);
  await act(page, 'return', async () => {
    await page.selectOption('#action-panel select[name=to]', 'applicant');
    await page.check('#action-panel input[name=materials][value=m1]');
    await page.fill('#action-panel textarea[name=reason]', '身份证明模糊，请重新提交；联系电话请核对');
  });
  await page.waitForFunction(() => document.querySelector('#case-state')?.textContent.includes('退回'));

  // the applicant is offered that material and the form, nothing else
  await loginAs(page, 'applicant1');
  await page.goto(`${s.url}/case.html?no=${no}`);
  await page.waitForFunction(() => document.querySelector('.materials tr[data-material=m1]')?.textContent.includes('退回待补'));
  await page.click('#case-actions button[data-action="supplement"]');
  await page.waitForSelector('#action-panel form[data-action="supplement"]');
  const offered = await page.$$eval('#action-panel input[data-material]', (els) => els.map((e) => e.dataset.material));
  assert.deepEqual(offered, ['m1']);
  await page.setInputFiles('#action-panel input[data-material=m1]', pdf('身份证明-清晰.pdf'));
  await page.fill('#action-panel input[data-field=contact_phone]', '13800004321');
  await page.click('#action-submit');
  await stateIs(page, '审查中');
  const c = (await s.api('GET', `/api/v1/cases/${no}`, { token: applicant })).json;
  assert.deepEqual(c.missing, []);
  assert.notEqual(c.materials.find((m) => m.id === 'm1').sha256, sha.m1);
  assert.equal(c.materials.find((m) => m.id === 'm2').sha256, sha.m2, 'what was not asked for stays');
  assert.equal(c.form.contact_phone, '13800004321');
  assert.deepEqual(real(page.problems), []);
});

test('the supervisor sees the figures and reassigns a red case with a reason', async () => {
  // a case in review, made overdue behind the server's back
  const t = await s.login('applicant1');
  const up = await s.api('POST', '/api/v1/materials', { token: t, body: new TextEncoder().encode('%PDF-1.4 x'), headers: { 'Content-Type': 'application/pdf' } });
  const c = await s.api('POST', '/api/v1/cases', { token: t, body: { item: TWO_STEPS, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] } });
  const clerk = await s.login('clerk1');
  await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept`, { token: clerk });
  const { sql } = await import('../api/helper.mjs');
  sql(s.db, `UPDATE cases SET deadline_min = 1000, yellow_min = 500, light = 'red' WHERE no = '${c.json.no}'`);
  const before = await assigneeOf(c.json.no);
  const other = before === 'approver1' ? 'approver-xzsp' : 'approver1';

  const page = await newPage(browser);
  await loginAs(page, 'supervisor1');
  await page.goto(s.url + '/board.html');
  await page.waitForSelector('#fig-accepted');
  assert.match(await page.textContent('#fig-on-time b'), /%$/);
  await page.waitForSelector('#by-department tr[data-department=xzsp]');
  await page.click(`#cases tr[data-no="${c.json.no}"]`);
  await page.waitForSelector(`.case-view[data-no="${c.json.no}"]`);
  await act(page, 'assign', async () => {
    await page.waitForSelector(`#action-panel select[name=assignee] option[value="${other}"]`, { state: "attached" });
    await page.selectOption('#action-panel select[name=assignee]', other);
    await page.fill('#action-panel textarea[name=reason]', '原审批人休假，改派');
  });
  await page.waitForFunction((o) => document.querySelector('.case-view').textContent.includes(o), other);
  assert.equal(await assigneeOf(c.json.no), other);
  await page.screenshot({ path: join(SHOTS, 'board.png'), fullPage: true });
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('an approver completes the post-check of a commitment-based case', async () => {
  const t = await s.login('applicant1');
  const up = await s.api('POST', '/api/v1/materials', { token: t, body: new TextEncoder().encode('%PDF-1.4 c'), headers: { 'Content-Type': 'application/pdf' } });
  const c = await s.api('POST', '/api/v1/cases', { token: t, body: { item: '371091011005035000', commitment: true, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }] } });
  assert.equal(c.status, 201, c.text);
  const accepted = await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept`, { token: await s.login('clerk1') });
  assert.equal(accepted.json.state, 'approved');
  const page = await newPage(browser);
  await loginAs(page, 'approver1');
  await page.goto(s.url + '/inbox.html');
  await page.waitForSelector(`#post-checks tr[data-case="${c.json.no}"]`);
  await page.fill(`#post-checks tr[data-case="${c.json.no}"] input.note`, '现场核查与承诺一致');
  await page.click(`#post-checks tr[data-case="${c.json.no}"] button.pass`);
  await page.waitForFunction((no) => !document.querySelector(`#post-checks tr[data-case="${no}"]`), c.json.no);
  const done = await s.api('GET', '/api/v1/post-checks?state=passed', { token: await s.login('approver1') });
  assert.ok(done.json.post_checks.some((p) => p.case === c.json.no && p.result === '现场核查与承诺一致'));
  assert.deepEqual(real(page.problems), []);
  await page.close();
});

test('the window console starts a case for a walk-in, scans the materials and accepts it', async () => {
  const page = await newPage(browser);
  await loginAs(page, 'clerk1');
  await page.goto(s.url + '/window.html');
  await page.click('#new-case');
  await page.fill('#item-search', '食品经营许可');
  await page.click('#item-find');
  await page.waitForSelector('#item-select option[value="371091011002014000"]', { state: 'attached' });
  await page.selectOption('#item-select', '371091011002014000');
  await page.waitForSelector('#item-form:not(.hidden)');
  await page.fill('#a-name', '李四');
  await page.fill('#a-id', '11010519491231002x');
  await page.fill('#a-phone', '1370000');
  await page.fill('[name="form.applicant_name"]', '李四');
  await page.fill('[name="form.contact_phone"]', '13700007777');
  await page.setInputFiles('[name="material.m1"]', pdf('身份证扫描.pdf'));
  await page.setInputFiles('[name="material.m2"]', pdf('申请表扫描.pdf'));
  // a wrong phone is refused, naming the field, and the field is marked
  await page.click('#create');
  await page.waitForSelector('#error:not(.hidden)');
  assert.match(await page.textContent('#error'), /applicant\.phone/);
  assert.ok(await page.$('#a-phone.invalid'));
  await page.fill('#a-phone', '13700007777');
  await page.click('#create');
  await stateIs(page, '已提交');
  const no = await page.getAttribute('.case-view', 'data-no');
  assert.match(no, /^\d{20}$/);
  assert.match(await page.textContent('.case-view'), /李四（110105\*+002X/);
  await act(page, 'accept');
  await stateIs(page, '审查中');
  assert.ok(await page.$('a.doc[data-doc=acceptance]'));
  await page.screenshot({ path: join(SHOTS, 'window-walk-in.png'), fullPage: true });
  assert.deepEqual(real(page.problems), []);
  await page.close();
});
