// The 24-hour self-service terminal through the HTTP API, on both backends: a one-time code
// to the phone on file (the same answer when nothing matches, no SMS then), wrong codes counted
// and spent, the visit it opens, the person's certificate printed as PDF and notice as its page
// (each print audited first, its token the terminal's own), tomorrow's appointment and a
// rating made for the person, the visit ended; the terminal sees nobody without a visit, and
// only terminals use these routes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, sql, startServer } from './helper.mjs';

const ITEM = '371091011002014000'; // 食品经营许可: one step, department xzsp, issues a licence
const PERSON = { id_number: '371002199001011237', phone: '13800001234' }; // applicant1
const PDF = new TextEncoder().encode('%PDF-1.4\n% terminal test\n');

let s, no, cert;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });
const sms = () => sql(s.db, "SELECT text FROM notifications WHERE recipient = 'user:applicant1' AND text LIKE '%自助终端%' ORDER BY id").trim().split('\n').filter(Boolean);

// Ten minutes pass (the per-person budget of three codes starts again).
const later = () => sql(s.db, 'UPDATE terminal_codes SET created_ms = created_ms - 600000');

async function code(who = 'terminal-1') {
  const before = sms().length;
  const r = await api('POST', '/terminal/codes', who, PERSON);
  assert.equal(r.status, 201, r.text);
  const texts = sms();
  assert.equal(texts.length, before + 1);
  return { id: r.json.id, digits: /验证码 (\d{6})/.exec(texts.at(-1))[1] };
}

before(async () => {
  s = await startServer();
  // applicant1 holds a decided case and its licence
  const up = await s.api('POST', '/api/v1/materials', { body: PDF, token: await token('applicant1'), headers: { 'Content-Type': 'application/pdf' } });
  const sha = up.json.sha256;
  const c = await api('POST', '/cases', 'applicant1', { item: ITEM, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] });
  assert.equal(c.status, 201, c.text);
  no = c.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const v = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  const r = await api('POST', `/cases/${no}/actions/approve`, (v.current_step || {}).assignee || 'approver1', { opinion: '准予许可' });
  assert.equal(r.status, 200, r.text);
  cert = (await api('GET', `/certificates?subject=${no}`, 'applicant1')).json.certificates[0].id;
  assert.ok(cert);
});
after(async () => { await s.stop(); });

test('a code only to the phone on file; the same answer when nothing matches', async () => {
  const before = sms().length;
  for (const wrong of [{ ...PERSON, phone: '13900000000' }, { ...PERSON, id_number: '11010519491231002X' }]) {
    const r = await api('POST', '/terminal/codes', 'terminal-1', wrong);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['expires_ms', 'id']);
    // it can never be verified
    const v = await api('POST', `/terminal/codes/${r.json.id}/verify`, 'terminal-1', { code: '123456' });
    expectError(assert, v, 422, 'invalid', 'code');
  }
  assert.equal(sms().length, before);
  // nothing of the ID number is kept
  assert.equal(sql(s.db, `SELECT COUNT(*) FROM terminal_codes WHERE who = '${PERSON.id_number}'`).trim(), '0');
  expectError(assert, await api('POST', '/terminal/codes', 'terminal-1', { ...PERSON, id_number: '123' }), 422, 'invalid', 'id_number');
  expectError(assert, await api('POST', '/terminal/codes', 'terminal-1', { ...PERSON, phone: '1380000' }), 422, 'invalid', 'phone');
});

test('wrong codes are counted and spend the code; the right one opens a visit', async () => {
  later();
  const c = await code();
  for (let i = 1; i <= 5; i++) {
    const r = await api('POST', `/terminal/codes/${c.id}/verify`, 'terminal-1', { code: c.digits === '000000' ? '111111' : '000000' });
    expectError(assert, r, 422, 'invalid', 'code');
    assert.match(r.json.error.message, new RegExp(`${5 - i} tries left`));
  }
  // the fifth wrong try spent it: now even the right digits are refused
  expectError(assert, await api('POST', `/terminal/codes/${c.id}/verify`, 'terminal-1', { code: c.digits }), 409, 'conflict', 'code');
  // another terminal cannot use this one's code
  later();
  const d = await code();
  expectError(assert, await api('POST', `/terminal/codes/${d.id}/verify`, 'terminal-2', { code: d.digits }), 404, 'not_found', 'id');
  const r = await api('POST', `/terminal/codes/${d.id}/verify`, 'terminal-1', { code: d.digits });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.name, /^.\*\*$/);
  assert.ok(!r.text.includes(PERSON.id_number) && !r.text.includes(PERSON.phone));
  expectError(assert, await api('POST', `/terminal/codes/${d.id}/verify`, 'terminal-1', { code: d.digits }), 409, 'conflict', 'code');
});

test('a visit: the documents, a certificate and a notice printed (audited first), an appointment, a rating, the end', async () => {
  later();
  const c = await code();
  const visit = (await api('POST', `/terminal/codes/${c.id}/verify`, 'terminal-1', { code: c.digits })).json.visit;
  const v = await api('GET', `/terminal/visits/${visit}`, 'terminal-1');
  assert.equal(v.status, 200, v.text);
  assert.ok(v.json.cases.cases.some((x) => x.no === no));
  assert.ok(v.json.certificates.certificates.some((x) => x.id === cert));
  expectError(assert, await api('GET', `/terminal/visits/${visit}`, 'terminal-2'), 404, 'not_found', 'visit');
  // a certificate as PDF
  let p = await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'certificate', ref: cert });
  assert.equal(p.status, 201, p.text);
  assert.equal(sql(s.db, `SELECT COUNT(*) FROM audit_events WHERE action = 'terminal.print' AND object = 'certificate:${cert}' AND reason = 'for user:applicant1'`).trim(), '1');
  let doc = await s.api('GET', `/api/v1/terminal/prints/${p.json.print}`, { token: await token('terminal-1'), raw: true });
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('content-type'), 'application/pdf');
  assert.equal(doc.text.slice(0, 5), '%PDF-');
  expectError(assert, await api('GET', `/terminal/prints/${p.json.print}`, 'terminal-2'), 404, 'not_found', 'print');
  // the acceptance notice as its page
  p = await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'notice', ref: no, notice: 'acceptance' });
  assert.equal(p.status, 201, p.text);
  doc = await s.api('GET', `/api/v1/terminal/prints/${p.json.print}`, { token: await token('terminal-1'), raw: true });
  assert.match(doc.headers.get('content-type'), /text\/html/);
  assert.match(doc.text, /受理通知书/);
  // someone else's document is refused, and no print is recorded for it
  const others = sql(s.db, "SELECT id FROM certificates WHERE holder_user IS NULL OR holder_user <> (SELECT id FROM users WHERE username = 'applicant1') LIMIT 1").trim();
  if (others) expectError(assert, await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'certificate', ref: others }), 404, 'not_found');
  expectError(assert, await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'notice', ref: no }), 422, 'invalid', 'notice');
  expectError(assert, await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'photo', ref: no }), 422, 'invalid', 'kind');
  // tomorrow's appointment, when tomorrow is a working day
  const tomorrow = new Date(Date.now() + 8 * 3600000 + 86400000).toISOString().slice(0, 10);
  const slots = (await api('GET', `/appointment-slots?category=C&date=${tomorrow}`)).json;
  if (slots.workday && slots.slots.some((x) => x.available > 0)) {
    const slot = slots.slots.find((x) => x.available > 0).slot;
    const a = await api('POST', `/terminal/visits/${visit}/appointments`, 'terminal-1', { category: 'C', date: tomorrow, slot });
    assert.equal(a.status, 201, a.text);
    const mine = (await api('GET', '/appointments', 'applicant1')).json.appointments;
    assert.ok(mine.some((x) => x.id === a.json.id));
  }
  // a rating of the decided case, as the person
  const rv = await api('POST', `/terminal/visits/${visit}/reviews`, 'terminal-1', { channel: 'web', case: no, level: 5 });
  assert.equal(rv.status, 201, rv.text);
  assert.equal(sql(s.db, `SELECT COUNT(*) FROM reviews WHERE subject = '${no}' AND rater_user = (SELECT id FROM users WHERE username = 'applicant1')`).trim(), '1');
  // 自助办理: a self-service item (用水报装), its materials scanned here, filed as the person's
  const WATER = '371091201007049000';
  assert.ok(v.json.self_service.some((x) => x.code === WATER && x.materials.length === 2));
  assert.ok(v.json.self_service.every((x) => !/（/.test(x.name.slice(-4))), 'main items only');
  const scans = [];
  for (let i = 0; i < 2; i++) {
    const sc = await s.api('POST', `/api/v1/terminal/visits/${visit}/materials`, { body: new TextEncoder().encode(`%PDF-1.4\n% scan ${i}\n`), token: await token('terminal-1'), headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(sc.status, 201, sc.text);
    scans.push(sc.json.sha256);
  }
  expectError(assert, await s.api('POST', `/api/v1/terminal/visits/${visit}/materials`, { body: 'not a document', token: await token('terminal-1'), headers: { 'Content-Type': 'application/octet-stream' } }), 422, 'invalid', 'body');
  const form = { applicant_name: '张三', contact_phone: '13800001234' };
  const filed = await api('POST', `/terminal/visits/${visit}/cases`, 'terminal-1', { item: WATER, channel: 'kiosk', form, materials: [{ id: 'm1', sha256: scans[0] }, { id: 'm2', sha256: scans[1] }] });
  assert.equal(filed.status, 201, filed.text);
  const mine = (await api('GET', '/cases?applicant=me', 'applicant1')).json.cases;
  assert.ok(mine.some((x) => x.no === filed.json.no), 'filed as the person\'s own');
  assert.equal(sql(s.db, `SELECT channel FROM cases WHERE no = '${filed.json.no}'`).trim(), 'kiosk');
  // an item the catalog does not mark self-service is refused; a bad form is named as anywhere
  expectError(assert, await api('POST', `/terminal/visits/${visit}/cases`, 'terminal-1', { item: ITEM, channel: 'kiosk', form, materials: [] }), 422, 'invalid', 'item');
  expectError(assert, await api('POST', `/terminal/visits/${visit}/cases`, 'terminal-1', { item: WATER, channel: 'kiosk', form: { ...form, contact_phone: '123' }, materials: [] }), 422, 'invalid', 'form.contact_phone');
  // the person leaves: the visit is gone
  assert.equal((await api('POST', `/terminal/visits/${visit}/actions/end`, 'terminal-1')).status, 200);
  expectError(assert, await api('GET', `/terminal/visits/${visit}`, 'terminal-1'), 404, 'not_found', 'visit');
  expectError(assert, await api('POST', `/terminal/visits/${visit}/prints`, 'terminal-1', { kind: 'certificate', ref: cert }), 404, 'not_found', 'visit');
  expectError(assert, await api('POST', `/terminal/visits/${visit}/cases`, 'terminal-1', { item: WATER, channel: 'kiosk', form, materials: [] }), 404, 'not_found', 'visit');
});

test('three codes for one person in ten minutes, then a wait', async () => {
  later();
  for (let i = 0; i < 3; i++) await code();
  expectError(assert, await api('POST', '/terminal/codes', 'terminal-1', PERSON), 429, 'too_many_requests', 'id_number');
});

test('only terminals use the terminal, and a terminal sees no case of its own', async () => {
  for (const who of ['applicant1', 'clerk1', 'supervisor1', 'admin']) {
    expectError(assert, await api('POST', '/terminal/codes', who, PERSON), 403, 'forbidden');
  }
  expectError(assert, await api('POST', '/terminal/codes', null, PERSON), 401, 'unauthenticated');
  expectError(assert, await api('GET', '/cases', 'terminal-1'), 403, 'forbidden');
  expectError(assert, await api('GET', `/certificates/${cert}/pdf`, 'terminal-1'), 403, 'forbidden');
  const me = (await api('GET', '/session', 'terminal-1')).json;
  assert.equal(me.user.role, 'terminal');
});
