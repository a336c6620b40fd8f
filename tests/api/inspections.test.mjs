// 双随机、一公开 through the HTTP API, on both backends: rosters imported from CSV all or
// nothing with every bad row named; a plan from its commitment to its draw, recomputed
// by `yichuang draw verify` and by the public check, and failing when one entity, the
// seed or the secret is changed; recusal and the last team kept off an entity; a joint
// plan's team covers every department's field; results change the class and are
// published; a late publication turns red and escalates once; 首次不罚 by rule.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cli, expectError, sql, startServer } from './helper.mjs';
import { workbook } from './workbook.mjs';
import { verifyRecord } from '../../web/js/draw-verify.js';

const { sm2, sm3 } = createRequire(import.meta.url)('sm-crypto');

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// A unified social credit code (GB 32100) from its first 17 characters.
export function uscc(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(first17[i]) * W[i];
  return first17 + CHARS[(31 - (sum % 31)) % 31];
}
const code = (i) => uscc(`91371000MA3${String(i).padStart(6, '0')}`);
const CLASSES = 'AABBBBBCCD';
// n entities: 餐饮 (H62) in 皇冠街道 and others, classes by position, one flagged in ten.
function entitiesCsv(n, from = 0) {
  const rows = ['统一社会信用代码,名称,类型,行业,住所,区域,风险等级,投诉较多,经营异常,严重违法,外资'];
  for (let i = from; i < from + n; i++) {
    rows.push([code(i), `"威海测试${i}号餐饮有限公司"`, '有限责任公司', i % 4 ? 'H6210' : 'F5212',
      `"青岛路${i}号"`, i % 3 ? '皇冠街道' : '凤林街道', CLASSES[i % 10], i % 10 === 7 ? '是' : '否', '否', '否', i % 20 === 0 ? '是' : '否'].join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
const api = async (method, path, who, body, headers) =>
  s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body, headers });
const csv = (kind, text, who = 'approver-scjg') => api('POST', `/inspection/rosters/${kind}`, who, text, { 'Content-Type': 'text/csv' });
const count = (q) => Number(sql(s.db, q).trim());

before(async () => {
  s = await startServer({ args: ['--public-cache-ms', '0', '--case-job-interval', '1'] });
});
after(async () => { await s.stop(); });

describe('rosters', () => {
  test('a file with bad rows imports nothing and names every bad row and field', async () => {
    const good = entitiesCsv(3).trim().split('\r\n');
    const bad = [
      good[0],
      good[1],
      `${code(1).slice(0, 17)}X,坏代码公司,有限责任公司,H6210,青岛路,皇冠街道,B,否,否,否,否`, // line 3: check character
      good[2],
      `${code(1)},重复公司,有限责任公司,H6210,青岛路,皇冠街道,B,否,否,否,否`, // line 5: same code as line 4
      `${code(9)},等级错,有限责任公司,H6210,青岛路,皇冠街道,E,否,否,否,否`, // line 6: class
      `${code(10)},,有限责任公司,H6210,青岛路,皇冠街道,A,也许,否,否,否`, // line 7: name, flag
    ].join('\n');
    const r = await csv('entities', bad);
    expectError(assert, r, 422, 'invalid', 'rows');
    const rows = r.json.error.rows.map((x) => `${x.row}:${x.field}`);
    assert.deepEqual(rows.sort(), ['3:credit_code', '5:credit_code', '6:class', '7:complaints', '7:name'].sort(), r.text);
    assert.match(r.json.error.message, /^4 of the rows/);
    assert.equal(count('SELECT COUNT(*) FROM insp_entities'), 0);
  });

  test('a header without a required column, or an unknown one, is named', async () => {
    let r = await csv('entities', '统一社会信用代码,名称\n' + code(1) + ',某公司\n');
    expectError(assert, r, 422, 'invalid', 'rows');
    assert.ok(r.json.error.rows.some((x) => x.row === 1 && x.field === 'type'));
    r = await csv('inspectors', 'cert_no,name,department,fields,colour\nX1,甲,scjg,食品安全,red\n');
    assert.ok(r.json.error.rows.some((x) => x.field === 'colour'));
    r = await csv('bananas', 'a\n');
    expectError(assert, r, 404, 'not_found', 'kind');
  });

  test('only regulators import, and only their own department\'s inspectors', async () => {
    let r = await csv('entities', entitiesCsv(2), 'clerk1');
    assert.equal(r.status, 403);
    r = await csv('entities', entitiesCsv(2), 'approver1'); // 行政审批 runs no spot checks
    assert.equal(r.status, 403);
    r = await csv('inspectors', 'cert_no,name,department,fields\n99990001,某人,wj,公共卫生\n');
    expectError(assert, r, 422, 'invalid', 'rows');
    assert.equal(r.json.error.rows[0].field, 'department');
  });

  test('an Excel workbook is read as its first sheet: bad rows named by the sheet\'s row numbers', async () => {
    const head = ['统一社会信用代码', '名称', '类型', '行业', '住所', '区域', '风险等级', '外资'];
    const row = (i, c = code(i)) => [c, `威海表格${i}号商贸有限公司`, '有限责任公司', 'F5211', `海滨路${i}号 & 1`, '西苑街道', 'B'];
    let r = await csv('entities', workbook([[1, head], [2, row(300)], [4, row(301, '91371000MA3000301Z')], [5, row(302)]]));
    expectError(assert, r, 422, 'invalid', 'rows');
    assert.deepEqual(r.json.error.rows.map((x) => `${x.row}:${x.field}`), ['4:credit_code']);
    r = await csv('entities', workbook([[1, head], [2, row(300)], [3, [...row(301).slice(0, 6), 'A', '是']], [5, row(302)]]));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 3);
    assert.equal(sql(s.db, `SELECT address || '|' || foreign_invested || class FROM insp_entities WHERE credit_code = '${code(301)}'`).trim(), '海滨路301号 & 1|1A');
    r = await csv('entities', Buffer.from('PK\x03\x04 not really a workbook'));
    expectError(assert, r, 422, 'invalid', 'body');
    sql(s.db, `DELETE FROM insp_entities WHERE credit_code IN ('${code(300)}', '${code(301)}', '${code(302)}')`);
  });

  test('a good file imports whole; again, it updates', async () => {
    let r = await csv('entities', entitiesCsv(200));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { roster: 'entities', imported: 200, created: 200, updated: 0 });
    r = await csv('entities', entitiesCsv(10));
    assert.deepEqual(r.json, { roster: 'entities', imported: 10, created: 0, updated: 10 });
    r = await api('GET', '/inspection/entities?class=D&limit=500', 'approver-scjg');
    assert.equal(r.status, 200);
    assert.equal(r.json.entities.length, 20);
    assert.equal(r.json.entities[0].credit_code, code(9));
  });
});

describe('a plan, its draw and the record anyone recomputes', () => {
  let plan;
  let record;
  const conflictEntity = code(9); // class D: drawn whatever the seed
  const conflictCert = '37100010001';

  test('a declared conflict is imported against a roster entry', async () => {
    const r = await csv('conflicts', `执法证号,统一社会信用代码,原因\n${conflictCert},${conflictEntity},近亲属任该企业法定代表人\n`);
    assert.equal(r.status, 200, r.text);
  });

  test('a draft plan commits: the lists frozen and hashed, the secret withheld', async () => {
    let r = await api('POST', '/inspection/plans', 'approver-scjg', {
      name: '2026年餐饮服务单位双随机抽查', departments: ['scjg'], items: ['scjg-food-02'],
      industries: ['H62'], ratios: { A: 100, B: 100, C: 300, D: 1000 }, team_size: 2,
    });
    assert.equal(r.status, 201, r.text);
    plan = r.json.id;
    assert.match(plan, /^CC\d{4}-\d{4}$/);
    assert.equal(r.json.state, 'draft');
    assert.equal(r.json.fields, '食品安全');
    r = await api('POST', `/inspection/plans/${plan}/actions/draw`, 'approver-scjg', { witnesses: [{ name: '甲', input: '1' }] });
    expectError(assert, r, 409, 'conflict', 'state');
    r = await api('POST', `/inspection/plans/${plan}/actions/commit`, 'approver-wj');
    assert.equal(r.status, 403);
    r = await api('POST', `/inspection/plans/${plan}/actions/commit`, 'approver-scjg');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'committed');
    assert.match(r.json.commitment, /^[0-9a-f]{64}$/);
    assert.equal(r.json.secret, null);
    const pub = await api('GET', `/inspection/plans/${plan}/record`);
    assert.equal(pub.status, 200);
    assert.equal(pub.json.secret, undefined);
    assert.equal(pub.json.entities.count, 150); // H62: three in four of 200
    assert.ok(pub.json.entities.lines.some((l) => l.startsWith(`${conflictEntity},D,`) && l.includes(conflictCert)));
  });

  test('the ratios must draw at least 3% overall', async () => {
    let r = await api('POST', '/inspection/plans', 'approver-scjg', {
      name: '过低比例', departments: ['scjg'], items: ['scjg-food-02'], ratios: { A: 0, B: 0, C: 10, D: 10 },
    });
    r = await api('POST', `/inspection/plans/${r.json.id}/actions/commit`, 'approver-scjg');
    expectError(assert, r, 422, 'invalid', 'ratios');
  });

  test('the draw takes the witnesses\' inputs, makes the tasks and reveals the secret', async () => {
    let r = await api('POST', `/inspection/plans/${plan}/actions/draw`, 'approver-scjg', { witnesses: [{ name: '甲', input: '' }] });
    expectError(assert, r, 422, 'invalid', 'witnesses');
    r = await api('POST', `/inspection/plans/${plan}/actions/draw`, 'approver-scjg', {
      witnesses: [{ name: '人大代表 王某', input: '上证指数 3371.92' }, { name: '企业代表 李某', input: '骰子 4 6 1' }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'drawn');
    assert.match(r.json.secret, /^[0-9a-f]{64}$/);
    record = (await api('GET', `/inspection/plans/${plan}/record`)).json;
    assert.equal(record.format, 'yichuang-draw/1');
    assert.ok(record.result.length >= Math.ceil(150 * 0.03));
    // every D entity is drawn (1000‰), and the conflicted officer is not on its team
    const d = record.result.find((x) => x.entity === conflictEntity);
    assert.ok(d, 'the D entity is drawn');
    assert.equal(d.team.length, 2);
    assert.ok(!d.team.includes(conflictCert));
    assert.equal(count(`SELECT COUNT(*) FROM insp_tasks WHERE plan = '${plan}'`), record.result.length);
  });

  test('`draw verify` and the public check recompute it; a changed entity, seed or secret fails', async () => {
    const dir = s.dir;
    const file = join(dir, 'record.json');
    writeFileSync(file, JSON.stringify(record));
    let r = cli(['draw', 'verify', file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^match: 150 entities in the list/);
    let v = await api('POST', '/inspection/records/verify', null, JSON.stringify(record));
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.verdict, 'match');
    // the public page's verifier (web/js/draw-verify.js, written from docs/draw.md) agrees
    assert.equal(verifyRecord(record, sm3).verdict, 'match');
    // any JSON layout: indented, keys reordered, text escaped
    const relaid = JSON.stringify({ result: record.result, ...record }, null, 2).replace(/"91371000/g, '"\\u0039\\u0031371000');
    v = await api('POST', '/inspection/records/verify', null, relaid);
    assert.equal(v.json.verdict, 'match', v.text);
    for (const bad of ['{"format":"yichuang-draw/1","format":"x"}', `${JSON.stringify(record)} x`, '{"format":"yichuang-draw/1","secret":"\\ud800"}', '[1,2', '']) {
      v = await api('POST', '/inspection/records/verify', null, bad);
      assert.ok([400, 422].includes(v.status), `${bad.slice(0, 40)}: ${v.status} ${v.text}`);
    }
    const tampered = [
      (x) => { x.result[0].entity = x.result[1].entity; },
      (x) => { x.result[0].team.reverse(); },
      (x) => { x.seed = '0'.repeat(64); },
      (x) => { x.secret = x.secret.replace(/^./, (c) => (c === '0' ? '1' : '0')); },
      (x) => { x.inputs[0].input = '上证指数 3371.93'; },
      (x) => { x.entities.lines[0] = x.entities.lines[0].replace(/,[ABC]$/, ',D'); },
      (x) => { x.plan.ratios.A = 200; },
    ];
    for (const change of tampered) {
      const t = structuredClone(record);
      change(t);
      writeFileSync(file, JSON.stringify(t));
      r = cli(['draw', 'verify', file]);
      assert.equal(r.status, 1, `${change}: ${r.stdout}`);
      assert.match(r.stdout, /^mismatch: /);
      v = await api('POST', '/inspection/records/verify', null, JSON.stringify(t));
      assert.equal(v.json.verdict, 'mismatch', change.toString());
      assert.equal(verifyRecord(t, sm3).verdict, 'mismatch', change.toString());
    }
    v = await api('POST', '/inspection/records/verify', null, '{"format":"other"}');
    expectError(assert, v, 422, 'invalid', 'format');
  });

  test('the team enters the result, the class moves, the regulator publishes', async () => {
    const task = (await api('GET', `/inspection/tasks?plan=${plan}`, 'approver-scjg')).json.tasks
      .find((t) => t.credit_code === conflictEntity);
    const member = task.team.split(';')[0];
    const username = sql(s.db, `SELECT username FROM insp_inspectors WHERE cert_no = '${member}'`).trim();
    const outsider = sql(s.db, `SELECT username FROM insp_inspectors WHERE department = 'scjg' AND '${task.team}' NOT LIKE '%' || cert_no || '%' ORDER BY cert_no LIMIT 1`).trim();
    const mine = (await api('GET', '/inspection/tasks?mine=1', username)).json.tasks;
    assert.ok(mine.some((t) => t.id === task.id));
    assert.ok(!(await api('GET', '/inspection/tasks?mine=1', outsider)).json.tasks.some((t) => t.id === task.id));
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    let r = await api('POST', `/inspection/tasks/${task.id}/actions/result`, outsider, { inspected_on: today, result: 'pass' });
    expectError(assert, r, 404, 'not_found', 'id');
    r = await api('POST', `/inspection/tasks/${task.id}/actions/result`, username, { inspected_on: today, result: 'rectify' });
    expectError(assert, r, 422, 'invalid', 'findings');
    r = await api('POST', `/inspection/tasks/${task.id}/actions/result`, username, { inspected_on: '2099-01-01', result: 'pass' });
    expectError(assert, r, 422, 'invalid', 'inspected_on');
    r = await api('POST', `/inspection/tasks/${task.id}/actions/result`, username, { inspected_on: today, result: 'pass' });
    assert.equal(r.status, 200, r.text);
    assert.equal(sql(s.db, `SELECT class FROM insp_entities WHERE credit_code = '${conflictEntity}'`).trim(), 'C');
    const listed = (await api('GET', `/inspection/tasks?plan=${plan}`, 'approver-scjg')).json.tasks.find((t) => t.id === task.id);
    assert.equal(listed.state, 'inspected');
    assert.equal(listed.light, 'green');
    assert.match(listed.publish_by, /^\d{4}-\d{2}-\d{2}$/);
    r = await api('POST', `/inspection/tasks/${task.id}/actions/publish`, username);
    assert.equal(r.status, 403);
    r = await api('POST', `/inspection/tasks/${task.id}/actions/publish`, 'approver-scjg');
    assert.equal(r.status, 200, r.text);
    const pub = (await api('GET', `/inspection/results?q=${conflictEntity}`)).json.results;
    assert.equal(pub.length, 1);
    assert.equal(pub[0].result_name, '合格');
    assert.deepEqual(pub[0].departments, ['scjg']);
    const page = (await api('GET', `/market-entities/${conflictEntity}`)).json;
    assert.equal(page.entity.class, 'C');
    assert.equal(page.results.length, 1);
  });

  test('the next draw keeps the last team off each entity', async () => {
    let r = await api('POST', '/inspection/plans', 'approver-scjg', {
      name: '复查', departments: ['scjg'], items: ['scjg-food-02'], industries: ['H62'], ratios: { A: 1000, B: 1000, C: 1000, D: 1000 },
    });
    const second = r.json.id;
    await api('POST', `/inspection/plans/${second}/actions/commit`, 'approver-scjg');
    const rec = (await api('GET', `/inspection/plans/${second}/record`)).json;
    r = await api('POST', `/inspection/plans/${second}/actions/draw`, 'approver-scjg', { witnesses: [{ name: '甲', input: 'again' }] });
    assert.equal(r.status, 200, r.text);
    const last = Object.fromEntries(record.result.map((x) => [x.entity, x.team]));
    const next = (await api('GET', `/inspection/plans/${second}/record`)).json;
    assert.equal(next.result.length, 150);
    for (const x of next.result) {
      for (const cert of last[x.entity] || []) assert.ok(!x.team.includes(cert), `${x.entity} had ${cert} last time`);
    }
    assert.ok(rec.entities.lines.filter((l) => l.split(',').length === 3).length >= record.result.length);
  });
});

describe('joint plans, late publication, 首次不罚', () => {
  test('a joint plan\'s team has every department\'s field', async () => {
    let r = await api('POST', '/inspection/plans', 'approver-scjg', {
      name: '餐饮场所联合抽查（进一次门、查多项事）', departments: ['scjg', 'wj', 'xf'],
      items: ['scjg-food-02', 'wj-ph-01', 'xf-fire-01'], industries: ['H62'], regions: ['凤林街道'],
      ratios: { A: 50, B: 50, C: 200, D: 500 },
    });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(r.json.fields, '公共卫生;消防;食品安全');
    r = await api('POST', '/inspection/plans', 'approver-scjg', {
      name: '越权', departments: ['scjg'], items: ['wj-ph-01'], ratios: { A: 50, B: 50, C: 200, D: 500 },
    });
    expectError(assert, r, 422, 'invalid', 'items');
    await api('POST', `/inspection/plans/${id}/actions/commit`, 'approver-scjg');
    r = await api('POST', `/inspection/plans/${id}/actions/draw`, 'approver-scjg', { witnesses: [{ name: '甲', input: 'joint' }] });
    assert.equal(r.status, 200, r.text);
    const rec = (await api('GET', `/inspection/plans/${id}/record`)).json;
    const fieldsOf = Object.fromEntries(rec.inspectors.lines.map((l) => l.split(',')).map(([c, f]) => [c, f.split(';')]));
    for (const x of rec.result) {
      assert.equal(x.team.length, 6);
      for (const [i, f] of ['公共卫生', '公共卫生', '消防', '消防', '食品安全', '食品安全'].entries()) assert.ok(fieldsOf[x.team[i]].includes(f));
    }
    const file = join(s.dir, 'joint.json');
    writeFileSync(file, JSON.stringify(rec));
    assert.equal(cli(['draw', 'verify', file]).status, 0);
    assert.equal(verifyRecord(rec, sm3).verdict, 'match');
  });

  test('a publication past 20 working days turns red and escalates once', async () => {
    const t = (await api('GET', '/inspection/tasks?limit=500', 'approver-scjg')).json.tasks.find((x) => x.state === 'assigned');
    sql(s.db, `UPDATE insp_plans SET drawn_ms = drawn_ms - 7776000000 WHERE id = '${t.plan}'`);
    const member = t.team.split(';')[0];
    const username = sql(s.db, `SELECT username FROM insp_inspectors WHERE cert_no = '${member}'`).trim();
    const then = new Date(Date.now() + 8 * 3600e3 - 60 * 86400e3).toISOString().slice(0, 10);
    let r = await api('POST', `/inspection/tasks/${t.id}/actions/result`, username, { inspected_on: then, result: 'not-disclosed', findings: '未按规定公示年度报告' });
    assert.equal(r.status, 200, r.text);
    let late;
    for (let i = 0; i < 50; i++) {
      late = (await api('GET', '/inspection/tasks?overdue=1', 'approver-scjg')).json.tasks.find((x) => x.id === t.id);
      if (count(`SELECT COUNT(*) FROM insp_tasks WHERE id = '${t.id}' AND escalated_ms IS NOT NULL`)) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    assert.equal(late.light, 'red');
    await new Promise((ok) => setTimeout(ok, 1200));
    assert.equal(count(`SELECT COUNT(*) FROM audit_events WHERE action = 'inspection.escalate' AND object = '${t.id}'`), 1);
    assert.ok(count(`SELECT COUNT(*) FROM notifications WHERE recipient = 'user:approver-scjg' AND text LIKE '%${t.id}%'`) >= 1);
  });

  test('首次不罚: the first minor violation is not punished, the second within the period is', async () => {
    const tasks = (await api('GET', '/inspection/tasks?limit=500', 'approver-scjg')).json.tasks.filter((x) => x.state === 'assigned');
    const a = tasks[0];
    const b = tasks.find((x) => x.credit_code === a.credit_code && x.id !== a.id) || tasks[1];
    const entity = a.credit_code;
    let r = await api('GET', `/inspection/leniency?credit_code=${entity}&violation=scjg-m-02`, 'approver-scjg');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.first, true);
    assert.equal(r.json.decision, 'no-penalty');
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    r = await api('POST', `/inspection/tasks/${a.id}/actions/result`, 'approver-scjg', {
      inspected_on: today, result: 'rectify', findings: '营业执照未悬挂，已当场改正', violations: ['scjg-m-02'],
    });
    assert.equal(r.status, 200, r.text);
    r = await api('GET', `/inspection/leniency?credit_code=${entity}&violation=scjg-m-02`, 'approver-scjg');
    assert.equal(r.json.first, false);
    assert.equal(r.json.decision, 'ordinary');
    assert.equal(r.json.decisions.length, 1);
    assert.equal(r.json.decisions[0].decision, 'no-penalty');
    assert.match(r.json.decisions[0].basis, /首次/);
    r = await api('POST', `/inspection/tasks/${b.id}/actions/result`, 'approver-scjg', {
      inspected_on: today, result: 'rectify', findings: 'x', violations: ['not-on-the-list'],
    });
    expectError(assert, r, 422, 'invalid', 'violations');
    r = await api('GET', `/inspection/leniency?credit_code=${entity}&violation=scjg-m-02`, 'clerk1');
    assert.equal(r.status, 403);
  });

  test('the public lists: items with their basis, the minor-violation list', async () => {
    const r = await api('GET', '/inspection/items');
    assert.equal(r.status, 200);
    assert.ok(r.json.items.find((i) => i.code === 'scjg-food-01').basis.includes('食品安全法'));
    assert.ok(r.json.minor.some((m) => m.kind === 'no-penalty'));
  });
});

describe('credit QR codes', () => {
  test('a regulator signs an entity\'s code; a stock scanner reads the page\'s address; the signature holds', async () => {
    const entity = code(3);
    let r = await api('GET', `/market-entities/${entity}/qr.png`);
    expectError(assert, r, 404, 'not_found', 'code');
    r = await api('POST', `/market-entities/${entity}/credit-code`, 'approver1');
    assert.equal(r.status, 403);
    r = await api('POST', `/market-entities/${entity}/credit-code`, 'approver-scjg');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.issuer, 'scjg');
    const png = await fetch(`${s.url}/api/v1/market-entities/${entity}/qr.png`);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const file = join(s.dir, 'credit.png');
    writeFileSync(file, Buffer.from(await png.arrayBuffer()));
    const scanned = spawnSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' }).stdout.trim();
    const url = new URL(scanned);
    assert.equal(url.pathname, '/entity.html');
    assert.equal(url.searchParams.get('code'), entity);
    const [payload, sig, kid] = new URLSearchParams(url.hash.slice(1)).get('q').split('.');
    const text = Buffer.from(payload, 'base64url').toString('utf8');
    const data = JSON.parse(text);
    assert.equal(data.code, entity);
    assert.equal(data.name, '威海测试3号餐饮有限公司');
    const key = (await api('GET', '/certificates/trust')).json.keys.find((k) => k.kid === kid);
    assert.equal(key.owner, 'scjg');
    const hexSig = Buffer.from(sig, 'base64url').toString('hex');
    assert.ok(sm2.doVerifySignature(text, hexSig, key.public_key, { der: true, hash: true }));
    assert.ok(!sm2.doVerifySignature(text.replace('3号', '4号'), hexSig, key.public_key, { der: true, hash: true }));
    const page = (await api('GET', `/market-entities/${entity}`)).json;
    assert.ok(page.entity.credit_issued > 0);
  });
});

describe('the roster grows with registrations', () => {
  test('an approved business registration adds its new firm, with the licence\'s credit code', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n% a registration\n');
    const up = await s.api('POST', '/api/v1/materials', { body: pdf, token: await token('applicant1'), headers: { 'Content-Type': 'application/pdf' } });
    const sha = up.json.sha256;
    let r = await api('POST', '/cases', 'applicant1', {
      item: '371091011001007000',
      form: { company_name: '威海双随机测试有限公司', legal_person: '张三', registered_capital: 100, address: '威海经区海滨路9号' },
      materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }],
    });
    assert.equal(r.status, 201, r.text);
    const no = r.json.no;
    assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
    const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
    r = await api('POST', `/cases/${no}/actions/approve`, c.current_step.assignee || 'approver1');
    assert.equal(r.status, 200, r.text);
    const licence = (await api('GET', `/certificates?subject=${no}`, 'applicant1')).json.certificates[0];
    const found = (await api('GET', `/inspection/entities?q=${encodeURIComponent('威海双随机测试')}`, 'approver-scjg')).json.entities;
    assert.equal(found.length, 1);
    assert.equal(found[0].source, no);
    assert.equal(found[0].address, '威海经区海滨路9号');
    assert.equal(found[0].class, 'B');
    assert.equal(sql(s.db, `SELECT holder_id FROM certificates WHERE id = '${licence.id}'`).trim(), found[0].credit_code);
  });
});
