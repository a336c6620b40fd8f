// make bench-scale: the reads a province's store must answer at once, measured on the demo
// district (~13,000 cases) and again after `yichuang history bulk` has put a province's years
// behind it (SCALE_CASES, default 10,000,000), on one backend (argv[2]: sqlite or postgres;
// the store's URI in argv[3], made by bench/scale-run). Each read runs REQUESTS times, one at a
// time after a warm-up, against the release server on one core; p50 and p99 in ms.
// Targets (issue 19): p99 at the province's size within 1.5x of p99 at the district's; the
// approver's inbox p99 <= 20 ms; the supervisor's figures p99 <= 50 ms. Also the store's size
// per million cases. Writes bench/results/scale-<backend>.md. A benchmark: it reports.
// SCALE_CASES=0 measures the district's size alone and prints it.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [backend, uri] = process.argv.slice(2);
const BIN = process.env.YC_BENCH_BIN || 'build/yichuang';
const CASES = Number(process.env.SCALE_CASES || 10000000);
const REQUESTS = Number(process.env.SCALE_REQUESTS || 2000);
const PORT = 18400 + (backend === 'postgres' ? 1 : 0);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'yichuang-demo';

function sql(statement) {
  const r = uri.startsWith('postgres')
    ? spawnSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', uri, '-c', statement], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync('sqlite3', [uri, statement], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sql: ${r.stderr}`);
  return r.stdout.trim();
}

function storeBytes() {
  if (uri.startsWith('postgres')) return Number(sql('SELECT pg_database_size(current_database())'));
  let n = 0;
  for (const f of [uri, `${uri}-wal`]) try { n += statSync(f).size; } catch { /* no WAL */ }
  return n;
}

async function startServer() {
  const proc = spawn('taskset', ['-c', '0', BIN, 'serve', '--db', uri, '--listen', `127.0.0.1:${PORT}`,
    '--threads', '1', '--access-log=false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${BASE}/api/v1/health`)).ok) return proc; } catch { /* not yet */ }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  proc.kill();
  throw new Error(`the server did not answer: ${err}`);
}

async function stopServer(proc) {
  proc.kill('SIGTERM');
  await new Promise((ok) => proc.on('exit', ok));
}

async function login(username) {
  const r = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (r.status !== 201) throw new Error(`login ${username}: ${r.status}`);
  return (await r.json()).token;
}

// Numbers spread over the whole store: a random day of case_numbers, a random number of it.
function sample(n) {
  const days = sql('SELECT day, last FROM case_numbers').split('\n').map((l) => l.split('|'));
  const want = [];
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  while (want.length < n * 2) {
    const [day, last] = days[Math.floor(rnd() * days.length)];
    want.push(`371091${day}${String(1 + Math.floor(rnd() * Number(last))).padStart(6, '0')}`);
  }
  const found = [];
  for (let i = 0; i < want.length && found.length < n; i += 500) {
    const list = want.slice(i, i + 500).map((no) => `'${no}'`).join(',');
    for (const l of sql(`SELECT no, phone4 FROM cases WHERE no IN (${list}) AND length(phone4) = 4`).split('\n'))
      if (l) found.push(l.split('|'));
  }
  return found.slice(0, n);
}

async function measure(name, paths, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const one = async (i) => {
    const t = performance.now();
    const r = await fetch(BASE + paths(i), { headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${name}: ${paths(i)} answered ${r.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < Math.min(200, REQUESTS); i++) await one(i + REQUESTS);
  const ms = [];
  for (let i = 0; i < REQUESTS; i++) ms.push(await one(i));
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { name, p50: at(0.5), p99: at(0.99) };
}

async function point() {
  const cases = Number(sql('SELECT COUNT(*) FROM cases'));
  const bytes = storeBytes();
  const nos = sample(REQUESTS + 200);
  const proc = await startServer();
  try {
    const sup = await login('supervisor1');
    // the approver with the most cases under review has the fullest inbox
    const approver = sql("SELECT assignee FROM cases WHERE state = 'accepted' AND assignee IS NOT NULL" +
      ' GROUP BY assignee ORDER BY COUNT(*) DESC, assignee LIMIT 1');
    const apr = await login(approver);
    const pick = (i) => nos[i % nos.length];
    const rows = [
      await measure('case view (GET /cases/{no}, supervisor)', (i) => `/api/v1/cases/${pick(i)[0]}`, sup),
      await measure(`approver's inbox (${approver}: mine, by deadline)`, () => '/api/v1/cases?state=accepted&assignee=me&sort=deadline&limit=50', apr),
      await measure("department's cases under review, by deadline", () => '/api/v1/cases?state=accepted&sort=deadline&limit=50', apr),
      await measure("supervisor's figures (GET /cases/stats)", () => '/api/v1/cases/stats', sup),
      await measure('public progress (GET /progress/{no})', (i) => `/api/v1/progress/${pick(i)[0]}?phone4=${pick(i)[1]}`),
    ];
    return { cases, bytes, rows };
  } finally { await stopServer(proc); }
}

const fmt = (v) => v.toFixed(2);
const target = (name) => (name.startsWith("approver's inbox") ? 20 : name.startsWith("supervisor's figures") ? 50 : null);

if (uri.startsWith('postgres')) sql('VACUUM ANALYZE'); // as after the bulk load: both points planned alike
const small = await point();
if (CASES === 0) { // the district's size alone (to measure it again in a quiet moment)
  for (const r of small.rows) console.log(`${r.name}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
  process.exit(0);
}
console.log(`${backend}: ${small.cases} cases measured; adding ${CASES}`);
const t0 = performance.now();
const bulk = spawnSync(BIN, ['history', 'bulk', '--db', uri, '--cases', String(CASES)], { stdio: 'inherit' });
if (bulk.status !== 0) process.exit(1);
const loadS = (performance.now() - t0) / 1000;
if (uri.startsWith('postgres')) sql('VACUUM ANALYZE');
const big = await point();

const lines = [
  `# Scale: ${backend}, ${small.cases.toLocaleString('en')} cases and ${big.cases.toLocaleString('en')} (${new Date().toISOString().slice(0, 16)}Z)`,
  '',
  `${REQUESTS} requests per read, one at a time, server on one core (taskset -c 0, --threads 1). Loaded by` +
  ` \`yichuang history bulk --cases ${CASES}\` in ${Math.round(loadS)} s.`,
  '',
  `| read | p50 small (ms) | p99 small (ms) | p50 large (ms) | p99 large (ms) | p99 ratio (≤ 1.5) | p99 target | verdict |`,
  '|---|---|---|---|---|---|---|---|',
];
let ok = true;
for (let i = 0; i < small.rows.length; i++) {
  const a = small.rows[i], b = big.rows[i], ratio = b.p99 / a.p99, t = target(a.name);
  const pass = ratio <= 1.5 && (t === null || b.p99 <= t);
  ok &&= pass;
  lines.push(`| ${a.name} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${fmt(b.p50)} | ${fmt(b.p99)} | ${ratio.toFixed(2)} | ${t ? `≤ ${t} ms` : '—'} | ${pass ? 'met' : 'MISSED'} |`);
}
const perMillion = (big.bytes - small.bytes) / ((big.cases - small.cases) / 1e6);
lines.push('', `Store: ${(small.bytes / 2 ** 20).toFixed(0)} MiB at ${small.cases.toLocaleString('en')} cases, ` +
  `${(big.bytes / 2 ** 30).toFixed(1)} GiB at ${big.cases.toLocaleString('en')}: ${(perMillion / 2 ** 30).toFixed(2)} GiB per million cases (with their events).`,
'', ok ? 'Every target met.' : 'A target MISSED (above).');
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/scale-${backend}.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
