// Scheduled jobs run once per period across a cluster (two nodes on one database).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDb, sql, startServer } from './helper.mjs';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('two nodes: each clean-up job runs once a period, not once per node; expired keys go', async () => {
  const fresh = freshDb();
  const args = ['--job-interval', '1', '--idempotency-ttl', '1', '--access-log=false'];
  const a = await startServer({ ...fresh, args });
  const b = await startServer({ db: fresh.db, dir: fresh.dir + '-b', args });
  try {
    const token = await a.login('admin');
    const item = { code: 'JOB-1', basic_code: '011444001000', name: '作业测试', department: 'xzsp', level: 'district',
      type: 'license', case_type: 'promised', legal_limit: { value: 20, unit: 'workday' },
      promised_limit: { value: 5, unit: 'workday' }, visits: 0, online_depth: 4 };
    const post = () => a.api('POST', '/api/v1/items', { body: item, token, headers: { 'Idempotency-Key': 'job-key' } });
    assert.equal((await post()).status, 201);
    assert.equal((await post()).status, 201, 'replayed while the key is fresh');
    await sleep(4500);
    // The key has expired and been removed: the same request now runs again and meets the item.
    assert.equal((await post()).status, 409);
  } finally {
    await b.stop({ clean: false });
    await a.stop({ clean: false });
  }
  const rows = sql(fresh.db, "SELECT at_ms, reason FROM audit_events WHERE action = 'job.run' AND object = 'job/session-expiry' ORDER BY id")
    .trim().split('\n').filter(Boolean).map((l) => { const [at, reason] = l.split('|'); return { at: Number(at), reason }; });
  assert.ok(rows.length >= 3 && rows.length <= 7, `${rows.length} runs in ~5 s with two nodes`);
  for (let i = 1; i < rows.length; i++) {
    assert.ok(rows[i].at - rows[i - 1].at >= 900, `runs ${rows[i].at - rows[i - 1].at} ms apart`);
  }
  const nodes = new Set(rows.map((r) => r.reason.split(' ')[1]));
  console.log(`# jobs: ${rows.length} runs of session-expiry over ~5 s by ${nodes.size} node(s) of 2`);
});
