// docs/openapi.yaml and the server agree: the same routes, and sample
// responses carry the documented fields with the documented types. The document
// itself is valid OpenAPI 3.0 (swagger-parser), and the TypeScript types generated
// from it (openapi-typescript) accept real answers of the server (tsc --strict).
import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import openapiTS, { astToString } from 'openapi-typescript';
import YAML from 'yaml';
import { ROOT, cli, startServer } from './helper.mjs';

const spec = YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

function resolveRef(node) {
  while (node && node.$ref) {
    node = node.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], spec);
  }
  return node;
}

// A small validator: $ref, allOf, type, required, properties, items, enum, nullable.
function check(value, schema, path, problems) {
  const nullable = Boolean(schema && schema.nullable); // beside a $ref, as in { $ref, nullable: true }
  schema = resolveRef(schema);
  if (!schema) return;
  if (value === null) { if (!nullable && !schema.nullable && (schema.type || schema.allOf)) problems.push(`${path} is null`); return; }
  if (schema.allOf) { for (const s of schema.allOf) check(value, s, path, problems); return; }
  const t = schema.type;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (t === 'integer' && actual !== 'integer') problems.push(`${path} should be an integer`);
  else if (t === 'number' && typeof value !== 'number') problems.push(`${path} should be a number`);
  else if (t && !['integer', 'number'].includes(t) && t !== actual) problems.push(`${path} should be ${t}, is ${actual}`);
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}=${value} not in ${schema.enum}`);
  if (actual === 'object' && value) {
    for (const r of schema.required || []) if (!(r in value)) problems.push(`${path}.${r} is missing`);
    for (const [k, s] of Object.entries(schema.properties || {})) if (k in value) check(value[k], s, `${path}.${k}`, problems);
  }
  if (actual === 'array' && schema.items) value.slice(0, 20).forEach((v, i) => check(v, schema.items, `${path}[${i}]`, problems));
}

test('every server route is documented and every documented route exists', () => {
  const served = cli(['routes']).stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')).sort();
  const documented = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) if (item[m]) documented.push(`${m.toUpperCase()} ${path}`);
  }
  assert.deepEqual(documented.sort(), served);
});

test('every operation documents its responses; errors use the Error schema', () => {
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) {
      if (!item[m]) continue;
      assert.ok(item[m].summary, `${m} ${path} has a summary`);
      const codes = Object.keys(item[m].responses || {});
      assert.ok(codes.some((c) => c.startsWith('2')), `${m} ${path} documents success`);
    }
  }
});

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

function schemaFor(path, method, status) {
  const op = spec.paths[path][method];
  const resp = resolveRef(op.responses[String(status)]);
  assert.ok(resp, `${method} ${path} documents ${status}`);
  return resp.content && resp.content['application/json'] && resp.content['application/json'].schema;
}

test('sample responses match the documented schemas', async () => {
  const item = (await s.api('GET', '/api/v1/items?limit=1')).json.items[0].code;
  const samples = [
    ['get', '/api/v1/health', '/api/v1/health', {}],
    ['post', '/api/v1/session', '/api/v1/session', { body: { username: 'clerk1', password: 'yichuang-demo' } }],
    ['get', '/api/v1/session', '/api/v1/session', { token: admin }],
    ['post', '/api/v1/users', '/api/v1/users', { body: { username: 'spec1', password: 'pass-word-1', name: '规', kind: 'person', id_number: '11010519491231002X', phone: '13700003333' } }],
    ['get', '/api/v1/calendar', '/api/v1/calendar', {}],
    ['get', '/api/v1/calendar/add-workdays', '/api/v1/calendar/add-workdays?date=2026-02-13&n=3', {}],
    ['get', '/api/v1/calendar/add-workhours', '/api/v1/calendar/add-workhours?start=2026-03-06T16:30&hours=2', {}],
    ['get', '/api/v1/calendar/is-workday', '/api/v1/calendar/is-workday?date=2026-02-14', {}],
    ['get', '/api/v1/calendar/{year}', '/api/v1/calendar/2026', {}],
    ['get', '/api/v1/items', '/api/v1/items?limit=5', {}],
    ['get', '/api/v1/items/{code}', '/api/v1/items/' + item, {}],
    ['get', '/api/v1/departments', '/api/v1/departments', {}],
    ['get', '/api/v1/offices', '/api/v1/offices', {}],
    ['get', '/api/v1/catalog/stats', '/api/v1/catalog/stats', {}],
    ['get', '/api/v1/processes', '/api/v1/processes', {}],
    ['get', '/api/v1/processes/{code}', '/api/v1/processes/P-QYKB', {}],
    ['get', '/api/v1/processes/{code}', '/api/v1/processes/NOPE', {}, 404],
    ['get', '/api/v1/audit/verify', '/api/v1/audit/verify', { token: admin }],
    ['get', '/api/v1/reviews/stats', '/api/v1/reviews/stats', {}],
    ['get', '/api/v1/reviews/rectified', '/api/v1/reviews/rectified', {}],
    ['get', '/api/v1/items/{code}', '/api/v1/items/NOPE', {}, 404],
    ['get', '/api/v1/calendar/add-workdays', '/api/v1/calendar/add-workdays?date=2030-01-01&n=1', {}, 422],
    ['post', '/api/v1/guide/ask', '/api/v1/guide/ask', { body: { q: '开个饭店要办什么' } }],
    ['post', '/api/v1/guide/ask', '/api/v1/guide/ask', { body: { q: '明天天气怎么样' } }],
    ['get', '/api/v1/guide/synonyms', '/api/v1/guide/synonyms', { token: admin }],
    ['get', '/api/v1/guide/unanswered', '/api/v1/guide/unanswered', { token: admin }],
    ['get', '/api/v1/negative-list', '/api/v1/negative-list', {}],
    ['post', '/api/v1/watch/run', '/api/v1/watch/run', { token: admin }],
    ['get', '/api/v1/watch/alerts', '/api/v1/watch/alerts?state=all', { token: admin }],
    ['get', '/api/v1/negative-list/{edition}', '/api/v1/negative-list/current', {}],
    ['post', '/api/v1/negative-list/check', '/api/v1/negative-list/check', { body: { industries: 'I6319', foreign_share: 60 } }],
  ];
  for (const [method, path, url, opts, want] of samples) {
    const r = await s.api(method.toUpperCase(), url, opts);
    const status = want || r.status;
    assert.equal(r.status, status, `${method} ${url}: ${r.text}`);
    const schema = schemaFor(path, method, status);
    const problems = [];
    check(r.json, schema, `${method} ${url}`, problems);
    assert.deepEqual(problems, []);
  }
});

test('case samples match the documented schemas', async () => {
  const t = {};
  for (const u of ['applicant1', 'clerk1', 'supervisor1', 'approver1']) t[u] = await s.login(u);
  const check1 = (path, method, r, status) => {
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    const problems = [];
    check(r.json, schemaFor(path, method, status), `${method} ${path}`, problems);
    assert.deepEqual(problems, []);
  };
  const up = await s.api('POST', '/api/v1/materials', { token: t.applicant1, body: new TextEncoder().encode('%PDF-1.4 spec'), headers: { 'Content-Type': 'application/pdf' } });
  check1('/api/v1/materials', 'post', up, 201);
  const mats = [{ id: 'm1', sha256: up.json.sha256 }, { id: 'm2', sha256: up.json.sha256 }];
  const created = await s.api('POST', '/api/v1/cases', { token: t.applicant1, body: { item: '371091011005035000', commitment: true, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: mats } });
  check1('/api/v1/cases', 'post', created, 201);
  const no = created.json.no;
  check1('/api/v1/cases/{no}/actions/{action}', 'post', await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: t.clerk1 }), 200);
  check1('/api/v1/cases/{no}', 'get', await s.api('GET', `/api/v1/cases/${no}`, { token: t.applicant1 }), 200);
  // a commitment-based 公共场所卫生许可 is decided at acceptance: it issued its certificate
  const certs = await s.api('GET', `/api/v1/certificates?subject=${no}`, { token: t.applicant1 });
  check1('/api/v1/certificates', 'get', certs, 200);
  const certId = certs.json.certificates[0].id;
  check1('/api/v1/certificates/{id}', 'get', await s.api('GET', `/api/v1/certificates/${certId}`, { token: t.approver1 }), 200);
  const file = await s.api('GET', `/api/v1/certificates/${certId}/file`, { token: t.applicant1 });
  check1('/api/v1/certificates/{id}/file', 'get', file, 200);
  check1('/api/v1/certificates/trust', 'get', await s.api('GET', '/api/v1/certificates/trust'), 200);
  check1('/api/v1/certificates/status', 'get', await s.api('GET', '/api/v1/certificates/status'), 200);
  check1('/api/v1/certificates/verify', 'post', await s.api('POST', '/api/v1/certificates/verify', { body: file.json }), 200);
  check1('/api/v1/cases', 'get', await s.api('GET', '/api/v1/cases', { token: t.supervisor1 }), 200);
  // a composite process's run: filed, accepted as one, viewed and listed
  const runBody = { process: 'P-QYKB', answers: { has_premises: 'no' }, form: { company_name: '规范科技有限公司', legal_person: '张三', registered_capital: 10, address: '威海经区', contact_phone: '13800001234' },
    materials: [{ id: 'application', sha256: up.json.sha256 }, { id: 'legal_person_id', sha256: up.json.sha256 }] };
  const run = await s.api('POST', '/api/v1/process-runs', { token: t.applicant1, body: runBody });
  check1('/api/v1/process-runs', 'post', run, 201);
  check1('/api/v1/process-runs/{no}/actions/{action}', 'post', await s.api('POST', `/api/v1/process-runs/${run.json.no}/actions/accept`, { token: t.clerk1 }), 200);
  check1('/api/v1/process-runs/{no}', 'get', await s.api('GET', `/api/v1/process-runs/${run.json.no}`, { token: t.applicant1 }), 200);
  check1('/api/v1/process-runs', 'get', await s.api('GET', '/api/v1/process-runs', { token: t.clerk1 }), 200);
  check1('/api/v1/process-runs', 'post', await s.api('POST', '/api/v1/process-runs', { token: t.applicant1, body: { ...runBody, answers: {} } }), 422);
  check1('/api/v1/cases/stats', 'get', await s.api('GET', '/api/v1/cases/stats', { token: t.supervisor1 }), 200);
  // 好差评: a bad review from the complaint counter, its order, a step of it, the figures
  const bad = await s.api('POST', '/api/v1/reviews', { token: t.clerk1, body: { channel: 'counter', department: 'xzsp', level: 1, reasons: ['queue'], contact: '13700004444' } });
  check1('/api/v1/reviews', 'post', bad, 201);
  check1('/api/v1/reviews', 'post', await s.api('POST', '/api/v1/reviews', { token: t.clerk1, body: { channel: 'counter', department: 'xzsp', level: 1 } }), 422);
  check1('/api/v1/reviews', 'get', await s.api('GET', '/api/v1/reviews', { token: t.supervisor1 }), 200);
  check1('/api/v1/review-orders/{id}', 'get', await s.api('GET', `/api/v1/review-orders/${bad.json.order}`, { token: t.approver1 }), 200);
  check1('/api/v1/review-orders/{id}/actions/{action}', 'post', await s.api('POST', `/api/v1/review-orders/${bad.json.order}/actions/verify`, { token: t.approver1, body: { note: '已回访', kind: 'immediate' } }), 200);
  check1('/api/v1/review-orders', 'get', await s.api('GET', '/api/v1/review-orders', { token: t.supervisor1 }), 200);
  check1('/api/v1/review-callbacks', 'get', await s.api('GET', '/api/v1/review-callbacks', { token: t.approver1 }), 200);
  check1('/api/v1/reviews/mine', 'get', await s.api('GET', '/api/v1/reviews/mine', { token: t.clerk1 }), 200);
  check1('/api/v1/reviews/stats', 'get', await s.api('GET', '/api/v1/reviews/stats'), 200);
  check1('/api/v1/progress/{no}', 'get', await s.api('GET', `/api/v1/progress/${no}?phone4=1234`), 200);
  check1('/api/v1/post-checks', 'get', await s.api('GET', '/api/v1/post-checks', { token: t.approver1 }), 200);
  check1('/api/v1/post-checks/{no}/actions/complete', 'post', await s.api('POST', `/api/v1/post-checks/${no}/actions/complete`, { token: t.approver1, body: { result: 'passed' } }), 200);
  check1('/api/v1/cases/{no}/actions/{action}', 'post', await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: t.clerk1 }), 409);
});

test('hall samples match the documented schemas', async () => {
  const clerk = await s.login('clerk-50');
  const sup = await s.login('supervisor1');
  const app = await s.login('applicant1');
  const check1 = (path, method, r, status) => {
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    const problems = [];
    check(r.json, schemaFor(path, method, status), `${method} ${path}`, problems);
    assert.deepEqual(problems, []);
  };
  check1('/api/v1/hall', 'get', await s.api('GET', '/api/v1/hall'), 200);
  check1('/api/v1/windows/{no}/actions/{action}', 'post', await s.api('POST', '/api/v1/windows/50/actions/sign_in', { token: clerk }), 200);
  const t = await s.api('POST', '/api/v1/tickets', { body: { category: 'C', channel: 'kiosk', phone: '13700009999' } });
  check1('/api/v1/tickets', 'post', t, 201);
  check1('/api/v1/tickets/{id}', 'get', await s.api('GET', `/api/v1/tickets/${t.json.ticket.id}?key=${t.json.key}`), 200);
  check1('/api/v1/windows/{no}/call-next', 'post', await s.api('POST', '/api/v1/windows/50/call-next', { token: clerk }), 200);
  check1('/api/v1/tickets/{id}/actions/{action}', 'post', await s.api('POST', `/api/v1/tickets/${t.json.ticket.id}/actions/start`, { token: clerk }), 200);
  let date;
  for (let d = 1; d < 15; d++) {
    date = new Date(Date.now() + 8 * 3600000 + d * 86400000).toISOString().slice(0, 10);
    if ((await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) break;
  }
  check1('/api/v1/appointment-slots', 'get', await s.api('GET', `/api/v1/appointment-slots?category=E&date=${date}`), 200);
  const a = await s.api('POST', '/api/v1/appointments', { token: app, body: { category: 'E', date, slot: '09:00' } });
  check1('/api/v1/appointments', 'post', a, 201);
  check1('/api/v1/appointments', 'get', await s.api('GET', '/api/v1/appointments', { token: app }), 200);
  check1('/api/v1/appointments/{id}/actions/{action}', 'post', await s.api('POST', `/api/v1/appointments/${a.json.id}/actions/cancel`, { token: app }), 200);
  const day = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  check1('/api/v1/hall/stats', 'get', await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&by=category`, { token: sup }), 200);
});

test('the document is valid OpenAPI 3.0', async () => {
  // A fresh copy: validate() dereferences the document it is given in place.
  const doc = YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));
  try {
    await SwaggerParser.validate(doc);
  } catch (e) {
    assert.fail(`swagger-parser: ${e.message.slice(0, 4000)}`);
  }
  // OpenAPI 3.0 ignores whatever stands beside a $ref (write { nullable: true, allOf: [{ $ref }] }).
  const beside = [];
  (function walk(node, path) {
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string' && Object.keys(node).length > 1) beside.push(`${path}: ${Object.keys(node)}`);
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
  })(YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8')), '#');
  assert.deepEqual(beside, []);
});

test('TypeScript types generated from the document accept real answers (tsc --strict)', async () => {
  // Real answers, one per [path, method, status]: the operations the tests above exercise.
  const answers = [];
  const take = async (path, method, status, r) => {
    r = await r;
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.ok(r.json !== null, `${method} ${path} answers JSON`);
    answers.push({ path, method, status, json: r.json });
    return r.json;
  };
  const t = {};
  for (const u of ['applicant1', 'business1', 'clerk1', 'clerk-1', 'supervisor1', 'approver1']) t[u] = await s.login(u);
  await take('/api/v1/health', 'get', 200, s.api('GET', '/api/v1/health'));
  await take('/api/v1/session', 'post', 201, s.api('POST', '/api/v1/session', { body: { username: 'clerk1', password: 'yichuang-demo' } }));
  await take('/api/v1/session', 'get', 200, s.api('GET', '/api/v1/session', { token: admin }));
  await take('/api/v1/users', 'post', 201, s.api('POST', '/api/v1/users', { body: { username: 'spec2', password: 'pass-word-2', name: '型', kind: 'person', id_number: '110105198001010016', phone: '13700004444' } }));
  await take('/api/v1/users', 'get', 200, s.api('GET', '/api/v1/users?role=approver', { token: t.supervisor1 }));
  await take('/api/v1/users/{username}/actions/verify', 'post', 200, s.api('POST', '/api/v1/users/spec2/actions/verify', { token: t.clerk1, body: { id_number: '110105198001010016', name: '型' } }));
  await take('/api/v1/calendar', 'get', 200, s.api('GET', '/api/v1/calendar'));
  await take('/api/v1/calendar/add-workdays', 'get', 200, s.api('GET', '/api/v1/calendar/add-workdays?date=2026-02-13&n=3'));
  await take('/api/v1/calendar/add-workdays', 'get', 422, s.api('GET', '/api/v1/calendar/add-workdays?date=2030-01-01&n=1'));
  await take('/api/v1/calendar/add-workhours', 'get', 200, s.api('GET', '/api/v1/calendar/add-workhours?start=2026-03-06T16:30&hours=2'));
  await take('/api/v1/calendar/is-workday', 'get', 200, s.api('GET', '/api/v1/calendar/is-workday?date=2026-02-14'));
  await take('/api/v1/calendar/{year}', 'get', 200, s.api('GET', '/api/v1/calendar/2026'));
  const items = await take('/api/v1/items', 'get', 200, s.api('GET', '/api/v1/items?limit=5'));
  await take('/api/v1/items/{code}', 'get', 200, s.api('GET', '/api/v1/items/' + items.items[0].code));
  await take('/api/v1/items/{code}', 'get', 404, s.api('GET', '/api/v1/items/NOPE'));
  await take('/api/v1/departments', 'get', 200, s.api('GET', '/api/v1/departments'));
  await take('/api/v1/offices', 'get', 200, s.api('GET', '/api/v1/offices'));
  await take('/api/v1/catalog/stats', 'get', 200, s.api('GET', '/api/v1/catalog/stats'));
  await take('/api/v1/audit/verify', 'get', 200, s.api('GET', '/api/v1/audit/verify', { token: admin }));
  // Cases: a promised item (submitted) and an instant one (accepted, hence decided at once).
  const up = await take('/api/v1/materials', 'post', 201, s.api('POST', '/api/v1/materials', { token: t.applicant1, body: new TextEncoder().encode('%PDF-1.4 types'), headers: { 'Content-Type': 'application/pdf' } }));
  const mats = (ids) => ids.map((id) => ({ id, sha256: up.sha256 }));
  const promised = await take('/api/v1/cases', 'post', 201, s.api('POST', '/api/v1/cases', { token: t.applicant1, body: { item: '371091011005035000', commitment: true, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: mats(['m1', 'm2']) } }));
  await take('/api/v1/cases/{no}', 'get', 200, s.api('GET', `/api/v1/cases/${promised.no}`, { token: t.applicant1 }));
  const instant = await take('/api/v1/cases', 'post', 201, s.api('POST', '/api/v1/cases', { token: t.applicant1, body: { item: '371091071003021000', form: { unit_no: '3710910010010000000000000001', location: '测试路 1 号', contact_phone: '13800001234' }, materials: mats(['m1', 'm2', 'm4']) } }));
  await take('/api/v1/cases/{no}/actions/{action}', 'post', 200, s.api('POST', `/api/v1/cases/${instant.no}/actions/accept`, { token: t.clerk1 }));
  await take('/api/v1/cases/{no}/actions/{action}', 'post', 409, s.api('POST', `/api/v1/cases/${instant.no}/actions/accept`, { token: t.clerk1 }));
  await take('/api/v1/cases', 'get', 200, s.api('GET', '/api/v1/cases', { token: t.supervisor1 }));
  await take('/api/v1/cases/stats', 'get', 200, s.api('GET', '/api/v1/cases/stats', { token: t.supervisor1 }));
  await take('/api/v1/progress/{no}', 'get', 200, s.api('GET', `/api/v1/progress/${instant.no}?phone4=1234`));
  await take('/api/v1/post-checks', 'get', 200, s.api('GET', '/api/v1/post-checks', { token: t.approver1 }));
  // The hall: window 1 (category A, clerk-1), a ticket, an appointment.
  await take('/api/v1/hall', 'get', 200, s.api('GET', '/api/v1/hall'));
  await take('/api/v1/windows/{no}/actions/{action}', 'post', 200, s.api('POST', '/api/v1/windows/1/actions/sign_in', { token: t['clerk-1'] }));
  const issued = await take('/api/v1/tickets', 'post', 201, s.api('POST', '/api/v1/tickets', { body: { category: 'A', channel: 'kiosk', phone: '13700008888' } }));
  await take('/api/v1/tickets/{id}', 'get', 200, s.api('GET', `/api/v1/tickets/${issued.ticket.id}?key=${issued.key}`));
  const called = await take('/api/v1/windows/{no}/call-next', 'post', 200, s.api('POST', '/api/v1/windows/1/call-next', { token: t['clerk-1'] }));
  await take('/api/v1/tickets/{id}/actions/{action}', 'post', 200, s.api('POST', `/api/v1/tickets/${called.id}/actions/start`, { token: t['clerk-1'] }));
  let date;
  for (let d = 1; d < 15; d++) {
    date = new Date(Date.now() + 8 * 3600000 + d * 86400000).toISOString().slice(0, 10);
    if ((await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) break;
  }
  await take('/api/v1/appointment-slots', 'get', 200, s.api('GET', `/api/v1/appointment-slots?category=E&date=${date}`));
  const booked = await take('/api/v1/appointments', 'post', 201, s.api('POST', '/api/v1/appointments', { token: t.business1, body: { category: 'E', date, slot: '10:00' } }));
  await take('/api/v1/appointments', 'get', 200, s.api('GET', '/api/v1/appointments', { token: t.business1 }));
  await take('/api/v1/appointments/{id}/actions/{action}', 'post', 200, s.api('POST', `/api/v1/appointments/${booked.id}/actions/cancel`, { token: t.business1 }));
  const day = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  await take('/api/v1/hall/stats', 'get', 200, s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&by=category`, { token: t.supervisor1 }));
  assert.ok(new Set(answers.map((a) => `${a.method} ${a.path}`)).size >= 8, 'at least 8 operations');

  const dir = mkdtempSync(join(tmpdir(), 'yc-openapi-ts-'));
  const doc = YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));
  // An object schema without properties is any object (OpenAPI), not Record<string, never>.
  writeFileSync(join(dir, 'openapi.ts'), astToString(await openapiTS(doc, { emptyObjectsUnknown: true })));
  // Each answer is assigned through a variable, so excess properties pass but a missing
  // required property or a wrong type does not. `as const` keeps enum strings literal;
  // Writable<> only takes the readonly away that `as const` adds.
  const lines = [
    "import type { paths } from './openapi';",
    'type Writable<T> = { -readonly [K in keyof T]: Writable<T[K]> };',
  ];
  answers.forEach(({ path, method, status, json }, i) => {
    lines.push(`// ${method.toUpperCase()} ${path} ${status}`,
      `const a${i} = ${JSON.stringify(json)} as const;`,
      `const t${i}: paths[${JSON.stringify(path)}][${JSON.stringify(method)}]['responses'][${status}]['content']['application/json'] = a${i} as Writable<typeof a${i}>;`);
  });
  writeFileSync(join(dir, 'answers.ts'), lines.join('\n') + '\n');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict',
    '--target', 'es2020', '--moduleResolution', 'node', join(dir, 'answers.ts')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc failed on ${join(dir, 'answers.ts')} (kept):\n${tsc.stdout}${tsc.stderr}`);
  rmSync(dir, { recursive: true, force: true });
});
