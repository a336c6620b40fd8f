// make bench (hall): call-next latency with 122 windows and 5,000 waiting
// tickets at a fixed request rate, and the time from a call to its arrival
// on 200 connected boards (Server-Sent Events). Usage: node bench/hall.mjs URL
// [seconds] [calls per second]. Prints one JSON line. This script sets the
// hall up and runs the boards; the timed calls come from bench/hall-caller.c.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { openStream } from '../tests/api/sse.mjs';

// The boards run in a process of their own, so that parsing their streams
// does not delay the calls being timed. Each follows one floor, as a floor's
// screen does; on "dump" it prints when each call reached it.
if (process.argv[2] === 'boards') {
  const [, , , base, n] = process.argv;
  const streams = await Promise.all(Array.from({ length: Number(n) }, (_, i) =>
    openStream(`${base}/api/v1/hall/events?floor=${(i % 4) + 1}`)));
  process.stdout.write('ready\n');
  process.stdin.on('data', () => {
    const arrivals = [];
    for (const s of streams) {
      for (const e of s.events) if (e.json.payload.type === 'call') arrivals.push([e.json.payload.ticket, e.received]);
      s.close();
    }
    process.stdout.write(JSON.stringify(arrivals) + '\n', () => process.exit(0));
  });
} else {
await main();
}

async function main() {
const [url, seconds = '10', rate = '20'] = process.argv.slice(2);
const BOARDS = 200;
const WAITING = 5000;
// Setting up (tickets, logins, sign-ins) over node:http on kept-alive connections.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const post = (path, body, token) => new Promise((resolve, reject) => {
  const data = body === undefined ? '' : JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
  if (token) headers.Authorization = `Bearer ${token}`;
  const req = http.request(url + path, { method: 'POST', headers, agent }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null });
    });
  });
  req.on('error', reject);
  req.end(data);
});
const login = async (u) => (await post('/api/v1/session', { username: u, password: 'yichuang-demo' })).json.token;

// every category a window of 1–122 serves, in proportion to its windows
const hall = await (await fetch(url + '/api/v1/hall')).json();
const serving = hall.windows.map((w) => (w.categories === '*' ? 'C' : w.categories[0]));
let phone = 13000000000;
const take = (category) => post('/api/v1/tickets', { category, channel: 'kiosk', phone: String(phone++) });
for (let i = 0; i < WAITING; i += 200) {
  await Promise.all(Array.from({ length: 200 }, (_, k) => take(serving[(i + k) % serving.length])));
}
const clerks = {};
for (let i = 0; i < hall.windows.length; i += 20) {
  const part = hall.windows.slice(i, i + 20);
  const tokens = await Promise.all(part.map((w) => login(`clerk-${w.no}`)));
  part.forEach((w, k) => { clerks[w.no] = tokens[k]; });
}
await Promise.all(Object.entries(clerks).map(([no, t]) => post(`/api/v1/windows/${no}/actions/sign_in`, undefined, t)));

// The boards stand for screens on devices of their own: niced, so that on these
// two shared cores they do not take the CPU from the server or the timed caller.
const child = spawn('nice', ['-n', '19', process.execPath, new URL(import.meta.url).pathname, 'boards', url, String(BOARDS)], { stdio: ['pipe', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => { out += d; });
while (!out.includes('ready\n')) await new Promise((ok) => setTimeout(ok, 20));
// The timed calls come from a small C client (bench/hall-caller.c), built here.
const work = mkdtempSync(join(tmpdir(), 'yc-hall-'));
const caller = join(work, 'hall-caller');
const cc = spawnSync('cc', ['-O2', '-o', caller, new URL('hall-caller.c', import.meta.url).pathname], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(`cannot build bench/hall-caller.c: ${cc.stderr}`);
writeFileSync(join(work, 'tokens'), hall.windows.map((w) => `${w.no} ${clerks[w.no]}\n`).join(''));
const port = new URL(url).port;
const run = spawnSync(caller, [port, rate, seconds, join(work, 'tokens')], { encoding: 'utf8', maxBuffer: 64 << 20 });
rmSync(work, { recursive: true, force: true });
if (run.status !== 0) throw new Error(`hall-caller failed: ${run.stderr}`);
const answered = new Map(); // ticket id → ms when the call was answered
const latencies = [];
let errors = 0;
for (const line of run.stdout.trim().split('\n')) {
  const [a, b, c] = line.split(' ');
  if (a === 'errors') { errors = Number(b); continue; }
  answered.set(a, Number(b));
  latencies.push(Number(c) / 1000);
}
const calls = latencies.length;
const windows = hall.windows.map((w) => w.no);
await new Promise((ok) => setTimeout(ok, 500)); // the last calls reach the boards
const boardDelays = [];
out = '';
child.stdin.write('dump\n');
await new Promise((ok) => child.on('exit', ok));
for (const [ticket, received] of JSON.parse(out.trim().split('\n').pop())) {
  if (answered.has(ticket)) boardDelays.push(Math.max(0, received - answered.get(ticket)));
}
const pct = (a, q) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN; };
console.log(JSON.stringify({
  calls, errors, rate: Number(rate), seconds: Number(seconds), windows: windows.length, waiting: WAITING, boards: BOARDS,
  call_p50_ms: +pct(latencies, 0.5).toFixed(2), call_p99_ms: +pct(latencies, 0.99).toFixed(2),
  board_deliveries: boardDelays.length, board_p50_ms: pct(boardDelays, 0.5), board_p99_ms: pct(boardDelays, 0.99),
}));
process.exit(0);
}
