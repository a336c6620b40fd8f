// make bench (processes): the time from the approval of a run's last open part
// to the run's completion arriving on the applicant's live stream
// (GET /process-runs/{no}/events). Usage: node bench/process.mjs URL [runs].
// Each run is a two-part process (P-BENCH, both parts waiting for nothing) filed,
// accepted, its first part approved; then the second part's approval is timed
// from the request's start to the event that says the run is approved.
// Prints one JSON line.
import { openStream } from '../tests/api/sse.mjs';
import { request, login } from '../tests/api/helper.mjs';

const [url, n = '200'] = process.argv.slice(2);
const RUNS = Number(n);
const SEAL = '371091101001007000';
const INVOICE = '371091101002014000';
const tok = {};
for (const u of ['admin', 'business1', 'clerk1', 'approver-ga', 'approver-sw']) tok[u] = await login(url, u);
const api = (method, path, who, body) => request(url, method, path, { token: tok[who], body });
const must = (r, status = 200) => { if (r.status !== status) throw new Error(`${r.status} ${r.text}`); return r.json; };

const fields = ['company_name', 'legal_person', 'registered_capital', 'address'];
must(await api('PUT', '/api/v1/processes/P-BENCH', 'admin', {
  code: 'P-BENCH', name: '基准（两件并联）', promised_limit: { value: 1, unit: 'workday' }, on_deny: 'stop',
  parts: [{ id: 'seal', item: SEAL }, { id: 'invoice', item: INVOICE }],
  form: fields.map((name) => ({ name, label: name, type: name === 'registered_capital' ? 'number' : 'text', fills: { seal: name, invoice: name } })),
  materials: [{ id: 'a', name: '申请书', fills: { seal: 'm1', invoice: 'm1' } }, { id: 'b', name: '身份证明', fills: { seal: 'm2', invoice: 'm2' } }],
}));
const pdf = new TextEncoder().encode('%PDF-1.4\n% bench\n');
const sha = must(await request(url, 'POST', '/api/v1/materials', { token: tok.business1, body: pdf, headers: { 'Content-Type': 'application/pdf' } }), 201).sha256;
const body = { process: 'P-BENCH', form: { company_name: '威海基准科技有限公司', legal_person: '王五', registered_capital: 100, address: '威海经区' },
  materials: [{ id: 'a', sha256: sha }, { id: 'b', sha256: sha }] };

const ms = [];
const answered = [];
for (let i = 0; i < RUNS; i++) {
  const run = must(await api('POST', '/api/v1/process-runs', 'business1', body), 201);
  must(await api('POST', `/api/v1/process-runs/${run.no}/actions/accept`, 'clerk1'));
  const [seal, invoice] = run.parts.map((p) => p.case.no);
  must(await api('POST', `/api/v1/cases/${seal}/actions/approve`, 'approver-ga'));
  const stream = await openStream(`${url}/api/v1/process-runs/${run.no}/events`, { token: tok.business1 });
  const t0 = performance.now();
  const done = stream.until((evs) => evs.some((e) => e.json.payload.state === 'approved'), 10000);
  must(await api('POST', `/api/v1/cases/${invoice}/actions/approve`, 'approver-sw'));
  answered.push(performance.now() - t0);
  await done;
  ms.push(performance.now() - t0);
  stream.close();
}
ms.sort((a, b) => a - b);
const q = (p) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(ms.length * p) - 1))];
const join = q;
answered.sort((a, b) => a - b);
console.log(JSON.stringify({ runs: RUNS, join_p50_ms: +join(0.5).toFixed(2), join_p99_ms: +join(0.99).toFixed(2), answer_p50_ms: +answered[Math.floor(answered.length / 2)].toFixed(2) }));
