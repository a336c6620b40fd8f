// Starts a real yichuang server on a random loopback port with a fresh
// database, and talks to it over HTTP. Used by the API, browser and crash tests.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = resolve(ROOT, process.env.YC_TEST_BIN || 'build/yichuang');
export const DEMO_PASSWORD = 'yichuang-demo';
// Set by scripts/check for the PostgreSQL run: the URI of a throw-away cluster.
export const PG = process.env.YC_TEST_PG || null;
export const BACKEND = PG ? 'postgres' : 'sqlite';
// The newest schema version this binary knows.
export const SCHEMA = Number((spawnSync(BIN, ['version'], { encoding: 'utf8' }).stdout.match(/schema (\d+)/) || [])[1]);

// Runs the CLI synchronously: {status, stdout, stderr}.
export function cli(args, opts = {}) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'yc-test-'));
}

// Runs SQL straight against a database (for tests that tamper behind the server's back).
// SQLite waits up to 5 s for the server's writer (its jobs write every second) instead of failing busy.
export function sql(db, statement) {
  const r = db.startsWith('postgres')
    ? spawnSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', db, '-c', statement], { encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, statement], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`sql failed: ${r.stderr}`);
  return r.stdout;
}

// A fresh database (with the demo district unless demo is false) and a temporary folder.
// On PostgreSQL each one is a new database in the test cluster. history is the demo's past
// (init --history): none by default, so that a test sees only what it makes; seed and until
// (YYYY-MM-DDTHH:MM) make it repeat.
export function freshDb({ demo = true, history = 'none', seed, until, nextYear = true } = {}) {
  const dir = tempDir();
  let db = join(dir, 'yichuang.db');
  if (PG) {
    const name = 'yc_' + randomBytes(6).toString('hex');
    sql(PG, `CREATE DATABASE ${name}`);
    db = PG.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`);
  }
  const r = cli(['init', '--db', db, ...(demo ? ['--demo', '--history', history] : []),
    ...(demo && seed !== undefined ? ['--seed', String(seed)] : []),
    ...(demo && until ? ['--until', until] : [])]);
  if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
  if (nextYear) loadNextYear(db, dir);
  return { dir, db };
}

// A deadline may fall in next year, and a date in a year whose State Council notice is not
// loaded is an error (docs/calendar.md). From December on, until the project ships next
// year's notice, the tests run as an operator would have it: with a stand-in for next year
// (weekends only) loaded the way a notice is. Tests of loading years themselves say
// nextYear: false.
export function loadNextYear(db, dir) {
  const next = new Date().getUTCFullYear() + 1;
  if (existsSync(join(ROOT, 'data', 'calendar', `${next}.json`))) return;
  const file = join(dir, `calendar-${next}.json`);
  writeFileSync(file, JSON.stringify({ year: next, source: `test stand-in for ${next}: weekends only`, days: [] }));
  const r = cli(['calendar', 'load', '--db', db, file]);
  if (r.status !== 0) throw new Error(`calendar load failed: ${r.stderr}`);
}

// Removes a database made by freshDb (its folder, and on PostgreSQL the database).
export function dropDb({ dir, db }) {
  rmSync(dir, { recursive: true, force: true });
  if (PG && db.startsWith('postgres')) {
    const name = new URL(db).pathname.slice(1);
    if (name.startsWith('yc_')) sql(PG, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

// For tests that use the hall as a person would (the kiosk takes tickets only while the hall
// is open): today becomes a working day of the database's calendar, loaded as a notice is, and
// the server is to run with these arguments: open around the clock.
export const OPEN_ALL_DAY = ['--work-hours', '00:00-23:59'];
export function openHallToday({ db, dir }) {
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const official = join(ROOT, 'data', 'calendar', `${year}.json`);
  const cal = existsSync(official) ? JSON.parse(readFileSync(official, 'utf8'))
    : { year, source: `test stand-in for ${year}: weekends only`, days: [] };
  cal.days = cal.days.filter((d) => d.date !== today);
  cal.days.push({ date: today, kind: 'work', name: '测试：大厅今日开放' });
  cal.days.sort((a, b) => a.date.localeCompare(b.date));
  const file = join(dir, `calendar-${year}-open.json`);
  writeFileSync(file, JSON.stringify(cal));
  const r = cli(['calendar', 'load', '--db', db, file]);
  if (r.status !== 0) throw new Error(`calendar load failed: ${r.stderr}`);
  return { db, dir };
}

export async function startServer({ db, dir, args = [], env = {} } = {}) {
  if (!db) ({ db, dir } = freshDb());
  // On PostgreSQL two writer connections (the default is one): the tests then also meet
  // two writers' races, claims and deadlock retries.
  const writers = PG && !args.includes('--writers') ? ['--writers', '2'] : [];
  // Every test comes from 127.0.0.1: the per-address budgets of tickets and registrations
  // are lifted unless a test sets them (security.test.mjs checks them at their defaults).
  const budgets = [['--tickets-per-address', '1000000'], ['--registrations-per-address', '1000000']]
    .filter(([name]) => !args.includes(name) && !args.includes('--default-budgets')).flat();
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', join(ROOT, 'web'),
    '--threads', '2', ...writers, ...budgets, ...args.filter((a) => a !== '--default-budgets')], { cwd: ROOT, env: { LSAN_OPTIONS: `suppressions=${ROOT}/tests/lsan.supp:print_suppressions=0`, ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 15000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/serving (http:\/\/[0-9.]+:\d+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${stderr}`)); });
  });
  proc.removeAllListeners('exit');
  const server = {
    url, db, dir, proc,
    get stderr() { return stderr; },
    exited: new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal }))),
    async stop({ clean = true } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await server.exited;
      if (clean) dropDb({ dir, db });
      // A sanitizer's report (the test binary is built with ASan and UBSan) fails the test file.
      const report = stderr.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
      if (report) throw new Error(`the server reported: ${report[0]}\n${stderr.slice(stderr.indexOf(report[0]), stderr.indexOf(report[0]) + 3000)}`);
      return r;
    },
    api: (method, path, opts) => request(url, method, path, opts),
    login: (username, password = DEMO_PASSWORD) => login(url, username, password),
  };
  return server;
}

// One HTTP request. body: object (sent as JSON) or string (sent raw).
export async function request(base, method, path, { body, token, headers = {}, raw = false } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    if (!h['Content-Type']) h['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  if (!raw && text && (res.headers.get('content-type') || '').includes('json')) json = JSON.parse(text);
  return { status: res.status, json, text, headers: res.headers };
}

export async function login(base, username, password = DEMO_PASSWORD) {
  const r = await request(base, 'POST', '/api/v1/session', { body: { username, password } });
  if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.json.token;
}

// Asserts the uniform error shape and returns the error object.
// A counter from the server's /metrics (yichuang_pipeline_reruns_total, …).
export async function metric(server, name) {
  const text = (await server.api('GET', '/metrics', { raw: true })).text;
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  if (!m) throw new Error(`no metric ${name}`);
  return Number(m[1]);
}

export function expectError(assert, r, status, code, field) {
  assert.equal(r.status, status, `status for ${r.text}`);
  assert.ok(r.json && r.json.error, `error body: ${r.text}`);
  if (code) assert.equal(r.json.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  return r.json.error;
}
