// kill -9 while the parts of composite processes complete: after a restart no run has
// ended twice, none whose parts are all approved is left running, none has ended with a
// part still open, and every acknowledged approval is there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND, cli, dropDb, freshDb, sql, startServer } from '../api/helper.mjs';

const CLIENTS = 12;
const ROUNDS = 3;
const SEAL = '371091101001007000';
const INVOICE = '371091101002014000';
const FIELDS = ['company_name', 'legal_person', 'registered_capital', 'address'];
const PAIR = {
  code: 'P-CRASH', name: '崩溃测试（两件并联）', promised_limit: { value: 1, unit: 'workday' }, on_deny: 'stop',
  parts: [{ id: 'seal', item: SEAL }, { id: 'invoice', item: INVOICE }],
  form: FIELDS.map((name) => ({ name, label: name, type: name === 'registered_capital' ? 'number' : 'text', fills: { seal: name, invoice: name } })),
  materials: [{ id: 'a', name: '申请书', fills: { seal: 'm1', invoice: 'm1' } }, { id: 'b', name: '身份证明', fills: { seal: 'm2', invoice: 'm2' } }],
};

// Each client files a run, the window accepts it, then both parts are approved at once.
async function worker(s, tok, sha, acked, stop) {
  const body = { process: 'P-CRASH', form: { company_name: '威海崩溃测试有限公司', legal_person: '王五', registered_capital: 10, address: '威海经区' },
    materials: [{ id: 'a', sha256: sha }, { id: 'b', sha256: sha }] };
  const ok = (r, status) => {
    if (r.status === status) return true;
    if (r.status === 503) return false;
    throw new Error(`unexpected ${r.status} ${r.text}`);
  };
  while (!stop.now) {
    try {
      const run = await s.api('POST', '/api/v1/process-runs', { token: tok.business1, body });
      if (!ok(run, 201)) continue;
      if (!ok(await s.api('POST', `/api/v1/process-runs/${run.json.no}/actions/accept`, { token: tok.clerk1 }), 200)) continue;
      const [seal, invoice] = run.json.parts.map((p) => p.case.no);
      const done = await Promise.all([[seal, 'approver-ga'], [invoice, 'approver-sw']].map(([no, who]) =>
        s.api('POST', `/api/v1/cases/${no}/actions/approve`, { token: tok[who] })));
      done.forEach((r, i) => { if (ok(r, 200)) acked.push(i ? invoice : seal); });
    } catch (e) {
      if (String(e).includes('unexpected')) throw e;
      return; // the connection died with the server
    }
  }
}

test(`kill -9 while parts of ${CLIENTS} clients' runs complete: every run ends once or stays open rightly (${ROUNDS} rounds)`, async () => {
  const fresh = freshDb();
  const { dir, db } = fresh;
  const acked = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const s = await startServer({ db, dir, args: ['--access-log=false'] });
      const tok = {};
      for (const u of ['admin', 'business1', 'clerk1', 'approver-ga', 'approver-sw']) tok[u] = await s.login(u);
      if (round === 0) assert.equal((await s.api('PUT', '/api/v1/processes/P-CRASH', { token: tok.admin, body: PAIR })).status, 200);
      const up = await s.api('POST', '/api/v1/materials', { token: tok.business1, body: new TextEncoder().encode('%PDF-1.4 crash'), headers: { 'Content-Type': 'application/pdf' } });
      assert.equal(up.status, 201, up.text);
      const stop = { now: false };
      const before = acked.length;
      const clients = Array.from({ length: CLIENTS }, () => worker(s, tok, up.json.sha256, acked, stop));
      await new Promise((ok) => setTimeout(ok, 900 + round * 300));
      const alive = s.proc.exitCode === null && s.proc.signalCode === null;
      s.proc.kill('SIGKILL');
      await s.exited;
      assert.ok(alive, `the server died before the kill: ${s.stderr.slice(-2000)}`);
      stop.now = true;
      await Promise.all(clients);
      assert.ok(acked.length > before, `round ${round} acknowledged some approvals`);
    }
    const rows = (q) => sql(db, q).trim().split('\n').filter(Boolean);
    // every acknowledged approval is there
    const approved = new Set(rows("SELECT no FROM cases WHERE process_run IS NOT NULL AND state = 'approved'"));
    const lost = acked.filter((no) => !approved.has(no));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged approvals lost`);
    // a run is approved exactly when both its parts are, and ended once
    const wrong = rows(`SELECT r.no || ' ' || r.state || ' ' || (SELECT COUNT(*) FROM cases c WHERE c.process_run = r.no AND c.state = 'approved')
      FROM process_runs r WHERE r.process = 'P-CRASH'`).filter((line) => {
      const [, state, n] = line.split(' ');
      return (n === '2') !== (state === 'approved') || (state !== 'approved' && state !== 'running');
    });
    assert.deepEqual(wrong, [], 'runs whose state disagrees with their parts');
    const twice = rows(`SELECT object FROM audit_events WHERE action = 'process.approved' GROUP BY object HAVING COUNT(*) > 1`);
    assert.deepEqual(twice, [], 'runs that ended twice');
    const ended = Number(rows("SELECT COUNT(*) FROM process_runs WHERE process = 'P-CRASH' AND state = 'approved'")[0]);
    const events = Number(rows("SELECT COUNT(*) FROM audit_events WHERE action = 'process.approved'")[0]);
    assert.equal(events, ended, 'one end event for every ended run');
    const v = cli(['audit', 'verify', '--db', db]);
    assert.equal(v.status, 0, v.stderr);
    console.log(`# crash (${BACKEND}): ${acked.length} acknowledged approvals over ${ROUNDS} kills, ${ended} runs ended once each; ${v.stdout.trim()}`);
  } finally {
    dropDb(fresh);
  }
});
