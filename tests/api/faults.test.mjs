// PostgreSQL goes away and comes back under write load: requests fail fast
// with 503 (never hanging), the node reconnects by itself, and every write
// that was acknowledged is there. Clients retry 503s with their Idempotency-Key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PG, ROOT, cli, startServer } from './helper.mjs';

const cluster = (cmd) => {
  const r = spawnSync(join(ROOT, 'scripts', 'pg-cluster'), [cmd, process.env.YC_TEST_PG_DIR], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const item = (code) => ({
  code, basic_code: '011666001000', name: '故障测试 ' + code, department: 'xzsp', level: 'district', type: 'license',
  case_type: 'promised', legal_limit: { value: 20, unit: 'workday' }, promised_limit: { value: 5, unit: 'workday' },
  visits: 0, online_depth: 4,
});

test('PostgreSQL restarting: 503 fast, reconnect, nothing acknowledged lost', { skip: !(PG && process.env.YC_TEST_PG_DIR) && 'needs the PostgreSQL test cluster' }, async () => {
  const s = await startServer({ args: ['--access-log=false'] });
  try {
    const token = await s.login('admin');
    const acked = new Set();
    let unavailable = 0;
    let slowest = 0;
    let stop = false;
    const writer = async (w) => {
      for (let n = 0; !stop; n++) {
        const code = `FAULT-${w}-${n}`;
        for (;;) { // retry this write, with its key, until it is acknowledged
          const t0 = Date.now();
          let r;
          try {
            r = await s.api('POST', '/api/v1/items', { body: item(code), token, headers: { 'Idempotency-Key': code } });
          } catch (e) { r = { status: 0, text: String(e) }; }
          slowest = Math.max(slowest, Date.now() - t0);
          if (r.status === 201) { acked.add(code); break; }
          assert.ok(r.status === 503, `unexpected ${r.status} ${r.text}`);
          unavailable++;
          if (stop) return;
          await sleep(50);
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, i) => writer(i));
    await sleep(500);
    const before = acked.size;
    cluster('halt');
    await sleep(1500);
    // While the database is away, reads fail fast too.
    const t0 = Date.now();
    const read = await s.api('GET', '/api/v1/items?limit=1');
    assert.equal(read.status, 503, read.text);
    // the store's own words go to the log, not to the client
    assert.equal(read.json.error.message, 'the service is unavailable, retry later', read.text);
    assert.equal((await s.api('GET', '/api/v1/health')).status, 503, 'health reports the lost store');
    assert.ok(Date.now() - t0 < 4000);
    cluster('resume');
    await sleep(2000);
    stop = true;
    await Promise.all(writers);
    assert.ok(before > 0, 'writes were acknowledged before the fault');
    assert.ok(unavailable > 0, 'some requests met the fault');
    assert.ok(acked.size > before, 'writes were acknowledged after the fault without restarting the node');
    assert.ok(slowest < 5000, `no request hung: slowest ${slowest} ms`);
    const missing = [];
    for (const code of acked) {
      if ((await s.api('GET', '/api/v1/items/' + code)).status !== 200) missing.push(code);
    }
    assert.deepEqual(missing, []);
    assert.equal((await s.api('GET', '/api/v1/health')).status, 200);
    console.log(`# faults: ${acked.size} writes acknowledged, ${unavailable} answered 503 during the outage, slowest ${slowest} ms`);
  } finally {
    await s.stop({ clean: false });
  }
  assert.equal(cli(['audit', 'verify', '--db', s.db]).status, 0);
});
