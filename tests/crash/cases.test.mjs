// kill -9 during a stream of case submissions and actions: every submission
// and every action that was acknowledged is there after a restart (the case
// in at least the acknowledged state, its timeline holding the action), and
// the audit chain verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND, cli, dropDb, freshDb, startServer } from '../api/helper.mjs';

const CLIENTS = 16;
const ROUNDS = 3;
const ITEM = '371091011002014000'; // one review step

// Each client submits a case, the clerk accepts it, then its approver approves it.
async function worker(s, tok, sha, acked, stop) {
  while (!stop.now) {
    try {
      const c = await s.api('POST', '/api/v1/cases', {
        token: tok.applicant1,
        body: { item: ITEM, form: { applicant_name: '张三', contact_phone: '13800001234' }, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] },
      });
      if (c.status !== 201) { if (c.status === 503) continue; throw new Error(`unexpected ${c.status} ${c.text}`); }
      acked.push({ no: c.json.no, action: 'submit' });
      const a = await s.api('POST', `/api/v1/cases/${c.json.no}/actions/accept`, { token: tok.clerk1 });
      if (a.status !== 200) { if (a.status === 503) continue; throw new Error(`unexpected ${a.status} ${a.text}`); }
      acked.push({ no: c.json.no, action: 'accept' });
      const who = a.json.current_step.assignee;
      const p = await s.api('POST', `/api/v1/cases/${c.json.no}/actions/approve`, { token: tok[who] });
      if (p.status === 200) acked.push({ no: c.json.no, action: 'approve' });
      else if (p.status !== 503) throw new Error(`unexpected ${p.status} ${p.text}`);
    } catch (e) {
      if (String(e).includes('unexpected')) throw e;
      return; // the connection died with the server
    }
  }
}

test(`kill -9 during case submissions and actions from ${CLIENTS} clients loses nothing acknowledged (${ROUNDS} rounds)`, async () => {
  const fresh = freshDb();
  const { dir, db } = fresh;
  const acked = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const s = await startServer({ db, dir, args: ['--access-log=false'] });
      const tok = {};
      for (const u of ['applicant1', 'clerk1', 'approver1', 'approver-xzsp']) tok[u] = await s.login(u);
      const up = await s.api('POST', '/api/v1/materials', { token: tok.applicant1, body: new TextEncoder().encode('%PDF-1.4 crash'), headers: { 'Content-Type': 'application/pdf' } });
      assert.equal(up.status, 201, up.text);
      const stop = { now: false };
      const before = acked.length;
      const clients = Array.from({ length: CLIENTS }, () => worker(s, tok, up.json.sha256, acked, stop));
      await new Promise((ok) => setTimeout(ok, 800 + round * 300));
      s.proc.kill('SIGKILL');
      await s.exited;
      stop.now = true;
      await Promise.all(clients);
      assert.ok(acked.length > before, `round ${round} acknowledged some writes`);
    }
    const s = await startServer({ db, dir, args: ['--access-log=false'] });
    try {
      const sup = await s.login('supervisor1');
      const byCase = new Map();
      for (const a of acked) byCase.set(a.no, [...(byCase.get(a.no) || []), a.action]);
      const lost = [];
      for (const [no, actions] of byCase) {
        const r = await s.api('GET', `/api/v1/cases/${no}`, { token: sup });
        if (r.status !== 200) { lost.push(`${no}: ${r.status}`); continue; }
        const done = r.json.timeline.map((e) => e.action);
        for (const a of actions) if (!done.includes(a)) lost.push(`${no}: ${a}`);
      }
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes lost`);
    } finally { await s.stop({ clean: false }); }
    const v = cli(['audit', 'verify', '--db', db]);
    assert.equal(v.status, 0, v.stderr);
    console.log(`# crash (${BACKEND}): ${acked.length} acknowledged case writes over ${ROUNDS} kills, all present; ${v.stdout.trim()}`);
  } finally {
    dropDb(fresh);
  }
});
