// The district's other processes through the browser, each from one form: an industry
// licensed (一业一证, a KTV with its sign, the commitment signed), a construction project
// approved (拿地即开工), a home transferred with its utilities (不动产1113) and power
// connected on registration (注册即来电). The applicant fills the portal's form; the window
// accepts; each part is approved in its department; the applicant's page shows 已办结.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n`) });

let s;
let browser;
before(async () => {
  s = await startServer({ args: ['--work-hours', '00:00-23:59'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

const real = (problems) => problems.filter((p) => !/status of (401|409|422)/.test(p));

// Accepts the run at the window, then approves every open part as its step's approver, until it ends.
async function windowAndDepartments(no) {
  const tok = { clerk1: await s.login('clerk1'), supervisor1: await s.login('supervisor1') };
  const r = await s.api('POST', `/api/v1/process-runs/${no}/actions/accept`, { token: tok.clerk1 });
  assert.equal(r.status, 200, r.text);
  for (let round = 0; round < 10; round++) {
    const run = (await s.api('GET', `/api/v1/process-runs/${no}`, { token: tok.supervisor1 })).json;
    if (run.state !== 'running') return run;
    for (const p of run.parts.filter((x) => x.case && x.case.state === 'accepted')) {
      const c = (await s.api('GET', `/api/v1/cases/${p.case.no}`, { token: tok.supervisor1 })).json;
      const who = c.current_step.assignee || `approver-${c.current_step.department}`;
      tok[who] ||= await s.login(who);
      const a = await s.api('POST', `/api/v1/cases/${p.case.no}/actions/approve`, { token: tok[who] });
      assert.equal(a.status, 200, a.text);
    }
  }
  throw new Error(`run ${no} did not end`);
}

const cases = [
  { code: 'P-YYYZ-10', who: 'business1', parts: 4, answers: { has_sign: 'yes' }, commitment: true,
    form: { operator: '威海一窗娱乐有限公司', contact_phone: '13900005678', description: '经区海滨路8号，KTV包间20间' },
    files: ['identity', 'application'] },
  { code: 'P-NDJKG', who: 'business1', parts: 7, answers: { project_type: '社会投资工业项目' },
    form: { builder: '威海一窗制造有限公司', contact_phone: '13900005678', project: '年产万吨轮胎配件项目，经区工业园' },
    files: ['identity', 'application'] },
  { code: 'P-BDC1113', who: 'applicant1', parts: 3, answers: { transfer_utilities: 'yes' },
    form: { buyer: '张三', unit_no: '371091001001GB00001F00010001', location: '经区海滨路1号1单元101', contact_phone: '13800001234' },
    files: ['application', 'identity', 'contract'] },
  { code: 'P-ZCJLD', who: 'business1', parts: 2, answers: {},
    form: { operator: '王五', contact_phone: '13900005678', premises: '经区海滨路9号，用电30千瓦' },
    files: ['identity', 'application'] },
];

for (const c of cases) {
  test(`${c.code} from the portal's one form to 已办结, every part in its own department`, async () => {
    const page = await newPage(browser);
    await logIn(page, s.url, c.who);
    await page.goto(`${s.url}/things.html`);
    await page.click(`[data-process="${c.code}"] a`);
    await page.waitForSelector('#thing-form:not(.hidden)');
    for (const [q, v] of Object.entries(c.answers)) await page.check(`input[name="answers.${q}"][value="${v}"]`);
    assert.equal(await page.$$eval('#parts tbody tr', (r) => r.length), c.parts, 'the answers choose the parts');
    for (const [name, v] of Object.entries(c.form)) await page.fill(`[name="form.${name}"]`, v);
    for (const id of c.files) await page.setInputFiles(`[name="material.${id}"]`, pdf(`${id}.pdf`));
    assert.equal(await page.isVisible('#commitment-box'), Boolean(c.commitment), 'the commitment is asked for when a part is 告知承诺');
    if (c.commitment) await page.check('#commitment');
    await page.click('#submit');
    await page.waitForURL(/\/run\.html\?no=\d{20}$/);
    const no = new URL(page.url()).searchParams.get('no');
    await page.waitForSelector('#run:not(.hidden)');
    assert.equal(await page.$$eval('#parts tbody tr', (r) => r.length), c.parts);
    const done = await windowAndDepartments(no);
    assert.equal(done.state, 'approved');
    const departments = new Set(done.parts.filter((p) => p.case).map((p) => p.case.department));
    assert.ok(departments.size >= Math.min(2, c.parts), `parts decided in their own departments: ${[...departments]}`);
    // the page, never reloaded, follows the run to its end
    await page.waitForFunction(() => document.querySelector('#run-state').textContent === '已办结');
    await page.screenshot({ path: join(SHOTS, `run-${c.code}.png`), fullPage: true });
    assert.deepEqual(real(page.problems), []);
    await page.close();
  });
}
