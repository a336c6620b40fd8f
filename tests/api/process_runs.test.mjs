// Composite processes at work (一件事一次办): one form files a run, its parts start as
// ordinary cases in their departments' inboxes as their predecessors are approved, a
// denial stops or spares the rest by the process's rule, the applicant withdraws the
// whole, the window accepts and delivers it as one, and the join is exactly once when
// the last parts end at the same moment (100 runs, both parts approved at once).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PG, expectError, sql, startServer } from './helper.mjs';
import { openStream } from './sse.mjs';

const LICENCE = '371091011001007000'; // 企业设立登记: xzsp, 2 working hours, one step
const SEAL = '371091101001007000'; // 公章刻制备案: ga
const INVOICE = '371091101002014000'; // 发票申领: sw

let s;
const tok = {};
const pdf = (who) => new TextEncoder().encode(`%PDF-1.4\n% yichuang process test, uploaded by ${who}\n`);
const sha = {};

before(async () => {
  s = await startServer();
  for (const u of ['business1', 'applicant1', 'clerk1', 'approver1', 'approver-ga', 'approver-sw', 'supervisor1', 'admin']) {
    tok[u] = await s.login(u);
  }
  for (const u of ['business1', 'clerk1']) {
    const r = await s.api('POST', '/api/v1/materials', { body: pdf(u), token: tok[u], headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(r.status, 201, r.text);
    sha[u] = r.json.sha256;
  }
});
after(async () => { await s.stop(); });

const token = async (u) => (tok[u] ||= await s.login(u));
const form = { company_name: '威海一窗科技有限公司', legal_person: '王五', registered_capital: 100, address: '威海经区海滨路1号', contact_phone: '13800001234' };
const materials = (who = 'business1') => ['application', 'legal_person_id'].map((id) => ({ id, sha256: sha[who] }));

async function file(body, who = 'business1') {
  const r = await s.api('POST', '/api/v1/process-runs', { token: tok[who], body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const view = async (no, who = 'supervisor1') => {
  const r = await s.api('GET', `/api/v1/process-runs/${no}`, { token: await token(who) });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const runAct = (no, action, who, body) => s.api('POST', `/api/v1/process-runs/${no}/actions/${action}`, { token: tok[who], body });
const parts = (run) => Object.fromEntries(run.parts.map((p) => [p.id, p]));

// A part's case decided by the approver its step went to.
async function decide(caseNo, action = 'approve', body) {
  const c = (await s.api('GET', `/api/v1/cases/${caseNo}`, { token: tok.supervisor1 })).json;
  const step = c.current_step || {};
  const who = step.assignee || `approver-${step.department || c.department}`;
  const r = await s.api('POST', `/api/v1/cases/${caseNo}/actions/${action}`, { token: await token(who), body });
  assert.equal(r.status, 200, `${action} ${caseNo} as ${who}: ${r.text}`);
  return r.json;
}
const count = (q) => Number(sql(s.db, q).trim());

test('企业开办 from one form: the licence first, then six parts at once, one end, one delivery', async () => {
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'yes' }, form, materials: materials() });
  assert.equal(run.state, 'running');
  assert.equal(run.applicant.name, '威**', 'the applicant leaves masked');
  let p = parts(run);
  assert.equal(p.licence.state, 'running');
  assert.equal(p.licence.case.state, 'submitted');
  assert.equal(p.licence.case.department, 'xzsp');
  for (const id of ['seal', 'invoice', 'social', 'medical', 'fund', 'power']) assert.equal(p[id].state, 'waiting', id);
  // the licence's case holds what the one form says, under the item's own field names
  const lic = (await s.api('GET', `/api/v1/cases/${p.licence.case.no}`, { token: tok.business1 })).json;
  assert.equal(lic.form.company_name, form.company_name);
  assert.equal(lic.form.registered_capital, 100);
  assert.deepEqual(lic.materials.map((m) => m.id).sort(), ['m1', 'm2']);
  // the window accepts the run as one application: the promise of 2 working hours starts
  expectError(assert, await runAct(run.no, 'accept', 'business1'), 403, 'forbidden');
  const acc = await runAct(run.no, 'accept', 'clerk1');
  assert.equal(acc.status, 200, acc.text);
  assert.ok(acc.json.deadline && acc.json.accepted_at);
  assert.equal(parts(acc.json).licence.case.state, 'accepted');
  expectError(assert, await runAct(run.no, 'accept', 'clerk1'), 409, 'conflict');
  // results are delivered together, once every part has ended
  expectError(assert, await runAct(run.no, 'deliver', 'clerk1', { mode: 'electronic' }), 409, 'conflict');
  // the licence approved: the six start together in their departments, accepted as the run was
  await decide(p.licence.case.no);
  p = parts(await view(run.no, 'business1'));
  assert.equal(p.licence.state, 'approved');
  for (const id of ['seal', 'invoice', 'social', 'fund', 'power']) {
    assert.equal(p[id].state, 'running', id);
    assert.equal(p[id].case.state, 'accepted', id);
  }
  assert.equal(p.medical.state, 'approved', '医保 is decided at acceptance');
  assert.equal(p.seal.case.department, 'ga');
  // each department's inbox holds its own part only
  const inbox = (await s.api('GET', '/api/v1/cases?state=accepted', { token: tok['approver-ga'] })).json.cases;
  assert.ok(inbox.some((c) => c.no === p.seal.case.no));
  assert.ok(!inbox.some((c) => c.no === p.invoice.case.no));
  // the applicant watches the run live
  const stream = await openStream(`${s.url}/api/v1/process-runs/${run.no}/events`, { token: tok.business1 });
  assert.equal(stream.status, 200, stream.body);
  for (const id of ['seal', 'invoice', 'social', 'fund']) await decide(p[id].case.no);
  assert.equal((await view(run.no)).state, 'running', 'one part still open');
  await decide(p.power.case.no);
  await stream.until((evs) => evs.some((e) => e.json.payload.state === 'approved'));
  stream.close();
  const done = await view(run.no, 'business1');
  assert.equal(done.state, 'approved');
  assert.ok(done.decided_at);
  assert.equal(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'process.approved' AND object = 'process_run/${run.no}'`), 1);
  assert.equal(count(`SELECT COUNT(*) FROM notifications WHERE recipient = 'process:${run.no}'`), 1);
  assert.ok(done.timeline.length >= 7 * 2, 'one timeline of every part');
  assert.deepEqual([...new Set(done.timeline.map((e) => e.part))].sort(), ['fund', 'invoice', 'licence', 'medical', 'power', 'seal', 'social']);
  // one delivery of all seven results
  const dl = await runAct(run.no, 'deliver', 'clerk1', { mode: 'electronic' });
  assert.equal(dl.status, 200, dl.text);
  for (const part of dl.json.parts) assert.equal(part.case.state, 'closed', part.id);
  expectError(assert, await runAct(run.no, 'deliver', 'clerk1', { mode: 'electronic' }), 409, 'conflict');
  // the lists: the applicant's own, the window's office
  assert.ok((await s.api('GET', '/api/v1/process-runs', { token: tok.business1 })).json.runs.some((r) => r.no === run.no && r.parts === 7 && r.parts_done === 7));
  assert.ok(!(await s.api('GET', '/api/v1/process-runs', { token: tok.applicant1 })).json.runs.some((r) => r.no === run.no));
});

test('the answers choose the parts: without premises no power connection', async () => {
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials() });
  const p = parts(run);
  assert.equal(p.power.state, 'skipped');
  assert.equal(p.power.state_label, '不适用');
});

test('one form, checked as one: every refusal names the process\'s own field', async () => {
  const bad = (body, field, who = 'business1') => s.api('POST', '/api/v1/process-runs', { token: tok[who], body })
    .then((r) => expectError(assert, r, 422, 'invalid', field));
  await bad({ process: 'P-NONE', answers: {}, form }, 'process');
  await bad({ process: 'P-QYKB', form }, 'answers.has_premises');
  await bad({ process: 'P-QYKB', answers: { has_premises: 'maybe' }, form }, 'answers.has_premises');
  await bad({ process: 'P-QYKB', answers: { has_premises: 'no' }, form: { ...form, company_name: '' } }, 'form.company_name');
  await bad({ process: 'P-QYKB', answers: { has_premises: 'no' }, form: { ...form, colour: 'red' } }, 'form.colour');
  await bad({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: [{ id: 'nope', sha256: sha.business1 }] }, 'materials[0].id');
  // a material is attached by its uploader only
  await bad({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials('clerk1') }, 'materials');
  // a clerk files for a walk-in, who is named
  await bad({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials('clerk1') }, 'applicant', 'clerk1');
  expectError(assert, await s.api('POST', '/api/v1/process-runs', { token: tok.approver1, body: { process: 'P-QYKB' } }), 403, 'forbidden');
  assert.equal(count("SELECT COUNT(*) FROM process_runs WHERE form LIKE '%colour%'"), 0);
});

test('a denial under "stop": the running parts are withdrawn, the waiting cancelled, the run denied', async () => {
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials() });
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  await decide(parts(run).licence.case.no);
  const p = parts(await view(run.no));
  await decide(p.seal.case.no, 'deny', { reason: '印章样式不符合规定' });
  const done = await view(run.no);
  assert.equal(done.state, 'denied');
  const q = parts(done);
  assert.equal(q.licence.state, 'approved');
  assert.equal(q.seal.state, 'denied');
  for (const id of ['invoice', 'social', 'fund']) {
    assert.equal(q[id].state, 'cancelled', id);
    assert.equal(q[id].case.state, 'withdrawn', id);
  }
  assert.equal(q.medical.state, 'approved', 'decided before the denial');
  assert.equal(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'process.denied' AND object = 'process_run/${run.no}'`), 1);
});

test('a denial under "continue": what does not wait for the denied part goes on, the run ends partial', async () => {
  const def = {
    code: 'P-CONT', name: '测试（其余继续）', promised_limit: { value: 1, unit: 'workday' }, on_deny: 'continue',
    parts: [{ id: 'licence', item: LICENCE }, { id: 'seal', item: SEAL, after: ['licence'] }, { id: 'invoice', item: INVOICE, after: ['licence'] }],
    form: [{ name: 'company_name', label: '企业名称', type: 'text', required: true, fills: { licence: 'company_name', seal: 'company_name', invoice: 'company_name' } },
      { name: 'legal_person', label: '法定代表人', type: 'text', fills: { licence: 'legal_person', seal: 'legal_person', invoice: 'legal_person' } },
      { name: 'registered_capital', label: '注册资本', type: 'number', fills: { licence: 'registered_capital', seal: 'registered_capital', invoice: 'registered_capital' } },
      { name: 'address', label: '住所', type: 'text', fills: { licence: 'address', seal: 'address', invoice: 'address' } }],
    materials: [{ id: 'application', name: '申请书', fills: { licence: 'm1', seal: 'm1', invoice: 'm1' } },
      { id: 'legal_person_id', name: '法定代表人身份证明', fills: { licence: 'm2', seal: 'm2', invoice: 'm2' } }],
  };
  assert.equal((await s.api('PUT', '/api/v1/processes/P-CONT', { token: tok.admin, body: def })).status, 200);
  const f = { company_name: form.company_name, legal_person: '王五', registered_capital: 10, address: form.address };
  const run = await file({ process: 'P-CONT', form: f, materials: materials() });
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  await decide(parts(run).licence.case.no);
  const p = parts(await view(run.no));
  await decide(p.seal.case.no, 'deny', { reason: '不符合条件' });
  assert.equal((await view(run.no)).state, 'running', 'the invoice goes on');
  await decide(p.invoice.case.no);
  const done = await view(run.no);
  assert.equal(done.state, 'partial');
  assert.equal(done.state_label, '部分办结');
  // a denial of the first part under "continue": what waits behind it can never start
  const run2 = await file({ process: 'P-CONT', form: f, materials: materials() });
  assert.equal((await runAct(run2.no, 'accept', 'clerk1')).status, 200);
  await decide(parts(run2).licence.case.no, 'deny', { reason: '名称不符合规定' });
  const d2 = await view(run2.no);
  assert.equal(d2.state, 'denied');
  assert.equal(parts(d2).seal.state, 'cancelled');
  assert.equal(parts(d2).seal.case, null, 'never started');
});

test('the applicant withdraws the whole; nobody else sees it; nothing more starts', async () => {
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials() });
  expectError(assert, await s.api('GET', `/api/v1/process-runs/${run.no}`, { token: tok.applicant1 }), 404, 'not_found');
  expectError(assert, await runAct(run.no, 'withdraw', 'applicant1'), 404, 'not_found');
  expectError(assert, await s.api('GET', `/api/v1/process-runs/${run.no}`, { token: tok['approver-ga'] }), 403, 'forbidden');
  // the licence's department sees the run its part belongs to
  assert.equal((await s.api('GET', `/api/v1/process-runs/${run.no}`, { token: tok.approver1 })).status, 200);
  const w = await runAct(run.no, 'withdraw', 'business1', { reason: '不再开办' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.state, 'withdrawn');
  const p = parts(w.json);
  assert.equal(p.licence.case.state, 'withdrawn');
  assert.equal(p.seal.state, 'cancelled');
  expectError(assert, await runAct(run.no, 'withdraw', 'business1'), 409, 'conflict');
  expectError(assert, await runAct(run.no, 'accept', 'clerk1'), 409, 'conflict');
  expectError(assert, await s.api('POST', `/api/v1/process-runs/${run.no}/actions/fly`, { token: tok.clerk1 }), 404, 'not_found', 'action');
  expectError(assert, await s.api('GET', '/api/v1/process-runs/123', { token: tok.clerk1 }), 404, 'not_found', 'no');
  expectError(assert, await s.api('GET', '/api/v1/process-runs?state=lost', { token: tok.clerk1 }), 422, 'invalid', 'state');
});

test('a clerk files for a walk-in at the window', async () => {
  const applicant = { kind: 'business', name: '威海窗口代办有限公司', id_number: '91371000MA3C5XYW18', phone: '13900002222' };
  const r = await s.api('POST', '/api/v1/process-runs', { token: tok.clerk1, body: { process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials('clerk1'), applicant } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'window');
  const acc = await runAct(r.json.no, 'accept', 'clerk1');
  assert.equal(acc.status, 200, acc.text);
  await decide(parts(acc.json).licence.case.no);
  const p = parts(await view(r.json.no));
  assert.equal(p.seal.case.state, 'accepted', 'later parts start from what the clerk filed');
});

// Two parts that wait for nothing, to be approved at the same moment.
const PAIR = {
  code: 'P-PAIR', name: '测试（两件并联）', promised_limit: { value: 1, unit: 'workday' }, on_deny: 'stop',
  parts: [{ id: 'seal', item: SEAL }, { id: 'invoice', item: INVOICE }],
  form: ['company_name', 'legal_person', 'registered_capital', 'address'].map((name) => (
    { name, label: name, type: name === 'registered_capital' ? 'number' : 'text', fills: { seal: name, invoice: name } })),
  materials: [{ id: 'application', name: '申请书', fills: { seal: 'm1', invoice: 'm1' } },
    { id: 'legal_person_id', name: '法定代表人身份证明', fills: { seal: 'm2', invoice: 'm2' } }],
};
const pairForm = { company_name: form.company_name, legal_person: '王五', registered_capital: 10, address: form.address };

// n accepted runs of P-PAIR, then both parts of each approved at once, through nodes[i % nodes.length].
async function joinAtOnce(n, nodes) {
  assert.equal((await s.api('PUT', '/api/v1/processes/P-PAIR', { token: tok.admin, body: PAIR })).status, 200);
  const runs = await Promise.all(Array.from({ length: n }, () => file({ process: 'P-PAIR', form: pairForm, materials: materials() })));
  for (const r of runs) {
    const a = await runAct(r.no, 'accept', 'clerk1');
    assert.equal(a.status, 200, a.text);
  }
  const cases = runs.flatMap((r) => r.parts.map((p) => p.case.no));
  const tokens = await Promise.all(nodes.map(async (node) => ({ ga: await node.login('approver-ga'), sw: await node.login('approver-sw') })));
  const results = await Promise.all(cases.map((no, i) => {
    const k = Math.floor(i / 2) % nodes.length; // the two parts of one run through one node; …
    const node = i % 2 && nodes.length > 1 ? nodes[(k + 1) % nodes.length] : nodes[k]; // … or, with two, through both
    const t = i % 2 ? tokens[nodes.indexOf(node)].sw : tokens[nodes.indexOf(node)].ga;
    return node.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: t });
  }));
  for (const r of results) assert.equal(r.status, 200, r.text);
  const nos = runs.map((r) => `'${r.no}'`).join(',');
  assert.equal(count(`SELECT COUNT(*) FROM process_runs WHERE no IN (${nos}) AND state = 'approved'`), n, 'none left open');
  assert.equal(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'process.approved' AND object IN (${runs.map((r) => `'process_run/${r.no}'`).join(',')})`), n, 'none ended twice');
  assert.equal(count(`SELECT COUNT(*) FROM notifications WHERE recipient IN (${runs.map((r) => `'process:${r.no}'`).join(',')})`), n);
}

test('the join is exactly once: 100 runs whose two last parts are approved at the same moment', async () => {
  await joinAtOnce(100, [s]);
});

test('the join is exactly once across two nodes on one PostgreSQL database', { skip: !PG && 'needs PostgreSQL (one SQLite file is one node)' }, async () => {
  const b = await startServer({ db: s.db, dir: s.dir + '-b' });
  try {
    await joinAtOnce(100, [s, b]);
  } finally { await b.stop({ clean: false }); }
});

// The district's other processes, each from one form to its end.
const simple = (extra = {}) => ({ operator: '威海一窗娱乐有限公司', contact_phone: '13900005678', description: '经区海滨路8号，营业面积300平方米', ...extra });
const pair = () => [{ id: 'identity', sha256: sha.business1 }, { id: 'application', sha256: sha.business1 }];
async function approveAll(no, { deny } = {}) {
  for (let round = 0; round < 10; round++) {
    const run = await view(no);
    if (run.state !== 'running') return run;
    const open = run.parts.filter((p) => p.case && p.case.state === 'accepted');
    assert.ok(open.length, `run ${no} is running with no part open: ${JSON.stringify(run.parts.map((p) => [p.id, p.state]))}`);
    for (const p of open) await decide(p.case.no, p.id === deny ? 'deny' : 'approve', p.id === deny ? { reason: '不符合条件' } : undefined);
  }
  return view(no);
}

test('一业一证: a KTV, four permits in parallel from one form, the commitment-based one decided at acceptance', async () => {
  const p = (await s.api('GET', '/api/v1/processes/P-YYYZ-10')).json;
  assert.equal(p.parts.find((x) => x.id === 'hygiene').commitment, true);
  assert.equal(p.figures.before.applications, 4);
  assert.equal(p.figures.after.applications, 1);
  const run = await file({ process: 'P-YYYZ-10', answers: { has_sign: 'yes' }, form: simple(), materials: pair(), commitment: true });
  assert.deepEqual(run.parts.map((x) => x.state), ['running', 'running', 'running', 'running'], 'nothing waits: all start at once');
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  assert.equal(parts(await view(run.no)).hygiene.state, 'approved', '告知承诺: decided at acceptance');
  const done = await approveAll(run.no);
  assert.equal(done.state, 'approved');
  // under "continue" a denied permit spares the others: the run ends partial
  const run2 = await file({ process: 'P-YYYZ-10', answers: { has_sign: 'no' }, form: simple(), materials: pair(), commitment: true });
  assert.equal(parts(run2).sign.state, 'skipped');
  assert.equal((await runAct(run2.no, 'accept', 'clerk1')).status, 200);
  const d2 = await approveAll(run2.no, { deny: 'fire' });
  assert.equal(d2.state, 'partial');
  assert.equal(parts(d2).ent.state, 'approved');
  assert.equal(parts(d2).fire.state, 'denied');
});

test('工程建设: 拿地即开工, the two planning permits in turn, then five certificates together; a simple project without 人防', async () => {
  const form = { builder: '威海一窗制造有限公司', contact_phone: '13900005678', project: '年产万吨轮胎配件项目，经区工业园，建筑面积2万平方米' };
  const run = await file({ process: 'P-NDJKG', answers: { project_type: '社会投资工业项目' }, form, materials: pair() });
  let p = parts(run);
  assert.equal(p.land.state, 'running');
  for (const id of ['works', 'permit', 'quality', 'safety', 'ad_quality', 'ad_permit']) assert.equal(p[id].state, 'waiting', id);
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  await decide(p.land.case.no);
  p = parts(await view(run.no));
  assert.equal(p.works.state, 'running');
  assert.equal(p.permit.state, 'waiting');
  await decide(p.works.case.no);
  p = parts(await view(run.no));
  for (const id of ['permit', 'quality', 'safety', 'ad_quality', 'ad_permit']) assert.equal(p[id].case.state, 'accepted', `五证联办: ${id}`);
  assert.equal((await approveAll(run.no)).state, 'approved');
  const simpleRun = await file({ process: 'P-NDJKG', answers: { project_type: '简易低风险项目' }, form, materials: pair() });
  assert.equal(parts(simpleRun).ad_quality.state, 'skipped');
  assert.equal(parts(simpleRun).ad_permit.state, 'skipped');
});

test('不动产1113: registration and tax in parallel, the utilities transferred after the registration', async () => {
  const form = { buyer: '王五', unit_no: '371091001001GB00001F00010001', location: '经区海滨路1号1单元101', contact_phone: '13900005678', price: '成交价120万元' };
  const mats = ['application', 'identity', 'contract'].map((id) => ({ id, sha256: sha.business1 }));
  const run = await file({ process: 'P-BDC1113', answers: { transfer_utilities: 'yes' }, form, materials: mats });
  let p = parts(run);
  assert.equal(p.registration.state, 'running');
  assert.equal(p.tax.state, 'running');
  assert.equal(p.utilities.state, 'waiting');
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  p = parts(await view(run.no));
  assert.equal(p.tax.state, 'approved', '契税 is decided at once');
  await decide(p.registration.case.no);
  p = parts(await view(run.no));
  assert.equal(p.utilities.case.state, 'accepted', '水电气热同步过户 follows the registration by itself');
  const lic = (await s.api('GET', `/api/v1/cases/${p.utilities.case.no}`, { token: tok.business1 })).json;
  assert.equal(lic.form.unit_no, form.unit_no, 'the utilities part filled from the same form');
  assert.equal((await approveAll(run.no)).state, 'approved');
});

test('注册即来电: the power connection starts by itself when the registration is approved (免申请)', async () => {
  const run = await file({ process: 'P-ZCJLD', form: { operator: '王五', contact_phone: '13900005678', premises: '经区海滨路9号，用电容量30千瓦' }, materials: pair() });
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  // the registration's two review steps; the power part waits until the last
  await decide(parts(run).registration.case.no);
  assert.equal(parts(await view(run.no)).power.state, 'waiting');
  await decide(parts(run).registration.case.no);
  const p = parts(await view(run.no));
  assert.equal(p.power.case.department, 'gd');
  assert.equal(p.power.case.state, 'accepted');
  assert.equal((await approveAll(run.no)).state, 'approved');
  const figures = (await s.api('GET', '/api/v1/processes/P-ZCJLD')).json.figures;
  assert.equal(figures.after.applications, 1);
  assert.equal(figures.before.applications, 2);
});

test('全省通办: accepted here, decided by the home registration office, results mailed', async () => {
  const applicant = { kind: 'business', name: '荣成异地开办有限公司', id_number: '91371000MA3C5XYW18', phone: '13900003333' };
  const r = await s.api('POST', '/api/v1/process-runs', { token: tok.clerk1, body: {
    process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials('clerk1'), applicant,
    channel: 'cross_region', decide_office: 'hg', delivery: { mode: 'mail', address: '山东省荣成市石岛镇1号' } } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'cross_region');
  const lic = (await s.api('GET', `/api/v1/cases/${parts(r.json).licence.case.no}`, { token: tok.supervisor1 })).json;
  assert.equal(lic.decide_office, 'hg');
  assert.equal(lic.channel, 'cross_region');
  assert.equal((await runAct(r.json.no, 'accept', 'clerk1')).status, 200);
  await decide(parts(r.json).licence.case.no);
  const seal = parts(await view(r.json.no)).seal.case;
  const sealCase = (await s.api('GET', `/api/v1/cases/${seal.no}`, { token: tok.supervisor1 })).json;
  assert.equal(sealCase.decide_office, 'hg', 'the later parts are decided at home too');
  assert.equal(sealCase.delivery.mode, 'mail');
  const missing = await s.api('POST', '/api/v1/process-runs', { token: tok.clerk1, body: {
    process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials('clerk1'), applicant, channel: 'cross_region' } });
  expectError(assert, missing, 422, 'invalid', 'decide_office');
});

test('a bank outlet seat (政银合作) files a business\'s run for a walk-in and sees its own outlet\'s runs only', async () => {
  for (const u of ['bank-1', 'bank-2']) await token(u);
  const me = (await s.api('GET', '/api/v1/session', { token: tok['bank-1'] })).json.user;
  assert.equal(me.role, 'bank');
  assert.equal(me.outlet, 'B01');
  const up = await s.api('POST', '/api/v1/materials', { body: pdf('bank-1'), token: tok['bank-1'], headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(up.status, 201, up.text);
  const mats = ['application', 'legal_person_id'].map((id) => ({ id, sha256: up.json.sha256 }));
  const applicant = { kind: 'business', name: '威海网点代办有限公司', id_number: '91371000MA3C5XYW18', phone: '13900004444' };
  const body = { process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: mats, applicant };
  const r = await s.api('POST', '/api/v1/process-runs', { token: tok['bank-1'], body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'bank');
  assert.equal(r.json.accept_office, 'jq', 'filed for the window that accepts what the outlet files');
  // its own runs, not another outlet's; no cases of its own to browse
  assert.ok((await s.api('GET', '/api/v1/process-runs', { token: tok['bank-1'] })).json.runs.some((x) => x.no === r.json.no));
  assert.ok(!(await s.api('GET', '/api/v1/process-runs', { token: tok['bank-2'] })).json.runs.some((x) => x.no === r.json.no));
  expectError(assert, await s.api('GET', `/api/v1/process-runs/${r.json.no}`, { token: tok['bank-2'] }), 403, 'forbidden');
  assert.equal((await s.api('GET', `/api/v1/process-runs/${r.json.no}`, { token: tok['bank-1'] })).status, 200);
  assert.deepEqual((await s.api('GET', '/api/v1/cases', { token: tok['bank-1'] })).json.cases, []);
  expectError(assert, await s.api('GET', `/api/v1/cases/${parts(r.json).licence.case.no}`, { token: tok['bank-1'] }), 403, 'forbidden');
  // the window accepts it, not the outlet; an outlet files business registrations, at its outlet
  expectError(assert, await runAct(r.json.no, 'accept', 'bank-1'), 403, 'forbidden');
  assert.equal((await runAct(r.json.no, 'accept', 'clerk1')).status, 200);
  const home = { process: 'P-BDC1113', answers: { transfer_utilities: 'no' }, form: { buyer: '王五', unit_no: 'X', location: 'Y', contact_phone: '13900005678' }, applicant };
  expectError(assert, await s.api('POST', '/api/v1/process-runs', { token: tok['bank-1'], body: home }), 422, 'invalid', 'process');
  expectError(assert, await s.api('POST', '/api/v1/process-runs', { token: tok['bank-1'], body: { ...body, channel: 'window' } }), 422, 'invalid', 'channel');
  expectError(assert, await s.api('POST', '/api/v1/cases', { token: tok['bank-1'], body: { item: LICENCE } }), 403, 'forbidden');
});

test('once the window has accepted a run, only the applicant withdraws it', async () => {
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials() });
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  expectError(assert, await runAct(run.no, 'withdraw', 'clerk1', { reason: '代申请人撤回' }), 403, 'forbidden');
  const w = await runAct(run.no, 'withdraw', 'business1', { reason: '不再开办' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.state, 'withdrawn');
  assert.equal(parts(w.json).licence.case.state, 'withdrawn');
});

test('a part whose item changed so that what was filed no longer fits counts as denied: the run does not end as done', async () => {
  const before = (await s.api('GET', `/api/v1/items/${SEAL}`)).json;
  const run = await file({ process: 'P-QYKB', answers: { has_premises: 'no' }, form, materials: materials() });
  assert.equal((await runAct(run.no, 'accept', 'clerk1')).status, 200);
  // the seal's item now asks for a field the one form does not fill
  const changed = { ...before, form: [...before.form, { name: 'seal_style', label: '印章样式', type: 'text', required: true }] };
  for (const k of ['department_name', 'status', 'updated_at', 'version']) delete changed[k];
  const put = await s.api('PUT', `/api/v1/items/${SEAL}`, { token: tok.admin, body: changed });
  assert.equal(put.status, 200, put.text);
  try {
    await decide(parts(run).licence.case.no);
    const done = await view(run.no);
    assert.equal(parts(done).seal.state, 'denied');
    assert.equal(parts(done).seal.case, null);
    assert.equal(done.state, 'denied', 'on_deny stop: the rest are stopped, and the run is not approved');
    assert.match(sql(s.db, `SELECT reason FROM audit_events WHERE action = 'process.part_cannot_start' AND object = 'process_run/${run.no}'`), /印章刻制: .*seal_style/);
  } finally {
    const restored = { ...before };
    for (const k of ['department_name', 'status', 'updated_at', 'version']) delete restored[k];
    assert.equal((await s.api('PUT', `/api/v1/items/${SEAL}`, { token: tok.admin, body: restored })).status, 200);
  }
});
