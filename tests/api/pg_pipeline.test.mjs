// The write pipeline's queued sends on PostgreSQL (libpq pipeline mode): runs
// the C test tests/unit/test_pg_pipeline.c against a fresh database of the
// test server. A statement that fails after it was queued must fail its own
// write alone, the rest of its batch committing; a queued write whose assumption
// no longer holds (db_send_expect) must send its batch round again, reading; and
// a write refused in a batch run without savepoints is rolled back alone.
// Only in the PostgreSQL layer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { BIN, PG, dropDb, freshDb } from './helper.mjs';

const UNIT = join(dirname(BIN), 'unit-tests');

test('a queued statement that fails fails its own write alone; a failed assumption reruns the batch', { skip: !PG && 'PostgreSQL layer only' }, () => {
  assert.ok(existsSync(UNIT), `${UNIT} is built by make asan`);
  const fresh = freshDb({ demo: false });
  try {
    const r = spawnSync(UNIT, ['--filter=pg_pipeline/*', '-j1'], {
      encoding: 'utf8', env: { ...process.env, YC_TEST_PG_URI: fresh.db }, timeout: 60000,
    });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.match(out, /Tested: 3 \| Passing: 3 \| Failing: 0/, out);
  } finally {
    dropDb(fresh);
  }
});
