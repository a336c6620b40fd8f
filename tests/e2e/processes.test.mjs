// 企业开办 (一件事一次办) through the browser: the business answers one question,
// fills one form and one material set; the window accepts it as one application;
// each department approves its own part from its own inbox; the applicant's progress
// page, left open, follows every part live to 已办结; the window delivers all results
// at once; the supervisor sees the run against its 2-hour promise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });

let s;
let applicantSide;
let staffSide;
before(async () => {
  // the day's hours open all day, so that a 2-hour promise reads the same at any hour of the run
  s = await startServer({ args: ['--work-hours', '00:00-23:59'] });
  // two browsers, two sessions: the applicant's stays open while the staff act
  applicantSide = await launch();
  staffSide = await launch();
});
after(async () => { await applicantSide?.close(); await staffSide?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|409|422)/.test(p));

async function assigneeOf(no) {
  const token = await s.login('supervisor1');
  const c = (await s.api('GET', `/api/v1/cases/${no}`, { token })).json;
  return c.current_step.assignee || `approver-${c.current_step.department}`;
}

test('企业开办 from one form to seven results, each department in its own inbox, watched live', async () => {
  const a = await newPage(applicantSide);
  await logIn(a, s.url, 'business1');
  // 1. the guide counts the processes and what they save; the portal lists each; the applicant opens one
  await a.goto(s.url + '/');
  await a.waitForSelector('#figure-things');
  assert.match(await a.textContent('#figure-things'), /^24件“一件事”，平均减少材料\d+%$/);
  await a.click('#figure-things');
  await a.waitForURL(/\/things\.html$/);
  await a.waitForSelector('[data-process="P-QYKB"]');
  assert.match(await a.textContent('[data-process="P-QYKB"]'), /7 → 1/);
  await a.screenshot({ path: join(SHOTS, 'things.png'), fullPage: true });
  await a.click('[data-process="P-QYKB"] a');
  await a.waitForSelector('#thing-form:not(.hidden)');
  // the answer chooses the parts: with premises, the power connection joins
  assert.equal(await a.$$eval('#parts tbody tr', (r) => r.length), 6);
  await a.check('input[name="answers.has_premises"][value=yes]');
  assert.equal(await a.$$eval('#parts tbody tr', (r) => r.length), 7);
  await a.fill('[name="form.company_name"]', '威海一窗信息科技有限公司');
  await a.fill('[name="form.legal_person"]', '王五');
  await a.fill('[name="form.registered_capital"]', '100');
  await a.fill('[name="form.address"]', '威海经区海滨南路1号');
  await a.fill('[name="form.contact_phone"]', '13900005678');
  await a.setInputFiles('[name="material.application"]', pdf('一表填报申请书.pdf'));
  await a.setInputFiles('[name="material.legal_person_id"]', pdf('法定代表人身份证明.pdf'));
  await a.selectOption('#delivery-mode', 'electronic');
  await a.screenshot({ path: join(SHOTS, 'thing-form.png'), fullPage: true });
  await a.click('#submit');
  await a.waitForURL(/\/run\.html\?no=\d{20}$/);
  const no = new URL(a.url()).searchParams.get('no');
  await a.waitForSelector('#run:not(.hidden)');
  assert.equal(await a.textContent('#run-state'), '办理中');
  assert.equal(await a.$$eval('#parts tbody tr', (r) => r.length), 7);
  assert.equal(await a.getAttribute('#parts tr[data-part=licence] [data-state]', 'data-state'), 'running');
  assert.equal(await a.getAttribute('#parts tr[data-part=seal] [data-state]', 'data-state'), 'waiting');

  // 2. the window accepts the whole as one application: the 2-hour promise starts
  const w = await newPage(staffSide);
  await logIn(w, s.url, 'clerk1');
  await w.goto(s.url + '/runs.html');
  await w.click(`#runs tr[data-no="${no}"] a`);
  await w.waitForSelector('#run-actions button[data-action=accept]');
  await w.click('#run-actions button[data-action=accept]');
  await w.waitForFunction(() => /前办结/.test(document.querySelector('#run-deadline').textContent));
  await w.screenshot({ path: join(SHOTS, 'run-window.png'), fullPage: true });

  // 3. the licence's approver approves it from the inbox; the six others start at once
  const token = await s.login('supervisor1');
  const partCase = async (id) => (await s.api('GET', `/api/v1/process-runs/${no}`, { token })).json.parts.find((p) => p.id === id).case;
  const approveInInbox = async (caseNo) => {
    await logIn(w, s.url, await assigneeOf(caseNo));
    await w.goto(s.url + '/inbox.html');
    await w.click(`#cases tr[data-no="${caseNo}"]`);
    await w.waitForSelector(`.case-view[data-no="${caseNo}"]`);
    // the inbox holds this department's part, not the other departments'
    const others = await w.$$eval('#cases tr[data-no]', (rows) => rows.map((r) => r.dataset.no));
    await w.click('#case-actions button[data-action="approve"]');
    await w.waitForSelector('#action-panel form[data-action="approve"]');
    await w.click('#action-submit');
    await w.waitForFunction(() => document.querySelector('#case-state')?.textContent === '准予许可');
    return others;
  };
  await approveInInbox((await partCase('licence')).no);
  // the applicant's page, never reloaded, shows the six started
  await a.waitForFunction(() => document.querySelector('#parts tr[data-part=seal] [data-state]')?.dataset.state === 'running');
  assert.equal(await a.getAttribute('#parts tr[data-part=licence] [data-state]', 'data-state'), 'approved');
  assert.equal(await a.getAttribute('#parts tr[data-part=medical] [data-state]', 'data-state'), 'approved', '医保 is decided at acceptance');
  const open = {};
  for (const id of ['seal', 'invoice', 'social', 'fund', 'power']) open[id] = (await partCase(id)).no;
  for (const [id, caseNo] of Object.entries(open)) {
    const inbox = await approveInInbox(caseNo);
    for (const [other, otherNo] of Object.entries(open)) if (other !== id) assert.ok(!inbox.includes(otherNo), `${id}'s inbox shows ${other}'s part`);
    await a.waitForFunction((p) => document.querySelector(`#parts tr[data-part=${p}] [data-state]`)?.dataset.state === 'approved', id);
  }
  await a.waitForFunction(() => document.querySelector('#run-state').textContent === '已办结');
  await a.screenshot({ path: join(SHOTS, 'run-done.png'), fullPage: true });

  // 4. one delivery of every result
  await logIn(w, s.url, 'clerk1');
  await w.goto(`${s.url}/run.html?no=${no}`);
  await w.click('#run-actions button[data-action=deliver]');
  await w.selectOption('#deliver-mode', 'electronic');
  await w.click('#deliver-submit');
  await w.waitForFunction(() => [...document.querySelectorAll('#parts tbody tr td:last-child a')].length === 7 &&
    !document.querySelector('#run-actions button[data-action=deliver]'));
  const closed = (await s.api('GET', `/api/v1/process-runs/${no}`, { token })).json.parts.filter((p) => p.case?.state === 'closed');
  assert.equal(closed.length, 7);

  // 5. the supervisor sees it against its promise
  await logIn(w, s.url, 'supervisor1');
  await w.goto(s.url + '/runs.html');
  await w.click('#states button[data-state=approved]');
  await w.waitForSelector(`#runs tr[data-no="${no}"]`);
  assert.match(await w.textContent(`#runs tr[data-no="${no}"]`), /7 \/ 7/);
  assert.match(await w.textContent(`#runs tr[data-no="${no}"]`), /绿灯/);
  await w.screenshot({ path: join(SHOTS, 'runs-supervisor.png'), fullPage: true });
  assert.deepEqual(real(a.problems), []);
  assert.deepEqual(real(w.problems), []);
});
