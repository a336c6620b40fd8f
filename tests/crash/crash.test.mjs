// kill -9 under write load: every write that was acknowledged (2xx) is there
// after a restart, and the audit chain verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND, cli, dropDb, freshDb, startServer } from '../api/helper.mjs';

const CLIENTS = 24;
const ROUNDS = 3;

function itemBody(code) {
  return {
    code, basic_code: '019999000000', name: '崩溃测试事项 ' + code, department: 'xzsp', level: 'district',
    type: 'license', case_type: 'promised', legal_limit: { value: 20, unit: 'workday' },
    promised_limit: { value: 5, unit: 'workday' }, visits: 0, online_depth: 4,
    materials: [{ id: 'm1', name: '申请书', required: true }],
  };
}

async function writer(s, token, id, acked, stop) {
  let n = 0;
  while (!stop.now) {
    const code = `CRASH-${id}-${n++}`;
    try {
      const r = await s.api('POST', '/api/v1/items', { body: itemBody(code), token });
      if (r.status === 201) acked.push(code);
      else if (r.status !== 503) throw new Error(`unexpected ${r.status} ${r.text}`);
    } catch (e) {
      if (String(e).includes('unexpected')) throw e;
      return; // the connection died with the server
    }
  }
}

test(`kill -9 during writes from ${CLIENTS} clients loses nothing acknowledged (${ROUNDS} rounds)`, async () => {
  const fresh = freshDb();
  const { dir, db } = fresh;
  const acked = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const s = await startServer({ db, dir, args: ['--access-log=false'] });
      const token = await s.login('admin');
      const stop = { now: false };
      const before = acked.length;
      const clients = Array.from({ length: CLIENTS }, (_, i) => writer(s, token, `${round}-${i}`, acked, stop));
      // Let the load build, then kill the server in the middle of it.
      await new Promise((ok) => setTimeout(ok, 700 + round * 300));
      s.proc.kill('SIGKILL');
      await s.exited;
      stop.now = true;
      await Promise.all(clients);
      assert.ok(acked.length > before, `round ${round} acknowledged some writes`);
    }
    const s = await startServer({ db, dir, args: ['--access-log=false'] });
    try {
      const missing = [];
      for (const code of acked) {
        const r = await s.api('GET', '/api/v1/items/' + code);
        if (r.status !== 200) missing.push(code);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged writes lost`);
    } finally { await s.stop({ clean: false }); }
    const v = cli(['audit', 'verify', '--db', db]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /intact/);
    console.log(`# crash (${BACKEND}): ${acked.length} acknowledged writes over ${ROUNDS} kills, all present; ${v.stdout.trim()}`);
  } finally {
    dropDb(fresh);
  }
});
