// Failover: two yichuang nodes on a pg_auto_failover formation (primary and a
// synchronous standby) under write load; the primary is killed (-9, keeper
// and PostgreSQL). Pass: the standby is promoted, both nodes keep taking
// writes without a restart, and every write that got a 2xx is on the new primary:
// item writes, and case submissions whose numbers both nodes draw from one sequence.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cli, sql, startServer } from '../api/helper.mjs';

const dir = mkdtempSync(join(tmpdir(), 'yc-ha-'));
const ha = (cmd) => {
  const r = spawnSync(join(ROOT, 'scripts', 'ha-cluster'), [cmd, dir], { encoding: 'utf8', timeout: 400000 });
  assert.equal(r.status, 0, `ha-cluster ${cmd}: ${r.stderr}`);
  return r.stdout.trim();
};
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const item = (code) => ({
  code, basic_code: '011222001000', name: '故障转移 ' + code, department: 'xzsp', level: 'district', type: 'license',
  case_type: 'promised', legal_limit: { value: 20, unit: 'workday' }, promised_limit: { value: 5, unit: 'workday' },
  visits: 0, online_depth: 4,
});

let uri;
let stopped = false;
before(() => { uri = ha('start'); });
// A safety net when the last test did not run: the cluster never outlives the file.
after(() => { if (!stopped) ha('stop'); });

test('kill -9 of the primary: promotion, both nodes keep writing, nothing acknowledged lost', { timeout: 600000 }, async () => {
  const init = cli(['init', '--db', uri, '--demo', '--history', 'none']);
  assert.equal(init.status, 0, init.stderr);
  const nodes = [await startServer({ db: uri, dir: join(dir, 'a'), args: ['--access-log=false'] }),
    await startServer({ db: uri, dir: join(dir, 'b'), args: ['--access-log=false'] })];
  try {
    const tokens = [await nodes[0].login('admin'), await nodes[1].login('admin')];
    const applicants = [await nodes[0].login('applicant1'), await nodes[1].login('applicant1')];
    const acked = new Set();
    const cases = new Map(); // Idempotency-Key → the case number answered
    const afterKill = [0, 0];
    let killedAt = 0;
    let stop = false;
    let unavailable = 0;
    const writer = async (w) => {
      const k = w % 2;
      const submits = w >= 4; // one writer per node files cases
      for (let n = 0; !stop; n++) {
        const code = `HA-${w}-${n}`;
        for (;;) {
          let r;
          try {
            r = submits
              ? await nodes[k].api('POST', '/api/v1/cases', { body: { item: '371091011002014000', form: { applicant_name: '张三', contact_phone: '13800001234' } }, token: applicants[k], headers: { 'Idempotency-Key': code } })
              : await nodes[k].api('POST', '/api/v1/items', { body: item(code), token: tokens[k], headers: { 'Idempotency-Key': code } });
          } catch (e) { r = { status: 0, text: String(e) }; }
          if (r.status === 201) {
            if (submits) cases.set(code, r.json.no);
            else acked.add(code);
            if (killedAt) afterKill[k]++;
            break;
          }
          assert.ok(r.status === 503 || r.status === 0, `unexpected ${r.status} ${r.text}`);
          unavailable++;
          if (stop) return;
          await sleep(100);
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    await sleep(2000);
    const before = acked.size;
    const killed = ha('kill');
    killedAt = Date.now();
    // Wait until both nodes have taken writes again on the promoted standby.
    while ((afterKill[0] < 5 || afterKill[1] < 5) && Date.now() - killedAt < 180000) await sleep(250);
    const recoveredMs = Date.now() - killedAt;
    stop = true;
    await Promise.all(writers);
    assert.ok(before > 0, 'writes before the kill');
    assert.ok(afterKill[0] >= 5 && afterKill[1] >= 5, `both nodes write after failover: ${afterKill}`);
    const state = ha('state');
    const newPrimary = killed === 'node1' ? 'node2' : 'node1';
    assert.match(state, new RegExp(`${newPrimary} .*\\| +(wait_primary|primary) +\\| +(wait_primary|primary)`), state);
    const present = new Set(sql(uri, "SELECT code FROM items WHERE code LIKE 'HA-%'").trim().split('\n'));
    const lost = [...acked].filter((c) => !present.has(c));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged writes lost`);
    const numbers = [...cases.values()];
    assert.equal(new Set(numbers).size, numbers.length, 'a case number answered twice');
    const stored = new Set(sql(uri, 'SELECT no FROM cases').trim().split('\n'));
    const lostCases = numbers.filter((no) => !stored.has(no));
    assert.deepEqual(lostCases, [], `${lostCases.length} of ${numbers.length} acknowledged cases lost`);
    assert.ok(numbers.length > 0, 'cases were filed');
    console.log(`# failover: ${killed} killed; ${newPrimary} promoted; writes resumed on both nodes after ${recoveredMs} ms; `
      + `${acked.size} item writes and ${cases.size} case submissions acknowledged (${before} items before the kill), `
      + `${unavailable} answered 503 meanwhile, none lost`);
  } finally {
    for (const n of nodes) await n.stop({ clean: false });
  }
  const v = cli(['audit', 'verify', '--db', uri]);
  assert.equal(v.status, 0, v.stderr);
});

// Pass or fail above, this runs: the formation goes down through pg_autoctl and no process
// of it (keeper, PostgreSQL, or a child such as the monitor's logger or health checker) stays.
test('the formation stops through its own commands and leaves no process behind', () => {
  stopped = true;
  ha('stop');
  const left = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
  assert.equal(left, '', `processes naming ${dir} remain: ${left}`);
});
