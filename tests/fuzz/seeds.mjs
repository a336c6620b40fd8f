// Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/), from the project's
// own data files, the route table and a demo district served for a minute: a certificate
// with its trust and status lists, a draw record, a case number. Run it again when a
// parser's input changes shape:
//
//   build/yichuang init --db /tmp/seeds.db --demo && node tests/fuzz/seeds.mjs /tmp/seeds.db
//
// A seed is a valid input (or one near it) so that the fuzzer starts inside the parser;
// the fuzzer's own finds stay in build/fuzz/ and are not committed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zip } from '../api/workbook.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const BIN = join(ROOT, 'build/yichuang');
const CORPUS = join(ROOT, 'tests/fuzz/corpus');
const db = process.argv[2];
if (!db) {
  console.error('usage: node tests/fuzz/seeds.mjs DEMO_DB (a store made by init --demo)');
  process.exit(2);
}

const seeds = {};
const add = (target, data) => (seeds[target] ||= []).push(Buffer.isBuffer(data) ? data : Buffer.from(data));
const read = (p) => readFileSync(join(ROOT, p), 'utf8');

// ---- files of the project's own ------------------------------------------------------------
for (const f of readdirSync(join(ROOT, 'data/calendar'))) add('calendar', read(`data/calendar/${f}`));
add('calendar', '{"year":2027,"source":"x","days":[{"date":"2027-01-01","kind":"off","name":"元旦"},{"date":"2027-02-07","kind":"work"}]}');
for (const f of readdirSync(join(ROOT, 'data/negative-list'))) add('negative_list', read(`data/negative-list/${f}`));
const synonyms = JSON.parse(read('data/guide/synonyms.json')).synonyms;
add('synonyms', JSON.stringify({ synonyms: synonyms.slice(0, 40) }));
add('synonyms', JSON.stringify({ synonyms: [{ phrase: '饭店', terms: '餐饮 食品经营许可' }, { phrase: '', terms: 'x' }] }));
for (const q of JSON.parse(read('data/guide/questions.json')).questions.slice(0, 60)) add('guide', q.q);
add('guide', '我的身份证号是370102199001011234，电话13800000000，怎么办社保');
add('guide', 'KTV 营业执照 foo@example.com');

// ---- the route table -----------------------------------------------------------------------
const routes = spawnSync(BIN, ['routes'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split(' '));
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'];

// ---- a demo district, served -----------------------------------------------------------------
const tmp = `/tmp/yc-seeds-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp);
const copy = join(tmp, 'seeds.db');
spawnSync('sqlite3', [db, `.backup ${copy}`]);
try { writeFileSync(`${copy}.keyring`, readFileSync(`${db}.keyring`)); } catch { /* made on start */ }
const port = 20000 + (process.pid % 20000);
const server = spawn(BIN, ['serve', '--db', copy, '--listen', `127.0.0.1:${port}`, '--web', join(ROOT, 'web')], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}/api/v1`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
  if (i > 100) throw new Error('the demo server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const login = await (await fetch(`${base}/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'yichuang-demo' }) })).json();
const get = async (path) => (await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${login.token}` } }));
const sqlv = (q) => spawnSync('sqlite3', [copy, q], { encoding: 'utf8' }).stdout.trim();
try {
  const certId = sqlv("SELECT id FROM certificates ORDER BY issued_ms LIMIT 1");
  const file = await (await get(`/certificates/${encodeURIComponent(certId)}/file`)).text();
  const trust = await (await get('/certificates/trust')).text();
  const status = await (await get('/certificates/status')).text();
  add('certificate', `${file}\0${trust}\0${status}`);
  add('certificate', `${file}\0${trust}`);
  add('certificate', `${file.replace(/"name":"[^"]*"/, '"name":"改过的"')}\0${trust}\0${status}`);
  const plan = sqlv("SELECT id FROM insp_plans WHERE state <> 'draft' ORDER BY id LIMIT 1");
  const record = await (await get(`/inspection/plans/${plan}/record`)).text();
  add('draw', record);
  const r = JSON.parse(record);
  if (r.lists) add('draw', `${r.lists.entities || ''}\0${r.lists.inspectors || ''}`);
} finally {
  server.kill('SIGTERM');
}
const caseNo = sqlv('SELECT no FROM cases ORDER BY id LIMIT 1') || '20260101-0001';
const item = '371091011002014000';
rmSync(tmp, { recursive: true, force: true });
add('draw', '91371000MA3000000X,A\n91371000MA3000001X,B,37100001;37100002\0' + '37100001,食品安全;特种设备\n37100002,食品安全\n');

// ---- router: each pattern as a path, each method --------------------------------------------
const sample = { action: 'accept', code: item, edition: '2024', id: '1', kid: '0123456789abcdef', kind: 'entities', no: caseNo, owner: 'district', token: 'abc', username: 'clerk1', year: '2026' };
const fill = (p) => p.replace(/\{([a-z_]+)\}/g, (_, k) => encodeURIComponent(sample[k] || 'x'));
for (const [method, pattern] of routes) add('router', Buffer.concat([Buffer.from([METHODS.indexOf(method)]), Buffer.from(fill(pattern))]));
add('router', Buffer.concat([Buffer.from([0]), Buffer.from('/api/v1/items/' + 'x'.repeat(300))]));

// ---- request: one per route, signed in, plus heads and headers worth trying ------------------
const bodies = {
  '/api/v1/session': { username: 'admin', password: 'yichuang-demo' },
  '/api/v1/cases': { item, channel: 'online', form: { name: '张三' } },
  '/api/v1/guide/ask': { q: '开饭店要办什么', channel: 'web' },
  '/api/v1/negative-list/check': { industries: ['I6510'], foreign_share: 60 },
  '/api/v1/terminal/codes': { id_number: '370102199001011234', phone: '13800000000' },
  '/api/v1/tickets': { category: 'A' },
};
const http = (method, path, headers, body) => {
  const b = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const h = { Host: '127.0.0.1', Connection: 'close', ...headers };
  if (b) { h['Content-Type'] ||= 'application/json'; h['Content-Length'] = Buffer.byteLength(b); }
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${b}`;
};
for (const [method, pattern, roles] of routes) {
  const path = fill(pattern);
  const body = bodies[pattern] || (method === 'GET' || method === 'DELETE' ? undefined : {});
  add('request', http(method, path, roles === 'public' ? {} : { Authorization: 'Bearer @T@' }, body));
}
add('request', http('GET', '/api/v1/items?q=%E9%A5%AD%E5%BA%97&limit=5&offset=0&department=scjg', {}));
add('request', http('GET', `/api/v1/progress/${caseNo}?code=1234`, {}));
add('request', http('POST', '/api/v1/cases', { Cookie: 'theme=dark; yc_session=@T@', 'X-CSRF-Token': '@C@', 'Idempotency-Key': 'k-1' }, bodies['/api/v1/cases']));
add('request', http('POST', '/api/v1/cases', { Cookie: 'yc_session=@T@' }, bodies['/api/v1/cases']));
add('request', http('POST', '/api/v1/guide/ask', { 'Idempotency-Key': 'same' }, bodies['/api/v1/guide/ask']));
add('request', http('GET', '/api/v1/events?topics=hall,cases', { Authorization: 'Bearer @T@', 'Last-Event-ID': '5', Accept: 'text/event-stream' }));
add('request', 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\nConnection: close\r\n\r\n');
add('request', 'GET /api/v1/health HTTP/1.1\r\nHost: x\0evil\r\nConnection: close\r\n\r\n');
add('request', 'POST /api/v1/guide/ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n5\r\n{"q":\r\n0\r\n\r\n');
add('request', 'GET /index.html HTTP/1.0\r\n\r\n');
add('request', 'GET /../../etc/passwd HTTP/1.0\r\n\r\n');
add('request', 'HEAD /api/v1/items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

// ---- csv, roster, xlsx ----------------------------------------------------------------------
const entities = '统一社会信用代码,名称,类型,行业,住所,区域,风险等级,投诉较多,经营异常,严重违法,外资\r\n'
  + '91371000MA3000000X,"威海测试0号餐饮有限公司",有限责任公司,H6210,"青岛路0号",皇冠街道,A,否,否,否,否\r\n'
  + '91371000MA3000001Y,"测试""引号""公司",有限责任公司,F5212,青岛路1号,凤林街道,C,是,否,否,是\r\n';
const inspectors = 'cert_no,name,department,fields\n37100001,甲,scjg,食品安全;特种设备\n37100002,乙,scjg,食品安全\n';
const conflicts = '执法证号,统一社会信用代码,原因\n37100001,91371000MA3000000X,近亲属任该企业法定代表人\n';
for (const t of [entities, inspectors, conflicts, '\ufeffa,b\r\n"x\r\ny",z\n', 'a,"b\n', ',,,\n\n\n']) add('csv', t);
add('roster', Buffer.concat([Buffer.from([0]), Buffer.from(entities)]));
add('roster', Buffer.concat([Buffer.from([1]), Buffer.from(inspectors)]));
add('roster', Buffer.concat([Buffer.from([2]), Buffer.from(conflicts)]));

const workbook = (store) => zip({
  '[Content_Types].xml': '<?xml version="1.0"?><Types/>',
  'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns:r="r"><sheets><sheet name="名录" sheetId="1" r:id="rId7"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships><Relationship Id="rId7" Type="worksheet" Target="worksheets/data.xml"/></Relationships>',
  'xl/sharedStrings.xml': '<?xml version="1.0"?><sst count="3"><si><t>统一社会信用代码</t></si><si><t>名称 &amp; &lt;x&gt;</t></si><si><r><t>富</t></r><r><t>文本</t></r></si></sst>',
  'xl/worksheets/data.xml': '<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    + '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>42</v></c><c r="C3" t="inlineStr"><is><t>内联</t></is></c></row></sheetData></worksheet>',
}, store);
add('xlsx', workbook(false));
add('xlsx', workbook(true));
add('roster', Buffer.concat([Buffer.from([0]), workbook(false)]));

// ---- material --------------------------------------------------------------------------------
add('material', '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
add('material', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]));
add('material', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(25)]));
add('material', zip({ 'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>' }, true));
add('material', zip({ 'Doc_0/Document.xml': '<x/>', 'OFD.xml': '<ofd:OFD/>' }));

// ---- json, catalog, acts, text -----------------------------------------------------------------
for (const t of ['{"name":"张三","level":"low","visits":3,"share":12.5,"ok":true,"form":{"a":[1,2]},"tags":["low","high"],"rows":[{"no":1,"text":"x"}],"any":null}',
  '{"name":"a\\u0000b"}', '{"name":"x","name":"y"}', '[1,2,{"a":"\\ud83d\\ude00"}]', '"\\u202e"', '1e999', '{"rows":[{"no":0}]}']) add('json', t);
const exported = JSON.parse(spawnSync(BIN, ['catalog', 'export', '--db', db, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);
for (const it of (exported.items || []).slice(0, 25)) add('catalog', JSON.stringify(it));
const actions = ['accept', 'reject', 'assign', 'close', 'ack', 'pay', 'record', 'revoke', 'supersede', 'note', 'mediate', 'award', 'result', 'publish', 'classify'];
for (let i = 0; i < 13; i++) {
  for (const a of actions.slice(i % 5, i % 5 + 4)) add('acts', Buffer.concat([Buffer.from([i]), Buffer.from(`${a}\n{"note":"已处理","reason":"材料不全","amount":100,"day":"2026-12-01"}`)]));
}
add('acts', Buffer.concat([Buffer.from([12]), Buffer.from('form.\n{"industries":["I6510","C3630"],"foreign_share":51,"legal_rep_nationality":"外国","largest_shareholder":"外方"}')]));
const text = [
  [0, 'postgresql://yc:secret@127.0.0.1:5432/yichuang?sslmode=disable&target_session_attrs=read-write'],
  [0, 'postgres://a,b:5433/db'], [0, 'sqlite:var/yichuang.db'], [0, 'host=x port=1 dbname=y'],
  [1, 'threads=4'], [1, 'listen=127.0.0.1:8080'], [1, 'access-log=false'], [1, 'work-hours=08:30-12:00,13:30-17:30'],
  [2, '370102199001011234'], [2, '91371000MA3C7TNE9D'], [2, '13800000000'], [2, '12'],
  [3, '2026-12-04'], [3, '09:30'], [3, '2026-12-04T09:30'], [3, 'recent'],
  [4, 'applicant'], [4, 'accepted'], [4, 'approve'], [4, 'withdraw'],
];
for (const [k, t] of text) add('text', Buffer.concat([Buffer.from([k]), Buffer.from(t)]));

// ---- written out ------------------------------------------------------------------------------
for (const [target, list] of Object.entries(seeds)) {
  const dir = join(CORPUS, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const b of list) writeFileSync(join(dir, createHash('sha1').update(b).digest('hex')), b);
  console.log(`${target}: ${list.length} seeds`);
}
