// The soak (make soak, not in CI): a district's mixed day at a steady pace for
// YC_SOAK_MINUTES (default 30) against one server, the release build, on SQLite or — with
// YC_TEST_PG set, as scripts/soak does — PostgreSQL. Applicants file cases, the window
// accepts them, the approvers assigned decide them step by step, the window hands them
// out; the hall takes tickets and its windows call, serve and finish them; boards and live
// streams connect and leave; reviews come in at the counter; the public and the
// supervisor read. Every minute: the server's RSS and open descriptors and the minute's
// p50/p99 and errors. At the end every acknowledged case, ticket and review must be in
// the store and `audit verify` must pass.
//
// Prints a Markdown table and a verdict, and writes them to bench/results/soak-<backend>.md.
// Exits 1 when a target is missed: RSS grows more than 5% after minute 5, the descriptors at
// rest after the load are more than 5% above those before it,
// an error, a lost write, a failed audit.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, ROOT, cli, freshDb, sql, startServer } from '../api/helper.mjs';
import { openStream } from '../api/sse.mjs';

const MINUTES = Number(process.env.YC_SOAK_MINUTES || 30);
const ITEM = '371091011002014000'; // a licence with review steps (docs/catalog.md)
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const pick = (a) => a[Math.floor(Math.random() * a.length)];

const { db, dir } = freshDb();
const s = await startServer({ db, dir }); // the access log on, as deployed
const pid = s.proc.pid;
process.on('exit', () => { if (s.proc.exitCode === null) s.proc.kill('SIGKILL'); }); // never outlives the soak
let running = true;
s.exited.then(({ code, signal }) => {
  if (!running) return;
  const report = s.stderr.indexOf('ERROR: ');
  const tail = report >= 0 ? s.stderr.slice(report, report + 8000) : s.stderr.split('\n').slice(-30).join('\n');
  console.error(`the server stopped during the soak (exit ${code}, signal ${signal}):\n${tail}`);
  process.exit(1);
});

// ---- what is measured --------------------------------------------------------------------
const minutes = []; // {requests, errors, lat: []}
let now = { requests: 0, errors: 0, lat: [] };
const errors = new Map(); // "METHOD /path/{…} status" → [count, a sample answer]
const fault = (key, sample) => {
  const e = errors.get(key) || [0, sample];
  e[0]++;
  errors.set(key, e);
};
async function call(method, path, opts = {}, expect = [200, 201]) {
  const t0 = performance.now();
  let r;
  try {
    r = await s.api(method, path, opts);
  } catch (e) {
    r = { status: 0, text: String(e) };
  }
  now.requests++;
  now.lat.push(performance.now() - t0);
  if (!expect.includes(r.status)) {
    now.errors++;
    fault(`${method} ${path.replace(/\/[0-9][0-9A-Z-]*(?=\/|$|\?)/g, '/{…}')} ${r.status}`, String(r.text).slice(0, 200));
  }
  return r;
}
const rssKiB = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
const fds = () => readdirSync(`/proc/${pid}/fd`).length;
// Where the resident memory is (GET /metrics): SQLite's page caches, malloc's bytes in use.
const memory = async () => {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const gauge = (name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1] ?? NaN);
  return { sqlite: gauge('yichuang_sqlite_cache_bytes') / 1024, heap: gauge('yichuang_heap_in_use_bytes') / 1024 };
};
const pct = (a, q) => {
  const v = [...a].sort((x, y) => x - y);
  return v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : NaN;
};

// ---- who works ---------------------------------------------------------------------------
const tokens = {};
const token = async (u) => (tokens[u] ||= await s.login(u));
const applicants = ['applicant1', 'business1']; // the demo's accounts without a history
const pdf = Buffer.from('%PDF-1.4 soak material\n');
const shas = {};
for (const a of applicants) {
  const r = await s.api('POST', '/api/v1/materials', { token: await token(a), body: pdf, headers: { 'Content-Type': 'application/pdf' } });
  shas[a] = r.json.sha256;
}
const hall = (await s.api('GET', '/api/v1/hall')).json;
const windows = hall.windows.filter((w) => w.categories !== '*').slice(0, 12);
for (const w of windows) await s.api('POST', `/api/v1/windows/${w.no}/actions/sign_in`, { token: await token(`clerk-${w.no}`) });

// Descriptors at rest, before the load: live streams and kept-alive connections come and go
// under load, so the minutes' counts move with them; a leak shows at rest, after it.
await sleep(5000);
const restFds = fds();
const acked = { cases: new Set(), tickets: new Set(), reviews: 0 };
const submitted = []; // case numbers waiting for the window
const mine = []; // applicant1's, whose phone ends 1234 (the progress lookup asks for it)
let phone = 13100000000;

// Each loop runs one kind of work at its own pace until the time is up.
const loops = {
  async apply() {
    const a = pick(applicants);
    const r = await call('POST', '/api/v1/cases', {
      token: await token(a),
      body: { item: ITEM, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: shas[a] }, { id: 'm2', sha256: shas[a] }] },
    }, [201]);
    if (r.status === 201) {
      acked.cases.add(r.json.no);
      submitted.push(r.json.no);
      if (a === 'applicant1') mine.push(r.json.no);
    }
  },
  async window() {
    const no = submitted.shift();
    if (!no) return;
    let c = (await call('POST', `/api/v1/cases/${no}/actions/accept`, { token: await token('clerk1') })).json;
    for (let step = 0; c && c.state === 'accepted' && c.current_step && step < 6; step++) {
      c = (await call('POST', `/api/v1/cases/${no}/actions/approve`, { token: await token(c.current_step.assignee), body: { opinion: '同意' } })).json;
    }
    if (c && c.state === 'approved') await call('POST', `/api/v1/cases/${no}/actions/deliver`, { token: await token('clerk1'), body: { mode: 'window' } });
  },
  async ticket() {
    const w = pick(windows);
    const category = w.categories[0];
    const r = await call('POST', '/api/v1/tickets', { body: { category, channel: 'kiosk', phone: String(phone++) } }, [201]);
    if (r.status === 201) acked.tickets.add(r.json.ticket.id);
  },
  async call(i) { // runner i calls at its own windows only: one caller a window, as in a hall
    const own = windows.filter((_, k) => k % plan.call[0] === i);
    const w = pick(own);
    const t = await token(`clerk-${w.no}`);
    const r = await call('POST', `/api/v1/windows/${w.no}/call-next`, { token: t }, [200, 204, 404]);
    if (r.status === 200 && r.json && r.json.id) {
      await call('POST', `/api/v1/tickets/${r.json.id}/actions/start`, { token: t });
      await call('POST', `/api/v1/tickets/${r.json.id}/actions/finish`, { token: t, body: {} });
    }
  },
  async review() {
    const r = await call('POST', '/api/v1/reviews', { token: await token('clerk1'), body: { channel: 'counter', department: 'xzsp', level: pick([5, 5, 4, 3]), text: '窗口服务热情周到' } }, [201]);
    if (r.status === 201) acked.reviews++;
  },
  async read() {
    if (mine.length) {
      const no = pick(mine.slice(-200));
      await call('GET', `/api/v1/cases/${no}`, { token: await token('supervisor1') });
      await call('GET', `/api/v1/progress/${no}?phone4=1234`);
    }
    await call('GET', `/api/v1/items/${ITEM}`);
    await call('GET', '/api/v1/hall');
    await call('GET', '/api/v1/cases/stats', { token: await token('supervisor1') });
  },
  async stream() { // a board or a watcher connects, stays a while, leaves
    const url = pick([`${s.url}/api/v1/hall/events?floor=${1 + Math.floor(Math.random() * 4)}`, `${s.url}/api/v1/events`]);
    try {
      const st = await openStream(url);
      await sleep(2000 + Math.random() * 20000);
      st.close();
    } catch (e) {
      now.errors++;
      fault(`stream ${url.replace(/\?.*/, '')}`, String(e));
    }
  },
};
// how many of each run at once, and the pause between two of one runner's (ms)
const plan = { apply: [4, 150], window: [3, 100], ticket: [2, 200], call: [4, 300], review: [2, 200], read: [4, 100], stream: [20, 500] };
const runners = [];
for (const [name, [n, pause]] of Object.entries(plan)) {
  for (let i = 0; i < n; i++) {
    runners.push((async () => {
      while (running) {
        await loops[name](i);
        await sleep(pause * (0.5 + Math.random()));
      }
    })());
  }
}

// ---- the minutes ---------------------------------------------------------------------------
const t0 = Date.now();
for (let m = 1; m <= MINUTES; m++) {
  await sleep(t0 + m * 60000 - Date.now());
  const done = now;
  now = { requests: 0, errors: 0, lat: [] };
  const mem = await memory();
  const rss = rssKiB();
  minutes.push({ minute: m, requests: done.requests, errors: done.errors, p50: pct(done.lat, 0.5), p99: pct(done.lat, 0.99), rss, fds: fds(), sqlite: mem.sqlite, heap: mem.heap, rest: rss - mem.sqlite });
  const x = minutes.at(-1);
  console.log(`minute ${m}: ${x.requests} requests, ${x.errors} errors, p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, RSS ${(x.rss / 1024).toFixed(1)} MiB (SQLite ${(x.sqlite / 1024).toFixed(1)}, heap in use ${(x.heap / 1024).toFixed(1)}), ${x.fds} fds`);
}
running = false;
await Promise.all(runners);
await sleep(5000); // the client's idle connections close (undici keeps them 4 s)

// ---- what was acknowledged is there --------------------------------------------------------
const q = (text) => sql(db, text).trim().split('\n').filter(Boolean);
const storedCases = new Set(q('SELECT no FROM cases'));
const lostCases = [...acked.cases].filter((no) => !storedCases.has(no));
const storedTickets = new Set(q('SELECT id FROM tickets'));
const lostTickets = [...acked.tickets].filter((id) => !storedTickets.has(String(id)));
const reviewsStored = Number(q("SELECT count(*) FROM reviews WHERE channel = 'counter'")[0]);
const finalRss = rssKiB();
const finalFds = fds();
await s.stop({ clean: false });
const audit = cli(['audit', 'verify', '--db', db]);

// ---- the verdict ---------------------------------------------------------------------------
const after5 = minutes.filter((m) => m.minute >= 5);
const growth = (key) => (after5.length ? Math.max(...after5.map((m) => m[key])) / after5[0][key] - 1 : NaN);
const p99s = after5.map((m) => m.p99);
const totalErrors = minutes.reduce((a, m) => a + m.errors, 0);
const checks = [
  [`RSS growth after minute 5 ≤ 5%`, growth('rss') <= 0.05, `${(100 * growth('rss')).toFixed(1)}%; without SQLite's caches ${(100 * growth('rest')).toFixed(1)}%, SQLite ${(after5.at(0)?.sqlite / 1024).toFixed(1)} → ${(after5.at(-1)?.sqlite / 1024).toFixed(1)} MiB`],
  ['open descriptors at rest after the load within 5% of before it', finalFds <= restFds * 1.05, `${restFds} before, ${finalFds} after`],
  ['zero errors', totalErrors === 0, String(totalErrors)],
  ['every acknowledged case stored', lostCases.length === 0, `${acked.cases.size - lostCases.length} of ${acked.cases.size}`],
  ['every acknowledged ticket stored', lostTickets.length === 0, `${acked.tickets.size - lostTickets.length} of ${acked.tickets.size}`],
  ['every acknowledged review stored', reviewsStored >= acked.reviews, `${reviewsStored} stored, ${acked.reviews} acknowledged`],
  ['audit verify', audit.status === 0, audit.stdout.trim().split('\n').pop() || audit.stderr.trim()],
];
const lines = [
  `### Soak on ${BACKEND}, ${MINUTES} minutes (${new Date(t0).toISOString().slice(0, 16)}Z)`,
  '',
  '| minute | requests | errors | p50 ms | p99 ms | RSS MiB | SQLite MiB | heap in use MiB | open fds |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...minutes.map((m) => `| ${m.minute} | ${m.requests} | ${m.errors} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${(m.rss / 1024).toFixed(1)} | ${(m.sqlite / 1024).toFixed(1)} | ${(m.heap / 1024).toFixed(1)} | ${m.fds} |`),
  '',
  `p99 after minute 5: ${Math.min(...p99s).toFixed(1)}–${Math.max(...p99s).toFixed(1)} ms; at the end RSS ${(finalRss / 1024).toFixed(1)} MiB, ${finalFds} fds.`,
  '',
  ...checks.map(([what, ok, fig]) => `- ${ok ? 'met' : '**missed**'}: ${what} (${fig})`),
  ...[...errors].map(([key, [n, sample]]) => `  - ${key}: ${n}× (${sample})`),
];
const text = lines.join('\n') + '\n';
console.log('\n' + text);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/soak-${BACKEND}.md`), text);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
