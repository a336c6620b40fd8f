// The authorization matrix (issue 18): every route of `yichuang routes`, called
// anonymously, as every role, and on objects that are somebody else's: another
// applicant's case and upload, another department's case, another window, another
// holder's appointment. A route this file does not know fails the first test, so
// no new route goes untested. Every answer is searched for ID numbers and phones
// that are not the caller's own.
//
// Each entry says, for the route: how to build its path and body (fresh objects
// where the call changes them), who may (allow: must get neither 401 nor 403), and
// who may not (deny: 401 anonymous, else 403 or 404). Everybody else of an allowed
// role is still called: no 5xx, nothing unmasked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD, OPEN_ALL_DAY, cli, startServer } from './helper.mjs';
import { openStream } from './sse.mjs';

const ONE_STEP = '371091011002014000'; // 食品经营许可, department xzsp, one step
const WHO = ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1', 'monitor-1', 'assessor-1', 'terminal-1'];
const ROLE = { anon: null, applicant1: 'applicant', business1: 'applicant', clerk1: 'clerk', 'clerk-1': 'clerk', approver1: 'approver', 'approver-bdc': 'approver', supervisor1: 'supervisor', admin: 'admin', 'bank-1': 'bank', 'monitor-1': 'monitor', 'assessor-1': 'assessor', 'terminal-1': 'terminal' };
// what each caller may see unmasked: their own
const OWN = { applicant1: ['13800001234', '371002199001011237'], business1: ['13900005678'] };

const routes = cli(['routes']).stdout.trim().split('\n').map((l) => {
  const [method, path, roles] = l.split(' ');
  return { method, path, roles: roles === 'public' ? null : roles.split(',') };
});

let s;
const tok = {};
let seq = 0;
const PDF = new TextEncoder().encode('%PDF-1.4\n% the matrix\n');
const ctx = {};
const ITEM_CODES = new Set();

async function newCase() {
  const r = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: {
    item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' },
    materials: [{ id: 'm1', sha256: ctx.sha }, { id: 'm2', sha256: ctx.sha }] } });
  assert.equal(r.status, 201, r.text);
  return r.json.no;
}

// A run of 企业开办 filed by applicant1: its licence part in department xzsp (approver1's).
async function newRun() {
  const r = await s.api('POST', '/api/v1/process-runs', { token: tok.applicant1, body: {
    process: 'P-QYKB', answers: { has_premises: 'no' },
    form: { company_name: '矩阵科技有限公司', legal_person: '张三', registered_capital: 10, address: '威海经区', contact_phone: '13800001234' },
    materials: [{ id: 'application', sha256: ctx.sha }, { id: 'legal_person_id', sha256: ctx.sha }] } });
  assert.equal(r.status, 201, r.text);
  return r.json.no;
}

async function nextWorkday() {
  for (let d = 1; d < 20; d++) {
    const date = new Date(Date.now() + 8 * 3600000 + d * 86400000).toISOString().slice(0, 10);
    if ((await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) return date;
  }
  throw new Error('no working day ahead');
}

async function newAppointment() {
  for (const slot of ['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00']) {
    const r = await s.api('POST', '/api/v1/appointments', { token: tok.applicant1, body: { category: 'E', date: ctx.day, slot } });
    if (r.status === 201) return r.json.id;
    // the limit per person and day: cancel what is held and take another
    for (const a of (await s.api('GET', '/api/v1/appointments', { token: tok.applicant1 })).json.appointments) {
      if (a.state === 'booked') await s.api('POST', `/api/v1/appointments/${a.id}/actions/cancel`, { token: tok.applicant1 });
    }
  }
  throw new Error('no appointment could be booked');
}

// A bad review from the complaint counter about department xzsp: its order, and with a contact its callback.
async function newOrder(contact) {
  const r = await s.api('POST', '/api/v1/reviews', { token: tok.clerk1, body: { channel: 'counter', department: 'xzsp', level: 1, reasons: ['attitude'], ...(contact ? { contact } : {}) } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function newCallback() {
  const { id } = await newOrder(phone());
  const list = (await s.api('GET', '/api/v1/review-callbacks?state=due&limit=200', { token: tok.supervisor1 })).json.callbacks;
  return list.find((c) => c.review === id).id;
}
// A 食品经营许可 of applicant1's, approved: the 食品经营许可证 it issued (department xzsp).
async function newCert() {
  const no = await newCase();
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: tok.clerk1 })).status, 200);
  const c = (await s.api('GET', `/api/v1/cases/${no}`, { token: tok.supervisor1 })).json;
  const who = c.current_step.assignee;
  tok[who] ||= await s.login(who);
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: tok[who] })).status, 200);
  return (await s.api('GET', `/api/v1/certificates?subject=${no}`, { token: tok.applicant1 })).json.certificates[0].id;
}
const SCORES = { staffing: 90, windows: 90, concentration: 90, handling: 90, online_hall: 90, policy: 90, etiquette: 90 };
const XZSP_STAFF = ['clerk1', 'clerk-1', 'approver1'];
let papers = 0; // paper licences converted by the matrix: each a new number

const phone = () => `139${String(10000000 + seq++).padStart(8, '0')}`;
const ALL = WHO.filter((w) => w !== 'anon');
const STAFF_SCOPE_OF_CASE = ['applicant1', 'clerk1', 'clerk-1', 'supervisor1', 'admin'];

const REGULATORS = ['supervisor1', 'admin'];
// 应急转贷: a loan of business1's (its bank 中国工商银行, bank-1's), approved by the fund
const FUND_SCOPE = ['business1', 'supervisor1', 'admin', 'bank-1'];


// "METHOD pattern" → how to call it and who may.
const MATRIX = {
  'GET /api/v1/health': { allow: WHO },
  'GET /metrics': { allow: WHO, raw: true },
  'POST /api/v1/session': { body: () => ({ username: 'clerk1', password: DEMO_PASSWORD }), allow: WHO },
  'GET /api/v1/session': { allow: ALL },
  'DELETE /api/v1/session': { fresh: true, allow: ALL },
  'POST /api/v1/users': { body: () => ({ username: `m${Date.now()}${seq++}`, password: 'matrix-pass-word', name: '矩阵', kind: 'person', id_number: '11010519491231002X', phone: phone() }), allow: WHO },
  'GET /api/v1/users': { path: () => '/api/v1/users?role=approver', allow: ['supervisor1', 'admin'] },
  'POST /api/v1/users/{username}/actions/verify': { path: () => '/api/v1/users/applicant1/actions/verify', body: () => ({ id_number: '371002199001011237', name: '张三' }), allow: ['clerk1', 'clerk-1'] },
  'GET /api/v1/calendar': { allow: WHO },
  'GET /api/v1/calendar/add-workdays': { path: () => '/api/v1/calendar/add-workdays?date=2026-03-02&n=3', allow: WHO },
  'GET /api/v1/calendar/add-workhours': { path: () => '/api/v1/calendar/add-workhours?start=2026-03-02T10:00&hours=2', allow: WHO },
  'GET /api/v1/calendar/is-workday': { path: () => '/api/v1/calendar/is-workday?date=2026-03-02', allow: WHO },
  'GET /api/v1/calendar/{year}': { path: () => '/api/v1/calendar/2026', allow: WHO },
  'PUT /api/v1/calendar/{year}': { path: () => '/api/v1/calendar/2026', body: () => ({}), allow: ['admin'] },
  'GET /api/v1/items': { path: () => '/api/v1/items?limit=3', allow: WHO },
  'POST /api/v1/items': { body: () => ({}), allow: ['admin'] },
  'GET /api/v1/items/{code}': { path: () => `/api/v1/items/${ONE_STEP}`, allow: WHO },
  'PUT /api/v1/items/{code}': { path: () => `/api/v1/items/${ONE_STEP}`, body: () => ({}), allow: ['admin'] },
  'POST /api/v1/items/{code}/actions/retire': { path: () => '/api/v1/items/NO-SUCH-ITEM/actions/retire', allow: ['admin'] },
  'POST /api/v1/items/{code}/actions/restore': { path: () => '/api/v1/items/NO-SUCH-ITEM/actions/restore', allow: ['admin'] },
  'GET /api/v1/processes': { allow: WHO },
  'GET /api/v1/processes/{code}': { path: () => '/api/v1/processes/P-QYKB', allow: WHO },
  'PUT /api/v1/processes/{code}': { path: () => '/api/v1/processes/P-NONE', body: () => ({}), allow: ['admin'] },
  'GET /api/v1/departments': { allow: WHO },
  'GET /api/v1/offices': { allow: WHO },
  'GET /api/v1/catalog/stats': { allow: WHO },
  'POST /api/v1/process-runs': { body: () => ({ process: 'P-QYKB' }), allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'bank-1'] },
  'GET /api/v1/process-runs': { allow: ALL },
  'GET /api/v1/process-runs/{no}': { path: () => `/api/v1/process-runs/${ctx.run}`, allow: ['applicant1', 'clerk1', 'clerk-1', 'approver1', 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver-bdc', 'bank-1'] },
  // withdrawing is the applicant's, or the accepting office's clerk's: a fresh run for every caller
  'POST /api/v1/process-runs/{no}/actions/{action}': { setup: async () => ({ no: await newRun() }), path: (o) => `/api/v1/process-runs/${o.no}/actions/withdraw`, body: () => ({ reason: '矩阵' }), allow: ['applicant1', 'clerk1', 'clerk-1'], deny: ['anon', 'business1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'GET /api/v1/process-runs/{no}/events': { path: () => `/api/v1/process-runs/${ctx.run}/events`, stream: true, allow: ['applicant1', 'clerk1', 'clerk-1', 'approver1', 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver-bdc', 'bank-1'] },
  'POST /api/v1/cases': { body: () => ({ item: ONE_STEP, form: { applicant_name: '张三', contact_phone: '13800001234' } }), allow: ['applicant1', 'business1', 'clerk1', 'clerk-1'] },
  'GET /api/v1/cases': { allow: ALL },
  'GET /api/v1/cases/stats': { allow: ['supervisor1', 'admin'] },
  'GET /api/v1/cases/{no}': { path: (o) => `/api/v1/cases/${o.no}`, setup: async () => ({ no: ctx.no }), allow: STAFF_SCOPE_OF_CASE, deny: ['anon', 'business1', 'approver-bdc', 'bank-1'] },
  // withdrawing is the applicant's, or the accepting office's clerk's on their behalf: a fresh case for every caller
  'POST /api/v1/cases/{no}/actions/{action}': { setup: async () => ({ no: await newCase() }), path: (o) => `/api/v1/cases/${o.no}/actions/withdraw`, body: () => ({ reason: '矩阵' }), allow: ['applicant1', 'clerk1', 'clerk-1'], deny: ['anon', 'business1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'GET /api/v1/cases/{no}/documents/{kind}': { path: () => `/api/v1/cases/${ctx.no}/documents/acceptance`, allow: STAFF_SCOPE_OF_CASE, deny: ['anon', 'business1', 'approver-bdc', 'bank-1'] },
  'GET /api/v1/cases/{no}/materials/{sha256}': { path: () => `/api/v1/cases/${ctx.no}/materials/${ctx.sha}`, raw: true, allow: STAFF_SCOPE_OF_CASE, deny: ['anon', 'business1', 'approver-bdc', 'bank-1'] },
  'GET /api/v1/progress/{no}': { path: () => `/api/v1/progress/${ctx.no}?phone4=1234`, allow: WHO },
  'POST /api/v1/materials': { body: () => PDF, headers: { 'Content-Type': 'application/pdf' }, allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'bank-1'] },
  // an upload outside a case: its uploader's alone
  'GET /api/v1/materials/{sha256}': { path: () => `/api/v1/materials/${ctx.own}`, raw: true, allow: ['applicant1'], deny: ['anon', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'GET /api/v1/post-checks': { allow: ['approver1', 'approver-bdc', 'supervisor1'] },
  'POST /api/v1/post-checks/{no}/actions/complete': { path: () => `/api/v1/post-checks/${ctx.no}/actions/complete`, body: () => ({ result: 'passed' }), allow: ['approver1'] },
  'GET /api/v1/hall': { allow: WHO },
  'GET /api/v1/hall/events': { stream: true, allow: WHO },
  'GET /api/v1/hall/stats': { allow: ['supervisor1', 'admin'] },
  // window 1 is clerk-1's: another clerk does not act at it
  'POST /api/v1/windows/{no}/actions/{action}': { path: () => '/api/v1/windows/1/actions/pause', allow: ['clerk-1'], deny: ['anon', 'clerk1', 'applicant1', 'business1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'POST /api/v1/windows/{no}/call-next': { path: () => '/api/v1/windows/1/call-next', allow: ['clerk-1'], deny: ['anon', 'clerk1', 'applicant1', 'business1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'POST /api/v1/tickets': { body: () => ({ category: 'C', channel: 'kiosk', phone: phone() }), allow: WHO },
  // without its key a ticket says nothing of its holder
  'GET /api/v1/tickets/{id}': { path: () => `/api/v1/tickets/${ctx.ticket.id}`, allow: WHO },
  'POST /api/v1/tickets/{id}/actions/{action}': { path: () => `/api/v1/tickets/${ctx.ticket.id}/actions/recall`, allow: ['clerk1', 'clerk-1', 'supervisor1'] },
  'GET /api/v1/appointment-slots': { path: () => `/api/v1/appointment-slots?category=E&date=${ctx.day}`, allow: WHO },
  'POST /api/v1/appointments': { body: () => ({ category: 'E', date: ctx.day, slot: '16:00' }), allow: ['applicant1', 'business1'] },
  'GET /api/v1/appointments': { allow: ['applicant1', 'business1'] },
  // cancelling is the holder's; a fresh booking for every caller
  'POST /api/v1/appointments/{id}/actions/{action}': { setup: async () => ({ id: await newAppointment() }), path: (o) => `/api/v1/appointments/${o.id}/actions/cancel`, allow: ['applicant1'], deny: ['anon', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  // 好差评: the open channels are entered by staff; a service is rated with its proof
  'POST /api/v1/reviews': { body: () => ({ channel: 'counter', department: 'xzsp', level: 5 }), allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1'], deny: ['anon', 'applicant1', 'business1', 'admin', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/reviews': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'GET /api/v1/reviews/subject': { path: () => `/api/v1/reviews/subject?case=${ctx.no}&channel=web`, allow: ['applicant1'], deny: WHO.filter((w) => w !== 'applicant1') },
  'GET /api/v1/reviews/link': { path: () => `/api/v1/reviews/link?case=${ctx.no}`, allow: ['applicant1', 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/reviews/stats': { allow: WHO },
  'GET /api/v1/reviews/rectified': { allow: WHO },
  'GET /api/v1/reviews/mine': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc'] },
  'GET /api/v1/reviews/export': { raw: true, allow: ['supervisor1', 'admin'] },
  // window 1 is clerk-1's: its rating device's key is theirs alone
  'GET /api/v1/windows/{no}/rating-key': { path: () => '/api/v1/windows/1/rating-key', allow: ['clerk-1'], deny: WHO.filter((w) => w !== 'clerk-1') },
  'GET /api/v1/review-orders': { allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1'] },
  'GET /api/v1/review-orders/{id}': { path: () => `/api/v1/review-orders/${ctx.order}`, allow: [...XZSP_STAFF, 'supervisor1'], deny: ['anon', 'applicant1', 'business1', 'approver-bdc', 'admin', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/review-orders/{id}/actions/{action}': { setup: async () => ({ id: (await newOrder()).order }), path: (o) => `/api/v1/review-orders/${o.id}/actions/appeal`, body: () => ({ reason: '矩阵' }), allow: XZSP_STAFF, deny: ['anon', 'applicant1', 'business1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/review-callbacks': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1'] },
  'POST /api/v1/review-callbacks/{id}/actions/{action}': { setup: async () => ({ id: await newCallback() }), path: (o) => `/api/v1/review-callbacks/${o.id}/actions/done`, body: () => ({ result: '已回访' }), allow: [...XZSP_STAFF, 'supervisor1'], deny: ['anon', 'applicant1', 'business1', 'approver-bdc', 'admin', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/review-visits': { body: () => ({ scores: SCORES }), allow: ['monitor-1', 'assessor-1', 'supervisor1'] },
  'GET /api/v1/review-visits': { allow: ['monitor-1', 'assessor-1', 'supervisor1'] },
  // 电子证照: the holder's and the issuing department's; the file is the holder's alone
  'GET /api/v1/certificates': { allow: ['applicant1', 'business1', ...XZSP_STAFF, 'approver-bdc', 'supervisor1', 'admin'] },
  'GET /api/v1/certificates/reusable': { path: () => '/api/v1/certificates/reusable?item=371091071032224000', allow: ['applicant1', 'business1'] },
  'GET /api/v1/certificates/trust': { allow: WHO },
  'GET /api/v1/certificates/status': { allow: WHO },
  'POST /api/v1/certificates/verify': { body: () => ctx.certFile, allow: WHO },
  'GET /api/v1/certificates/{id}': { path: () => `/api/v1/certificates/${ctx.cert}`, allow: ['applicant1', ...XZSP_STAFF, 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/certificates/{id}/file': { path: () => `/api/v1/certificates/${ctx.cert}/file`, allow: ['applicant1'], deny: WHO.filter((w) => w !== 'applicant1') },
  'GET /api/v1/certificates/{id}/qr.png': { raw: true, path: () => `/api/v1/certificates/${ctx.cert}/qr.png`, allow: ['applicant1', ...XZSP_STAFF, 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/certificates/{id}/pdf': { raw: true, path: () => `/api/v1/certificates/${ctx.cert}/pdf`, allow: ['applicant1', ...XZSP_STAFF, 'supervisor1', 'admin'], deny: ['anon', 'business1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/certificates/{id}/actions/{action}': { setup: async () => ({ id: await newCert() }), path: (o) => `/api/v1/certificates/${o.id}/actions/revoke`, body: () => ({ reason: '矩阵' }), allow: ['approver1', 'supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  // 存量证照电子化: the issuing department's approvers and the administrator; a fresh paper each call
  'GET /api/v1/certificates/conversions': { allow: ['approver1', 'approver-bdc', 'supervisor1', 'admin'] },
  'POST /api/v1/certificates/conversions': { body: () => ({ type: 'industry-licence', records: [{ holder: '矩阵便利店', holder_id: '91371000MA3C5X8J11', number: `HY-${++papers}`, issued_on: '2023-01-01', valid_until: '长期', fields: { 行业: '便利店' } }] }), allow: ['approver1', 'admin'] },
  'POST /api/v1/certificate-keys/{owner}/rotate': { path: () => '/api/v1/certificate-keys/gs/rotate', allow: ['admin'], deny: WHO.filter((w) => w !== 'admin') },
  'POST /api/v1/certificate-keys/{kid}/compromise': { path: () => `/api/v1/certificate-keys/${ctx.spareKid}/compromise`, body: () => ({ since_ms: Date.now() - 1000 }), allow: ['admin'], deny: WHO.filter((w) => w !== 'admin') },
  'GET /api/v1/audit/verify': { allow: ['supervisor1', 'admin'] },
  'GET /api/v1/events': { stream: true, allow: WHO },
  // 双随机: the lists, records and results are public; rosters and plans the regulators'
  // (approvers of a department with spot-check items: none among WHO), tasks their teams'
  'GET /api/v1/inspection/items': { allow: WHO },
  'GET /api/v1/inspection/results': { allow: WHO },
  'GET /api/v1/inspection/draws': { allow: WHO },
  'GET /api/v1/market-entities/{code}': { path: () => `/api/v1/market-entities/${ctx.entity}`, allow: WHO },
  'GET /api/v1/market-entities/{code}/qr.png': { raw: true, path: () => `/api/v1/market-entities/${ctx.entity}/qr.png`, allow: WHO },
  'POST /api/v1/market-entities/{code}/credit-code': { path: () => `/api/v1/market-entities/${ctx.entity}/credit-code`, body: () => ({ department: 'scjg' }), allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'GET /api/v1/inspection/plans/{id}/record': { path: () => `/api/v1/inspection/plans/${ctx.plan}/record`, allow: WHO },
  'POST /api/v1/inspection/records/verify': { body: () => JSON.stringify(ctx.record), allow: WHO },
  'POST /api/v1/inspection/rosters/{kind}': { path: () => '/api/v1/inspection/rosters/entities', body: () => ENTITY_CSV, headers: { 'Content-Type': 'text/csv' }, allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'GET /api/v1/inspection/entities': { allow: [...REGULATORS, 'approver1', 'approver-bdc'] /* theirs: none */ },
  'GET /api/v1/inspection/inspectors': { allow: [...REGULATORS, 'approver1', 'approver-bdc'] /* theirs: none */ },
  'GET /api/v1/inspection/plans': { allow: [...REGULATORS, 'approver1', 'approver-bdc'] /* theirs: none */ },
  'POST /api/v1/inspection/plans': { body: () => PLAN, allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'GET /api/v1/inspection/plans/{id}': { path: () => `/api/v1/inspection/plans/${ctx.plan}`, allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'POST /api/v1/inspection/plans/{id}/actions/{action}': { setup: async () => ({ id: await newPlan() }), path: (o) => `/api/v1/inspection/plans/${o.id}/actions/cancel`, allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'GET /api/v1/inspection/leniency': { path: () => `/api/v1/inspection/leniency?credit_code=${ctx.entity}&violation=scjg-m-01`, allow: REGULATORS, deny: ['anon', 'approver1', 'approver-bdc'] },
  'GET /api/v1/inspection/tasks': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'POST /api/v1/inspection/tasks/{id}/actions/{action}': { path: () => `/api/v1/inspection/tasks/${ctx.task}/actions/publish`, allow: REGULATORS, deny: ['anon', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1'] },
  'GET /api/v1/finance/fund': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'POST /api/v1/finance/fund/capital': { body: () => ({ amount: 1, on: ctx.today, memo: '矩阵' }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/finance/journal': { allow: ['approver1', 'approver-bdc', 'supervisor1', 'admin'] /* another department's: none */ },
  'GET /api/v1/finance/bridge-loans': { allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] /* each its own */ },
  'GET /api/v1/finance/bridge-loans/{no}': { path: () => `/api/v1/finance/bridge-loans/${ctx.loan}`, allow: FUND_SCOPE, deny: ['anon', 'applicant1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc'] },
  'POST /api/v1/finance/bridge-loans/{no}/actions/{action}': { setup: async () => ({ no: await newLoan() }), path: (o) => `/api/v1/finance/bridge-loans/${o.no}/actions/cancel`, body: () => ({ reason: '矩阵' }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1'] },
  'GET /api/v1/finance/statements/{code}': { path: () => `/api/v1/finance/statements/${BRIDGE_FIRM}`, allow: FUND_SCOPE, deny: ['anon', 'applicant1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc'] },
  'GET /api/v1/procurement/deposit': { path: () => `/api/v1/procurement/deposit?credit_code=${BRIDGE_FIRM}`, allow: WHO },
  'GET /api/v1/procurement/figures': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'GET /api/v1/procurement/contracts': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] /* each its own unit's */ },
  'POST /api/v1/procurement/contracts': { body: () => CONTRACT(), allow: ['approver1', 'approver-bdc', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/procurement/contracts/{id}': { path: () => `/api/v1/procurement/contracts/${ctx.contract}`, allow: ['clerk1', 'clerk-1', 'approver1', 'supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/procurement/contracts/{id}/actions/{action}': { setup: async () => ({ id: await newContract() }), path: (o) => `/api/v1/procurement/contracts/${o.id}/actions/cancel`, body: () => ({ reason: '矩阵' }), allow: ['approver1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/finance/grant-schemes': { allow: WHO },
  'GET /api/v1/finance/advisory': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'POST /api/v1/finance/advisory/{kind}': { path: () => '/api/v1/finance/advisory/platform', body: () => ({ kind: 'registered', credit_code: BRIDGE_FIRM, firm: '矩阵', on: ctx.today }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/finance/grants/quote': { body: () => ({ item: IP_AWARD, form: GRANT_FORM }), allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'], deny: ['anon', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/finance/grants': { allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] /* each its own */ },
  'POST /api/v1/finance/grants/{no}/actions/pay': { setup: async () => ({ no: await newGrant() }), path: (o) => `/api/v1/finance/grants/${o.no}/actions/pay`, body: () => ({ on: ctx.today, voucher: '矩阵' }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/tax/indicators': { allow: WHO },
  'GET /api/v1/ip/disputes/figures': { allow: WHO },
  'GET /api/v1/ip/disputes': { allow: ['approver1', 'approver-bdc', 'supervisor1', 'admin'] /* the workstation's: none */ },
  'POST /api/v1/ip/disputes': { body: () => ({ kind: '专利', claimant: '矩阵甲', respondent: '矩阵乙', claims: '矩阵', on: ctx.today }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/ip/disputes/{id}/actions/{action}': { setup: async () => ({ id: (await s.api('POST', '/api/v1/ip/disputes', { token: tok.admin, body: { kind: '专利', claimant: '矩阵甲', respondent: '矩阵乙', claims: '矩阵', on: ctx.today } })).json.id }), path: (o) => `/api/v1/ip/disputes/${o.id}/actions/refer`, body: () => ({ on: ctx.today, to: 'court' }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/report/year': { path: () => '/api/v1/report/year?year=2026', allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/court/rules': { allow: WHO },
  'GET /api/v1/court/figures': { allow: WHO },
  'GET /api/v1/court/cases': { allow: ['applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] /* each its own */ },
  'GET /api/v1/court/cases/{no}': { path: () => `/api/v1/court/cases/${ctx.court}`, allow: ['applicant1', 'supervisor1', 'admin'], deny: ['anon', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1'] },
  'POST /api/v1/court/cases/{no}/actions/{action}': { path: () => `/api/v1/court/cases/${ctx.court}/actions/reassign`, body: () => ({ team: 'S1', judge: '王建华', reason: '矩阵' }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/court/cases/{no}/elements': { path: () => `/api/v1/court/cases/${ctx.court}/elements`, body: () => ({ party: 'plaintiff', fields: { repaid: 1 } }), allow: ['applicant1', 'admin'], deny: ['anon', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/terminal/codes': { body: () => ({ id_number: '11010519491231002X', phone: '13700003333' }), allow: ['terminal-1'] },
  'POST /api/v1/terminal/codes/{id}/verify': { path: () => `/api/v1/terminal/codes/${'0'.repeat(32)}/verify`, body: () => ({ code: '123456' }), allow: ['terminal-1'] },
  'GET /api/v1/terminal/visits/{id}': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}`, allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/prints': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/prints`, body: () => ({ kind: 'certificate', ref: 'x' }), allow: ['terminal-1'] },
  'GET /api/v1/terminal/prints/{token}': { path: () => `/api/v1/terminal/prints/${'0'.repeat(32)}`, allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/appointments': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/appointments`, body: () => ({ category: 'C', date: '2030-01-02', slot: '09:00' }), allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/reviews': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/reviews`, body: () => ({ channel: 'web', case: '1', level: 5 }), allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/materials': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/materials`, body: () => PDF, headers: { 'Content-Type': 'application/octet-stream' }, allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/cases': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/cases`, body: () => ({ item: '371091201007049000', channel: 'kiosk', form: {}, materials: [] }), allow: ['terminal-1'] },
  'POST /api/v1/terminal/visits/{id}/actions/end': { path: () => `/api/v1/terminal/visits/${'0'.repeat(32)}/actions/end`, allow: ['terminal-1'] },
  'GET /api/v1/watch/alerts': { allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/watch/run': { allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/watch/alerts/{id}/actions/{action}': { path: () => '/api/v1/watch/alerts/0123456789abcdef/actions/ack', allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/negative-list': { allow: WHO },
  'GET /api/v1/negative-list/{edition}': { path: () => '/api/v1/negative-list/current', allow: WHO },
  'POST /api/v1/negative-list/check': { body: () => ({ industries: ['I6422'], foreign_share: 30 }), allow: WHO },
  'POST /api/v1/guide/ask': { body: () => ({ q: '开个饭店要办什么', channel: 'web' }), allow: WHO },
  'GET /api/v1/guide/unanswered': { allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/guide/synonyms': { allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
  'PUT /api/v1/guide/synonyms': { body: () => ({ synonyms: [{ phrase: '饭店', terms: '餐饮 食品经营许可 开饭店' }] }), allow: ['admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/training/categories': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'POST /api/v1/training/quizzes': { body: () => ({ category: 'C' }), allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'bank-1', 'monitor-1', 'assessor-1'] },
  'POST /api/v1/training/quizzes/{id}/answers': { setup: async () => ({ id: (await s.api('POST', '/api/v1/training/quizzes', { token: tok.clerk1, body: { category: 'C' } })).json.id }), path: (o) => `/api/v1/training/quizzes/${o.id}/answers`, body: () => ({ answers: {} }), allow: ['clerk1'], deny: ['anon', 'applicant1', 'business1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1', 'monitor-1', 'assessor-1'] },
  'GET /api/v1/training/record': { allow: ['clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'supervisor1', 'admin', 'bank-1'] },
  'GET /api/v1/training/questions': { allow: ['supervisor1', 'admin'], deny: ['anon', 'applicant1', 'business1', 'clerk1', 'clerk-1', 'approver1', 'approver-bdc', 'bank-1', 'monitor-1', 'assessor-1'] },
};
// 惠企资金: an IP award of business1's, approved by 市场监管 (approver-scjg)
const IP_AWARD = '371091051005038000';
const GRANT_FORM = { credit_code: '', firm_name: '矩阵知识产权有限公司', inventions: 0, utility_models: 0, designs: 0, trademarks: 1, pct: 0, contact_phone: '13900005678' };
async function newGrant() {
  GRANT_FORM.credit_code = BRIDGE_FIRM;
  let r = await s.api('POST', '/api/v1/cases', { token: tok.business1, body: { item: IP_AWARD, form: GRANT_FORM, materials: ['m1', 'm2', 'm3'].map((id) => ({ id, sha256: ctx.sha })) } });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: tok.clerk1 })).status, 200);
  tok.scjg ||= await s.login('approver-scjg');
  r = await s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: tok.scjg, body: { opinion: '同意' } });
  assert.equal(r.status, 200, r.text);
  return no;
}
// 分调裁审: applicant1's filing (a 金融借款 case, registered at once)
async function newCourtCase() {
  let r = await s.api('POST', '/api/v1/cases', { token: tok.applicant1, body: { item: '371091201011077000',
    form: { dispute_type: '金融借款合同纠纷', claim_amount: 20000, parties: 2, defendant: '矩阵', mediate: '不同意，直接立案', community: '海埠社区', contact_phone: '13800001234' },
    materials: [{ id: 'm1', sha256: ctx.own }, { id: 'm2', sha256: ctx.own }] } });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: tok.clerk1 })).status, 200);
  tok.fy ||= await s.login('approver-fy');
  r = await s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: tok.fy, body: { opinion: '准予立案' } });
  assert.equal(r.status, 200, r.text);
  return no;
}
// 政府采购: a contract of xzsp's (approver1's unit; clerk1 is xzsp's too)
const CONTRACT = () => ({ project: '矩阵采购', project_no: `JZ-${++seq}`, method: '询价', supplier_code: BRIDGE_FIRM, supplier: '矩阵供应商有限公司', amount: 1000, awarded_on: ctx.today });
async function newContract() {
  const r = await s.api('POST', '/api/v1/procurement/contracts', { token: tok.approver1, body: CONTRACT() });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}
const BRIDGE_FIRM = (() => { const C = '0123456789ABCDEFGHJKLMNPQRTUWXY'; const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]; const f = '91371000MA3M00001'; let n = 0; for (let i = 0; i < 17; i++) n += C.indexOf(f[i]) * W[i]; return f + C[(31 - (n % 31)) % 31]; })();
async function newLoan() {
  const due = new Date(Date.now() + 8 * 3600e3 + 10 * 86400e3).toISOString().slice(0, 10);
  let r = await s.api('POST', '/api/v1/cases', { token: tok.business1, body: { item: '371091051005035000',
    form: { credit_code: BRIDGE_FIRM, firm_name: '矩阵转贷有限公司', bank: '中国工商银行', loan_amount: 100, loan_due: due, amount: 1, days: 5, contact_phone: '13900005678' },
    materials: ['m1', 'm2', 'm3', 'm4'].map((id) => ({ id, sha256: ctx.sha })) } });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await s.api('POST', `/api/v1/cases/${no}/actions/accept`, { token: tok.clerk1 })).status, 200);
  tok.fund ||= await s.login('approver-czjr');
  r = await s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: tok.fund, body: { opinion: '同意' } });
  assert.equal(r.status, 200, r.text);
  return no;
}
const ENTITY_CSV = 'credit_code,name,type,industry,address,region,class\n91371000MA3000000X,矩阵餐饮有限公司,有限责任公司,H6210,青岛路1号,皇冠街道,D\n'
  .replace('91371000MA3000000X', (() => { const C = '0123456789ABCDEFGHJKLMNPQRTUWXY'; const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]; const f = '91371000MA3000000'; let n = 0; for (let i = 0; i < 17; i++) n += C.indexOf(f[i]) * W[i]; return f + C[(31 - (n % 31)) % 31]; })());
const PLAN = { name: '矩阵抽查', departments: ['scjg'], items: ['scjg-food-02'], industries: ['H62'], ratios: { A: 1000, B: 1000, C: 1000, D: 1000 } };
async function newPlan() {
  const r = await s.api('POST', '/api/v1/inspection/plans', { token: tok.admin, body: PLAN });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

before(async () => {
  s = await startServer({ args: OPEN_ALL_DAY });
  for (const w of ALL) tok[w] = await s.login(w);
  for (const w of ['applicant1', 'business1', 'clerk1']) {
    const up = await s.api('POST', '/api/v1/materials', { token: tok[w], body: PDF, headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(up.status, 201, up.text);
    ctx.sha = up.json.sha256;
  }
  const own = await s.api('POST', '/api/v1/materials', { token: tok.applicant1, body: new TextEncoder().encode('%PDF-1.4\n% applicant1 alone\n'), headers: { 'Content-Type': 'application/pdf' } });
  ctx.own = own.json.sha256;
  ctx.no = await newCase();
  ctx.run = await newRun();
  const t = await s.api('POST', '/api/v1/tickets', { body: { category: 'A', channel: 'kiosk', phone: phone() } });
  assert.equal(t.status, 201, t.text);
  ctx.ticket = t.json.ticket;
  const signIn = await s.api('POST', '/api/v1/windows/1/actions/sign_in', { token: tok['clerk-1'] });
  assert.equal(signIn.status, 200, signIn.text);
  ctx.day = await nextWorkday();
  ctx.today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  ctx.loan = await newLoan();
  ctx.contract = await newContract();
  ctx.court = await newCourtCase();
  GRANT_FORM.credit_code = BRIDGE_FIRM;
  ctx.order = (await newOrder()).order;
  ctx.cert = await newCert();
  ctx.certFile = (await s.api('GET', `/api/v1/certificates/${ctx.cert}/file`, { token: tok.applicant1 })).json;
  ctx.spareKid = (await s.api('GET', '/api/v1/certificates/trust')).json.keys.find((k) => k.owner === 'rl').kid;
  // a drawn plan over one entity: its record and its task
  const imp = await s.api('POST', '/api/v1/inspection/rosters/entities', { token: tok.admin, body: ENTITY_CSV, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 200, imp.text);
  ctx.entity = ENTITY_CSV.split('\n')[1].split(',')[0];
  ctx.plan = await newPlan();
  assert.equal((await s.api('POST', `/api/v1/inspection/plans/${ctx.plan}/actions/commit`, { token: tok.admin })).status, 200);
  const drawn = await s.api('POST', `/api/v1/inspection/plans/${ctx.plan}/actions/draw`, { token: tok.admin, body: { witnesses: [{ name: '矩阵', input: '1' }] } });
  assert.equal(drawn.status, 200, drawn.text);
  ctx.record = (await s.api('GET', `/api/v1/inspection/plans/${ctx.plan}/record`)).json;
  ctx.task = `${ctx.plan}-1`;
  assert.equal((await s.api('POST', `/api/v1/market-entities/${ctx.entity}/credit-code`, { token: tok.admin, body: { department: 'scjg' } })).status, 201);
  // the catalog's codes are 18 digits too: they are no ID numbers
  for (let cursor = ''; ;) {
    const page = (await s.api('GET', `/api/v1/items?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json;
    for (const i of page.items) ITEM_CODES.add(i.code);
    if (!page.next_cursor) break;
    cursor = encodeURIComponent(page.next_cursor);
  }
});
after(async () => { await s?.stop(); });

test('the matrix knows every route, and only routes that exist', () => {
  const have = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const unknown = [...have].filter((k) => !(k in MATRIX));
  const stale = Object.keys(MATRIX).filter((k) => !have.has(k));
  assert.deepEqual(unknown, [], 'routes without a row in the matrix');
  assert.deepEqual(stale, [], 'rows for routes that no longer exist');
});

// GB 11643: a real resident ID (a birth date inside, its check character holds), not
// any 18 digits (an item's code is 18 digits too).
function residentId(s) {
  const [y, m, d] = [Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14))];
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * w[i];
  return '10X98765432'[sum % 11] === s[17].toUpperCase();
}
function unmasked(text, who) {
  const found = [];
  for (const m of text.matchAll(/(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g)) if (residentId(m[0]) && !ITEM_CODES.has(m[0])) found.push(m[0]);
  for (const m of text.matchAll(/(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])/g)) found.push(m[0]);
  return found.filter((v) => !(OWN[who] || []).includes(v));
}

async function call(route, entry, who, o) {
  const path = entry.path ? entry.path(o) : route.path;
  let token = who === 'anon' ? undefined : tok[who];
  if (entry.fresh && token) token = await s.login(who);
  if (entry.stream) {
    const st = await openStream(s.url + path, { token });
    st.close();
    return { status: st.status, text: st.body || '' };
  }
  return s.api(route.method, path, { token, body: entry.body ? entry.body(o) : undefined, headers: entry.headers, raw: entry.raw });
}

for (const route of routes) {
  const key = `${route.method} ${route.path}`;
  test(`${key}: roles, scope, masking`, async () => {
    const entry = MATRIX[key];
    assert.ok(entry, `${key} is not in the matrix`);
    const deny = new Set(entry.deny || []);
    for (const who of WHO) {
      const inRole = !route.roles || (ROLE[who] && route.roles.includes(ROLE[who]));
      if (!inRole) deny.add(who);
    }
    // those who may not go first: what the others do must not change their answer
    const order = [...WHO.filter((w) => deny.has(w)), ...WHO.filter((w) => !deny.has(w))];
    for (const who of order) {
      const o = entry.setup ? await entry.setup() : {};
      const r = await call(route, entry, who, o);
      assert.ok(r.status < 500, `${who}: ${r.status} ${r.text}`);
      if (deny.has(who)) {
        const want = who === 'anon' && route.roles ? [401] : who === 'anon' ? [401, 403, 404] : [403, 404];
        assert.ok(want.includes(r.status), `${who} may not: ${r.status} ${r.text.slice(0, 200)}`);
      } else if (entry.allow.includes(who)) {
        assert.ok(r.status !== 401 && r.status !== 403, `${who} may: ${r.status} ${r.text.slice(0, 200)}`);
      }
      if (!entry.raw) assert.deepEqual(unmasked(r.text || '', who), [], `${who} sees personal data unmasked`);
    }
  });
}
