// Moving up (copy between backends) and online backups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { PG, cli, dropDb, freshDb, sql, startServer, tempDir } from './helper.mjs';

const item = (code) => ({
  code, basic_code: '011333001000', name: '迁移测试 ' + code, department: 'xzsp', level: 'district', type: 'license',
  case_type: 'promised', legal_limit: { value: 20, unit: 'workday' }, promised_limit: { value: 5, unit: 'workday' },
  visits: 0, online_depth: 4,
});

// A SQLite database with some life in it (whatever backend the run is for).
async function livedSqlite() {
  const dir = tempDir();
  const db = join(dir, 'district.db');
  assert.equal(cli(['init', '--db', db, '--demo', '--history', 'none']).status, 0);
  const s = await startServer({ db, dir });
  const admin = await s.login('admin');
  for (let i = 0; i < 5; i++) assert.equal((await s.api('POST', '/api/v1/items', { body: item(`MOVE-${i}`), token: admin })).status, 201);
  await s.api('POST', '/api/v1/users', { body: { username: 'mover', password: 'pass-word-1', name: '迁', kind: 'person', id_number: '11010519491231002X', phone: '13700005555' } });
  await s.stop({ clean: false });
  return { dir, db };
}

test('copy moves a district to another store: the same data, logins, new ids after the copied ones, an intact chain', async () => {
  const src = await livedSqlite();
  // The target: an empty PostgreSQL database on the PostgreSQL run, another SQLite file otherwise.
  const target = PG ? freshDb({ demo: false }) : { dir: tempDir() };
  if (PG) {
    sql(target.db, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } else {
    target.db = join(target.dir, 'moved.db');
  }
  const c = cli(['copy', '--from', src.db, '--to', target.db]);
  assert.equal(c.status, 0, c.stderr);
  const items = Number(sql(src.db, 'SELECT COUNT(*) FROM items').trim());
  assert.match(c.stdout, new RegExp(`items\\s+${items} rows`));
  assert.match(c.stdout, /audit chain on the target intact/);
  assert.doesNotMatch(c.stdout, /MISMATCH/);

  const s = await startServer({ db: target.db, dir: target.dir });
  try {
    assert.ok(await s.login('mover', 'pass-word-1'), 'password hashes moved');
    assert.equal((await s.api('GET', '/api/v1/items/MOVE-3')).status, 200);
    const r = await s.api('POST', '/api/v1/users', { body: { username: 'after-move', password: 'pass-word-1', name: '新', kind: 'person', id_number: '11010519491231002X', phone: '13700006666' } });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.user.id > 37, `new ids continue after the copied ones (${r.json.user.id})`);
    const admin = await s.login('admin');
    assert.equal((await s.api('POST', '/api/v1/items', { body: item('AFTER-MOVE'), token: admin })).status, 201);
  } finally { await s.stop({ clean: false }); }
  assert.equal(cli(['audit', 'verify', '--db', target.db]).status, 0);

  // And back down again, to a file.
  const back = join(src.dir, 'back.db');
  const c2 = cli(['copy', '--from', target.db, '--to', back]);
  assert.equal(c2.status, 0, c2.stderr);
  assert.match(c2.stdout, new RegExp(`items\\s+${items + 1} rows`));
  dropDb(target);
  dropDb(src);
});

test('copy refuses a target that already has a schema', async () => {
  const a = freshDb({ demo: false });
  const b = freshDb({ demo: false });
  const r = cli(['copy', '--from', a.db, '--to', b.db]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to overwrite|already has a yichuang schema/);
  dropDb(a);
  dropDb(b);
});

test('backup takes a consistent copy of a SQLite database while clients write', async () => {
  const dir = tempDir();
  const db = join(dir, 'live.db');
  assert.equal(cli(['init', '--db', db, '--demo', '--history', 'none']).status, 0);
  const s = await startServer({ db, dir, args: ['--access-log=false'] });
  try {
    const admin = await s.login('admin');
    let stop = false;
    const acked = [];
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const r = await s.api('POST', '/api/v1/items', { body: item(`BK-${w}-${i}`), token: admin });
        if (r.status === 201) acked.push(`BK-${w}-${i}`);
      }
    });
    await new Promise((ok) => setTimeout(ok, 300));
    const before = acked.length;
    const out = join(dir, 'backup.db');
    const b = cli(['backup', '--db', db, out]);
    stop = true;
    await Promise.all(writers);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /audit chain intact/);
    const n = Number(sql(out, "SELECT COUNT(*) FROM items WHERE code LIKE 'BK-%'").trim());
    assert.ok(n >= before, `the backup holds what was acknowledged before it began (${n} ≥ ${before})`);
    assert.equal(cli(['backup', '--db', db, out]).status, 1, 'refuses to overwrite');
  } finally { await s.stop(); }
});

test('backup of a PostgreSQL database points to pg_dump', { skip: !PG && 'PostgreSQL run only' }, () => {
  const a = freshDb({ demo: false });
  const r = cli(['backup', '--db', a.db, join(a.dir, 'x.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pg_dump/);
  dropDb(a);
});
