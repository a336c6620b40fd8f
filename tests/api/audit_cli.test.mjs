// The audit chain (API and CLI) and the command-line program.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG, SCHEMA, cli, dropDb, freshDb, sql, startServer, expectError, tempDir } from './helper.mjs';

test('every write leaves an audit event; the chain verifies over the API', async () => {
  const s = await startServer();
  try {
    const admin = await s.login('admin');
    const before = (await s.api('GET', '/api/v1/audit/verify', { token: admin })).json.events;
    await s.api('POST', '/api/v1/users', { body: { username: 'auditme', password: 'pass-word-1', name: '审计', kind: 'person', id_number: '11010519491231002X', phone: '13700002222' } });
    const v = await s.api('GET', '/api/v1/audit/verify', { token: admin });
    assert.equal(v.status, 200);
    assert.equal(v.json.intact, true);
    assert.equal(v.json.events, before + 1);
    expectError(assert, await s.api('GET', '/api/v1/audit/verify', { token: await s.login('applicant1') }), 403);
    const sup = await s.login('supervisor1');
    assert.equal((await s.api('GET', '/api/v1/audit/verify', { token: sup })).status, 200);
  } finally { await s.stop(); }
});

test('audit verify (CLI) detects an altered, a removed and an inserted event', () => {
  for (const [tamper, want] of [
    ["UPDATE audit_events SET actor = 'mallory' WHERE id = 10", /event 10: event altered/],
    ['DELETE FROM audit_events WHERE id = 7', /event 7: event missing/],
    ['DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)', /newest events removed/],
    ["INSERT INTO audit_events (id, at_ms, actor, role, action, object, reason, prev_hash, hash) SELECT MAX(id) + 1, 0, 'x', 'admin', 'x', 'x', '', 'x', 'x' FROM audit_events", /event \d+/],
  ]) {
    const fresh = freshDb();
    const { db } = fresh;
    const ok = cli(['audit', 'verify', '--db', db]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /intact: \d+ events/);
    sql(db, tamper);
    const bad = cli(['audit', 'verify', '--db', db]);
    assert.equal(bad.status, 1, tamper);
    assert.match(bad.stderr, want);
    dropDb(fresh);
  }
});

test('CLI: usage errors exit 2, runtime failures exit 1, every command has --help', () => {
  assert.equal(cli([]).status, 2);
  assert.equal(cli(['frobnicate']).status, 2);
  assert.equal(cli(['calendar', 'add-workdays', '2026-01-01']).status, 2);
  assert.equal(cli(['calendar', 'add-workdays', '2026-13-01', '1']).status, 2);
  assert.equal(cli(['init']).status, 2);
  assert.equal(cli(['serve', '--no-such-option', '1']).status, 2);
  const miss = cli(['serve', '--db', '/nonexistent/x.db']);
  assert.equal(miss.status, 1);
  assert.match(miss.stderr, /yichuang init/);
  if (PG) {
    const empty = PG.replace(/\/[^/?]*$/, '/template1');
    const none = cli(['serve', '--db', empty]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no yichuang schema/);
  }
  for (const c of [['init'], ['serve'], ['migrate'], ['user', 'add'], ['catalog', 'import'], ['catalog', 'export'],
    ['catalog', 'generate'], ['calendar', 'add-workdays'], ['calendar', 'is-workday'], ['calendar', 'load'],
    ['audit', 'verify'], ['routes'], ['version']]) {
    const r = cli([...c, '--help']);
    assert.equal(r.status, 0, c.join(' '));
    assert.match(r.stdout, /usage: yichuang/);
  }
});

test('CLI calendar: add-workdays, is-workday, and a year that is not loaded', () => {
  assert.equal(cli(['calendar', 'add-workdays', '2025-09-26', '5']).stdout, '2025-10-10\n');
  assert.equal(cli(['calendar', 'add-workdays', '2026-02-13', '3']).stdout, '2026-02-25\n');
  assert.equal(cli(['calendar', 'add-workdays', '2026-02-13', '0']).stdout, '2026-02-13\n');
  assert.equal(cli(['calendar', 'is-workday', '2026-02-14']).stdout, 'yes\n');
  assert.equal(cli(['calendar', 'is-workday', '2026-02-16']).stdout, 'no\n');
  const r = cli(['calendar', 'add-workdays', '2026-12-30', '3']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /2027 is not loaded/);
});

test('CLI calendar load writes the year to the database; --db queries use it', () => {
  const fresh = freshDb({ demo: false, nextYear: false });
  const { dir, db } = fresh;
  const file = join(dir, '2027.json');
  writeFileSync(file, JSON.stringify({ year: 2027, source: 'test', days: [{ date: '2027-01-01', kind: 'off', name: '元旦' }] }));
  assert.equal(cli(['calendar', 'add-workdays', '2026-12-31', '1', '--db', db]).status, 1);
  const l = cli(['calendar', 'load', '--db', db, file]);
  assert.equal(l.status, 0, l.stderr);
  assert.equal(cli(['calendar', 'add-workdays', '2026-12-31', '1', '--db', db]).stdout, '2027-01-04\n');
  writeFileSync(file, '{"year":2027,"source":"x","days":[{"date":"2027-02-30","kind":"off","name":"x"}]}');
  const bad = cli(['calendar', 'load', '--db', db, file]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /days\[0\]/);
  dropDb(fresh);
});

test('CLI init refuses to overwrite; migrate is idempotent; user add reads the password from stdin', async () => {
  const { dir, db } = freshDb({ demo: false });
  const again = cli(['init', '--db', db]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /refusing to overwrite/);
  assert.equal(cli(['migrate', '--db', db]).stdout, `schema version ${SCHEMA} (was ${SCHEMA})\n`);
  const add = cli(['user', 'add', '--db', db, '--role', 'admin', 'boss'], { input: 'a-long-password\n' });
  assert.equal(add.status, 0, add.stderr);
  const dup = cli(['user', 'add', '--db', db, '--role', 'admin', 'boss'], { input: 'a-long-password\n' });
  assert.equal(dup.status, 1);
  assert.equal(cli(['user', 'add', '--db', db, '--role', 'king', 'x2'], { input: 'a-long-password\n' }).status, 1);
  const s = await startServer({ db, dir });
  try {
    assert.ok(await s.login('boss', 'a-long-password'));
    // no demo accounts: a non-loopback address would be allowed (not bound here)
  } finally { await s.stop(); }
});

test('CLI catalog export and import round-trip; generate makes catalogs of any size', () => {
  const fresh = freshDb();
  const { dir, db } = fresh;
  const out = join(dir, 'catalog.json');
  assert.equal(cli(['catalog', 'export', '--db', db, out]).status, 0);
  const exported = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(exported.departments.length, 30);
  assert.ok(exported.items.length >= 150);
  const other = freshDb({ demo: false });
  const imp = cli(['catalog', 'import', '--db', other.db, out]);
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, new RegExp(`imported ${exported.items.length} items and ${exported.processes.length} processes`));
  assert.ok(exported.processes.some((p) => p.code === 'P-QYKB' && p.status === 'active'));
  const out2 = join(dir, 'again.json');
  cli(['catalog', 'export', '--db', other.db, out2]);
  const again = JSON.parse(readFileSync(out2, 'utf8'));
  assert.deepEqual(again.items, exported.items);
  assert.deepEqual(again.processes, exported.processes, 'the processes travel with the catalog');
  // a process naming an item the import does not hold: nothing of the import is kept
  const bad = join(dir, 'bad-process.json');
  const third = freshDb({ demo: false });
  writeFileSync(bad, JSON.stringify({ ...exported, processes: [{ ...exported.processes[0], parts: [{ id: 'x', item: 'NO-SUCH-ITEM' }] }] }));
  const refused = cli(['catalog', 'import', '--db', third.db, bad]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /processes\[0\]/);
  assert.equal(sql(third.db, 'SELECT COUNT(*) FROM items').trim(), '0', 'all or nothing');
  dropDb(third);
  const gen = join(dir, 'gen.json');
  assert.equal(cli(['catalog', 'generate', '--count', '3000', gen]).status, 0);
  const g = cli(['catalog', 'import', '--db', other.db, gen]);
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /imported 3000 items/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ items: [{ ...exported.items[0], visits: 'many' }] }));
  const b = cli(['catalog', 'import', '--db', other.db, broken]);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /items\[0\]\.visits/);
  // 办理项 from a compact list: derived by kind, stored with the rest; a bad one names itself
  // and nothing of the import is kept
  const main = exported.items.find((i) => i.code === '371091011002014000'); // 食品经营许可
  delete main.status;
  const v = join(dir, 'variants.json');
  writeFileSync(v, JSON.stringify({ departments: exported.departments, offices: exported.offices, items: [main],
    variants: [{ of: main.code, kinds: ['change', 'renew', 'cancel'] }] }));
  const fourth = freshDb({ demo: false });
  const vi = cli(['catalog', 'import', '--db', fourth.db, v]);
  assert.equal(vi.status, 0, vi.stderr);
  assert.match(vi.stdout, /imported 4 items/);
  writeFileSync(v, JSON.stringify({ variants: [{ of: main.code, kinds: ['replace'] }, { of: main.code, kinds: ['reissue', 'stop'] }] }));
  const vb = cli(['catalog', 'import', '--db', fourth.db, v]);
  assert.equal(vb.status, 1);
  assert.match(vb.stderr, /variants\[1\]\.kinds\[1\]/, 'a licence has no 停发');
  writeFileSync(v, JSON.stringify({ variants: [{ of: 'NO-SUCH', kinds: ['change'] }] }));
  assert.match(cli(['catalog', 'import', '--db', fourth.db, v]).stderr, /variants\[0\]\.of/);
  assert.equal(sql(fourth.db, 'SELECT COUNT(*) FROM items').trim(), '4', 'all or nothing');
  const renew = JSON.parse(sql(fourth.db, "SELECT doc FROM items WHERE code = '371091011002014002'"));
  assert.equal(renew.name, `${main.name}（延续）`);
  assert.equal(renew.variant_of, main.code);
  assert.deepEqual(renew.legal_limit, main.legal_limit);
  dropDb(fourth);
  assert.equal(cli(['audit', 'verify', '--db', other.db]).status, 0);
  dropDb(fresh);
  dropDb(other);
});

test('tempDir helper gives distinct folders', () => { assert.notEqual(tempDir(), tempDir()); });

test('an older database is refused by serve and brought up by migrate', () => {
  const fresh = freshDb();
  // Take the database back to schema 1: drop what migrations 002 and later made.
  for (const t of ['case_figures', 'guide_asked', 'terminal_prints', 'terminal_visits', 'terminal_codes', 'watch_alerts', 'fdi_editions', 'guide_unanswered', 'guide_synonyms', 'ip_disputes', 'fin_platform_loans', 'fin_advisory_visits', 'fin_advisory_firms', 'fin_advisory_teams', 'report_stated', 'court_cases', 'court_rules', 'train_passes', 'train_quizzes', 'train_questions', 'fin_grants', 'fin_grant_schemes', 'proc_contracts', 'fin_lines', 'fin_entries', 'fin_loans', 'insp_decisions', 'insp_minor', 'insp_tasks', 'insp_plans', 'insp_conflicts', 'insp_inspectors', 'insp_entities', 'insp_items',
    'certificates', 'cert_serials', 'cert_keys', 'cert_type_items', 'cert_types', 'cert_issuers', 'review_figures', 'review_callbacks', 'review_orders', 'review_visits', 'reviews', 'review_keys',
    'idempotency_keys', 'outbox', 'job_leases', 'case_events', 'post_checks', 'cases',
    'case_numbers', 'material_uploads', 'materials', 'assign_cursors', 'notifications', 'appointments', 'tickets',
    'ticket_numbers', 'hall_windows', 'hall_categories', 'hall_zones', 'process_runs', 'processes', 'outlets']) sql(fresh.db, `DROP TABLE ${t}`);
  // (004's trigger on audit_events is gone since 007: schema 1 had none either.)
  sql(fresh.db, 'DROP INDEX users_verified_identity');
  sql(fresh.db, 'DROP INDEX items_updated'); // 026's, on a table of 001's
  for (const c of ['verified_ms', 'verified_by', 'outlet', 'seat']) sql(fresh.db, `ALTER TABLE users DROP COLUMN ${c}`);
  sql(fresh.db, 'DELETE FROM schema_version WHERE version >= 2');
  const refused = cli(['serve', '--db', fresh.db]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /schema is version 1, this program needs \d+: run yichuang migrate/);
  const m = cli(['migrate', '--db', fresh.db]);
  assert.equal(m.status, 0, m.stderr);
  assert.equal(m.stdout, `schema version ${SCHEMA} (was 1)\n`);
  assert.equal(sql(fresh.db, 'SELECT COUNT(*) FROM idempotency_keys').trim(), '0');
  assert.equal(cli(['audit', 'verify', '--db', fresh.db]).status, 0);
  dropDb(fresh);
});
