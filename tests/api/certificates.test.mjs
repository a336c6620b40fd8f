// 电子证照 through the HTTP API: an approval issues its certificate in the same
// transaction; the holder alone sees it (我的证照); stock OpenSSL verifies the chain
// and the signature over the canonical bytes jq rebuilds, and fails on one changed
// byte; revoke, supersede, rotate and compromise keys; a 一业一证 run issues its
// comprehensive licence; the offline verifier (yichuang cert verify) and the public
// online check agree; a status list past its next update reads unknown.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectError, sql, startServer } from './helper.mjs';

const FOOD = '371091011002014000'; // 食品经营许可 (xzsp): issues 食品经营许可证
const MORTGAGE = '371091071032224000'; // 抵押权首次登记（一般抵押） (bdc): 不动产登记证明
const PREFIX = '1.2.156.3005.2.';

let s;
const tok = {};
const token = async (u) => (tok[u] ||= await s.login(u));
let sha;
let clerkSha;

before(async () => {
  s = await startServer({ args: ['--public-cache-ms', '0'] });
  for (const u of ['applicant1', 'business1', 'clerk1', 'approver1', 'approver-bdc', 'supervisor1', 'admin']) await token(u);
  const pdf = new TextEncoder().encode('%PDF-1.4\n% yichuang certificate test\n');
  const r = await s.api('POST', '/api/v1/materials', { body: pdf, token: tok.applicant1, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(r.status, 201, r.text);
  sha = r.json.sha256;
  const c = await s.api('POST', '/api/v1/materials', { body: pdf, token: tok.clerk1, headers: { 'Content-Type': 'application/pdf' } });
  clerkSha = c.json.sha256;
});
after(async () => { await s.stop(); });

const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? await token(who) : undefined, body });
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
// A binary answer (a PNG, a PDF) as applicant1 sees it.
async function bin(path) {
  const r = await fetch(s.url + path, { headers: { Authorization: `Bearer ${tok.applicant1}` } });
  return { status: r.status, headers: r.headers, bytes: await r.arrayBuffer() };
}

// A case of applicant1's filed, accepted and approved: its number.
async function approved(item, form, mats) {
  let r = await api('POST', '/cases', 'applicant1', { item, form, materials: mats.map((id) => ({ id, sha256: sha })) });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  for (let i = 0; i < 5; i++) {
    const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
    if (c.state === 'approved') break;
    const step = c.current_step || {};
    r = await api('POST', `/cases/${no}/actions/approve`, step.assignee || `approver-${step.department || c.department}`);
    assert.equal(r.status, 200, r.text);
  }
  return no;
}
const foodCase = () => approved(FOOD, { applicant_name: '威海一窗餐饮店', contact_phone: '13800001234', note: '预包装食品销售' }, ['m1', 'm2']);
async function certOf(no, who = 'applicant1') {
  const r = await api('GET', `/certificates?subject=${no}`, who);
  assert.equal(r.status, 200, r.text);
  return r.json.certificates[0];
}

// The three files a verifier needs, written to the test's folder.
async function files(id, tag) {
  const f = await api('GET', `/certificates/${encodeURIComponent(id)}/file`, 'applicant1');
  assert.equal(f.status, 200, f.text);
  const trust = await api('GET', '/certificates/trust');
  const status = await api('GET', '/certificates/status');
  assert.equal(status.status, 200, status.text);
  const p = (n) => join(s.dir, `${tag}-${n}`);
  writeFileSync(p('cert.json'), f.text);
  writeFileSync(p('trust.json'), trust.text);
  writeFileSync(p('status.json'), status.text);
  const root = trust.json.keys.find((k) => k.owner === 'root' && !k.retired_ms);
  const signer = trust.json.keys.find((k) => k.kid === f.json.kid);
  writeFileSync(p('root.pem'), root.cert_pem);
  writeFileSync(p('signer.pem'), signer.cert_pem);
  return { file: f.json, path: p };
}
const offline = (path, extra = []) => cli(['cert', 'verify', path('cert.json'), '--trust', path('trust.json'), '--status', path('status.json'), ...extra]);

describe('issued on approval', () => {
  test('an approved case carries its signed certificate; the holder alone sees it', async () => {
    const no = await foodCase();
    const c = await certOf(no);
    assert.ok(c, 'the approval issued a certificate');
    assert.equal(c.name, '食品经营许可证');
    assert.equal(c.state, 'issued');
    assert.equal(c.holder, '威海一窗餐饮店');
    assert.equal(c.holder_id_type, '111');
    assert.match(c.holder_id, /^\d{6}\*+\d{3}[\dX]$/, 'the ID number is masked');
    assert.ok(c.id.startsWith(PREFIX + '11100000000013338W104.'), c.id);
    assert.equal(c.fields['经营项目'], '预包装食品销售');
    assert.equal(c.subject, no);
    const mine = (await api('GET', '/certificates?mine=1', 'applicant1')).json.certificates;
    assert.ok(mine.some((x) => x.id === c.id), '我的证照 lists it');
    expectError(assert, await api('GET', `/certificates/${c.id}`, 'business1'), 404, 'not_found');
    assert.equal((await api('GET', '/certificates?mine=1', 'business1')).json.certificates.some((x) => x.id === c.id), false);
    expectError(assert, await api('GET', `/certificates/${c.id}`, 'approver-bdc'), 404, 'not_found');
    assert.equal((await api('GET', `/certificates/${c.id}`, 'approver1')).status, 200, 'the issuing department sees it');
    expectError(assert, await api('GET', `/certificates/${c.id}`), 401, 'unauthenticated');
    expectError(assert, await api('GET', '/certificates/1.2.156.3005.2.nope'), 401);
    expectError(assert, await api('GET', `/certificates/${c.id.slice(0, -1)}Z`, 'applicant1'), 404, 'not_found', 'id');
    // the issue is in the audit chain and the holder was told
    assert.equal(Number(sql(s.db, `SELECT COUNT(*) FROM audit_events WHERE action = 'cert.issue' AND object = '${c.id}'`).trim()), 1);
    assert.match(sql(s.db, `SELECT text FROM notifications WHERE recipient = 'case:${no}' AND text LIKE '%电子证照%'`), /食品经营许可证/);
  });

  test('a real-estate approval issues a 不动产登记证明 from the registration centre', async () => {
    const no = await approved(MORTGAGE, { unit_no: '371091001001GB00001F00010001', location: '威海经区海滨路1号1-101', contact_phone: '13800001234' }, ['m1', 'm2', 'm4']);
    const c = await certOf(no);
    assert.equal(c.name, '不动产登记证明');
    assert.equal(c.department, 'bdc');
    assert.equal(c.fields['不动产单元号'], '371091001001GB00001F00010001');
    assert.equal(c.fields['证明权利或事项'], '抵押权首次登记（一般抵押）');
    assert.equal(c.issuer, '市不动产登记中心经区分中心');
  });

  test('an item without a certificate type issues none', async () => {
    const r = await api('GET', '/certificates?subject=37109120260000000000', 'supervisor1');
    assert.deepEqual(r.json.certificates, []);
  });
});

describe('stock tools verify it', () => {
  test('openssl: the chain, the data\'s SM3 in the envelope, then the signature over the envelope jq rebuilds; one changed byte fails', async () => {
    const c = await certOf(await foodCase());
    const { path } = await files(c.id, 'openssl');
    let r = run('openssl', ['verify', '-CAfile', path('root.pem'), path('signer.pem')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /: OK/);
    r = run('sh', ['-c', `jq -jcS .data '${path('cert.json')}' > '${path('data.bin')}' && jq -jcS .envelope '${path('cert.json')}' > '${path('envelope.bin')}' && jq -r .signature '${path('cert.json')}' | base64 -d > '${path('sig.der')}'`]);
    assert.equal(r.status, 0, r.stderr);
    const data = readFileSync(path('data.bin'));
    assert.equal(data.toString(), sql(s.db, `SELECT data FROM certificates WHERE id = '${c.id}'`).trimEnd(), 'jq rebuilt the data\'s bytes');
    // 1. the envelope names the data by its SM3
    const sm3 = (file) => run('openssl', ['dgst', '-sm3', '-r', file]).stdout.split(' ')[0];
    const envelope = JSON.parse(readFileSync(path('envelope.bin'), 'utf8'));
    assert.equal(sm3(path('data.bin')), envelope.data_sm3);
    assert.equal(envelope.holder, c.holder);
    // 2. the signature covers the envelope
    const verify = (file, sig) => run('openssl', ['pkeyutl', '-verify', '-certin', '-inkey', path('signer.pem'), '-rawin', '-digest', 'sm3',
      '-pkeyopt', 'distid:1234567812345678', '-in', file, '-sigfile', sig]);
    r = verify(path('envelope.bin'), path('sig.der'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Signature Verified Successfully/);
    // one changed byte of the data: its SM3 is no longer the envelope's
    const bad = Buffer.from(data);
    bad[bad.indexOf('"holder"') + 11] ^= 1;
    writeFileSync(path('data-bad.bin'), bad);
    assert.notEqual(sm3(path('data-bad.bin')), envelope.data_sm3, 'a changed byte of the data fails');
    // one changed byte of the envelope, or of the signature: the signature fails
    const env = readFileSync(path('envelope.bin'));
    env[env.indexOf('"holder"') + 11] ^= 1;
    writeFileSync(path('envelope-bad.bin'), env);
    assert.notEqual(verify(path('envelope-bad.bin'), path('sig.der')).status, 0, 'a changed byte of the envelope fails');
    const sig = readFileSync(path('sig.der'));
    sig[sig.length - 3] ^= 1;
    writeFileSync(path('sig-bad.der'), sig);
    assert.notEqual(verify(path('envelope.bin'), path('sig-bad.der')).status, 0, 'a changed byte of the signature fails');
  });

  test('the QR code reads back at print size (zbarimg) and carries the signed summary; pdftotext reads the PDF', async () => {
    const c = await certOf(await foodCase());
    const png = await bin(`/api/v1/certificates/${encodeURIComponent(c.id)}/qr.png`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const p = join(s.dir, 'qr.png');
    writeFileSync(p, Buffer.from(png.bytes));
    const z = run('zbarimg', ['--raw', '-q', p]);
    assert.equal(z.status, 0, z.stderr);
    const url = z.stdout.trim();
    assert.equal(url, `${s.url}/verify.html#c=${c.qr}`);
    // the envelope, whole: the key fields (the ID masked) and the data's SM3, the one thing signed
    const [sum, sig, kid] = c.qr.split('.');
    const summary = JSON.parse(Buffer.from(sum, 'base64url').toString('utf8'));
    assert.deepEqual(Object.keys(summary).sort(), ['data_sm3', 'holder', 'holder_id', 'id', 'issue_date', 'issuer', 'name', 'number', 'valid_until']);
    assert.equal(summary.id, c.id);
    assert.equal(summary.holder_id, c.holder_id, 'masked');
    assert.equal(kid, c.kid);
    const { path } = await files(c.id, 'qr');
    writeFileSync(path('sum.bin'), Buffer.from(sum, 'base64url'));
    writeFileSync(path('sum.sig'), Buffer.from(sig, 'base64url'));
    const v = run('openssl', ['pkeyutl', '-verify', '-certin', '-inkey', path('signer.pem'), '-rawin', '-digest', 'sm3',
      '-pkeyopt', 'distid:1234567812345678', '-in', path('sum.bin'), '-sigfile', path('sum.sig')]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    // the PDF: the fields read back, the signature and the identifier on the page
    const pdf = await bin(`/api/v1/certificates/${encodeURIComponent(c.id)}/pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    writeFileSync(path('cert.pdf'), Buffer.from(pdf.bytes));
    const t = run('pdftotext', ['-layout', path('cert.pdf'), '-']);
    assert.equal(t.status, 0, t.stderr);
    const text = t.stdout.replace(/\s+/g, ' ');
    for (const want of ['食品经营许可证', c.number, '威海一窗餐饮店', '预包装食品销售', '经区行政审批服务局', c.issue_date, c.valid_until, c.kid, '电子证照专用章']) {
      assert.ok(text.includes(want), `the PDF says ${want}: ${text}`);
    }
    assert.ok(t.stdout.replace(/\s+/g, '').includes(c.id), 'the identifier');
    assert.ok(!text.includes('371002199001011237'), 'a person\'s ID is masked on paper');
    const info = run('pdfinfo', [path('cert.pdf')]);
    assert.match(info.stdout, new RegExp(`Keywords:\\s+yichuang-certificate/1 kid=${c.kid} signature=`));
    expectError(assert, await s.api('GET', `/api/v1/certificates/${encodeURIComponent(c.id)}/pdf`, { token: tok['approver-bdc'] }), 404, 'not_found');
  });

  test('yichuang cert verify offline, and the public online check, say valid; a changed field says tampered', async () => {
    const c = await certOf(await foodCase());
    const { file, path } = await files(c.id, 'cli');
    let r = offline(path);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^valid: 食品经营许可证 /);
    r = await api('POST', '/certificates/verify', null, file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.verdict, 'valid');
    const forged = { ...file, data: { ...file.data, holder: '别人家的店' } };
    writeFileSync(path('cert.json'), JSON.stringify(forged));
    r = offline(path);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^tampered: /);
    assert.equal((await api('POST', '/certificates/verify', null, forged)).json.verdict, 'tampered');
    // without a status list, or with one past its next update: unknown, never valid
    writeFileSync(path('cert.json'), JSON.stringify(file));
    r = cli(['cert', 'verify', path('cert.json'), '--trust', path('trust.json')]);
    assert.match(r.stdout, /^unknown: /);
    const later = new Date(Date.now() + 8 * 3600e3 + 25 * 3600e3).toISOString().slice(0, 16);
    r = offline(path, ['--at', later]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^unknown: /, r.stdout);
    // a status list whose signature does not hold is no list at all
    const st = JSON.parse(readFileSync(path('status.json'), 'utf8'));
    st.data.entries[c.id] = { state: 'revoked', at: 'x', reason: 'forged' };
    writeFileSync(path('status.json'), JSON.stringify(st));
    assert.match(offline(path).stdout, /^unknown: /);
  });
});

describe('revocation and change', () => {
  test('revoke: the department approver, with a reason; verifiers then read revoked', async () => {
    const c = await certOf(await foodCase());
    const act = (who, body) => api('POST', `/certificates/${c.id}/actions/revoke`, who, body);
    expectError(assert, await act('applicant1', { reason: 'x' }), 403, 'forbidden');
    expectError(assert, await act('approver-bdc', { reason: 'x' }), 404, 'not_found');
    expectError(assert, await act('approver1', {}), 422, 'invalid', 'reason');
    let r = await act('approver1', { reason: '许可事项已注销' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'revoked');
    assert.equal(r.json.reason, '许可事项已注销');
    expectError(assert, await act('approver1', { reason: 'again' }), 409, 'conflict');
    const { file, path } = await files(c.id, 'revoked');
    r = offline(path);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^revoked: /);
    assert.match(r.stdout, /许可事项已注销/);
    assert.equal((await api('POST', '/certificates/verify', null, file)).json.verdict, 'revoked');
  });

  test('supersede: a new version with the same number; the old one reads superseded', async () => {
    const c = await certOf(await foodCase());
    let r = await api('POST', `/certificates/${c.id}/actions/supersede`, 'approver1', { reason: '经营项目变更', fields: { 经营项目: '预包装食品、散装食品销售' } });
    assert.equal(r.status, 201, r.text);
    const n = r.json;
    assert.equal(n.number, c.number);
    assert.equal(n.version, 2);
    assert.equal(n.fields['经营项目'], '预包装食品、散装食品销售');
    assert.ok(n.id.includes(`.${c.number}.002.`), n.id);
    expectError(assert, await api('POST', `/certificates/${c.id}/actions/supersede`, 'approver1', { reason: 'x', fields: { 颜色: '红' } }), 409, 'conflict');
    expectError(assert, await api('POST', `/certificates/${n.id}/actions/supersede`, 'approver1', { reason: 'x', fields: { 颜色: '红' } }), 422, 'invalid', 'fields');
    const old = (await api('GET', `/certificates/${c.id}`, 'applicant1')).json;
    assert.equal(old.state, 'superseded');
    assert.equal(old.replaced_by, n.id);
    assert.match(offline((await files(c.id, 'old')).path).stdout, /^superseded: /);
    assert.match(offline((await files(n.id, 'new')).path).stdout, /^valid: /);
  });

  test('keys: rotation keeps old certificates valid; a compromised key revokes what it signed since', async () => {
    const before = await certOf(await foodCase());
    expectError(assert, await api('POST', '/certificate-keys/xzsp/rotate', 'approver1'), 403, 'forbidden');
    expectError(assert, await api('POST', '/certificate-keys/nobody/rotate', 'admin'), 404, 'not_found', 'department');
    let r = await api('POST', '/certificate-keys/xzsp/rotate', 'admin');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.retired, before.kid);
    const kid = r.json.kid;
    const after = await certOf(await foodCase());
    assert.equal(after.kid, kid, 'new certificates are signed with the new key');
    assert.match(offline((await files(before.id, 'rot-old')).path).stdout, /^valid: /, 'the old key still verifies');
    const since = Date.now() - 1;
    const later = await certOf(await foodCase());
    r = await api('POST', `/certificate-keys/${kid}/compromise`, 'admin', { since_ms: since });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.revoked, 1);
    assert.equal((await api('GET', `/certificates/${later.id}`, 'applicant1')).json.state, 'revoked');
    assert.equal((await api('GET', `/certificates/${after.id}`, 'applicant1')).json.state, 'issued', 'signed before the compromise');
    const next = await certOf(await foodCase());
    assert.notEqual(next.kid, kid, 'the department signs with a new key after a compromise');
  });
});

describe('免提交: a certificate the district issued stands for the paper', () => {
  test('a mortgage takes the 不动产权证书 of the transfer before it, checked; nobody else\'s, nothing revoked, nothing of another kind', async () => {
    const unit = { unit_no: '371091001001GB00002F00010001', location: '威海经区海滨路2号2-202', contact_phone: '13800001234' };
    const transfer = await approved('371091071026182000', unit, ['m1', 'm2', 'm4']); // 二手房转移登记
    const title = await certOf(transfer);
    assert.equal(title.name, '不动产权证书');
    const r = await api('GET', `/certificates/reusable?item=${MORTGAGE}`, 'applicant1');
    assert.equal(r.status, 200, r.text);
    const m3 = r.json.materials.find((x) => x.id === 'm3');
    assert.equal(m3.name, '不动产权属证书');
    assert.ok(m3.certificates.some((x) => x.id === title.id));
    assert.deepEqual((await api('GET', `/certificates/reusable?item=${MORTGAGE}`, 'business1')).json.materials, []);
    expectError(assert, await api('GET', `/certificates/reusable?item=${MORTGAGE}`, 'clerk1'), 403, 'forbidden');
    // filed with the certificate instead of a scan
    const mats = (extra) => [...['m1', 'm2', 'm4'].map((id) => ({ id, sha256: sha })), { id: 'm3', ...extra }];
    const file = (who, extra) => api('POST', '/cases', who, { item: MORTGAGE, form: unit, materials: mats(extra) });
    let c = await file('applicant1', { certificate: title.id });
    assert.equal(c.status, 201, c.text);
    const seen = (await api('GET', `/cases/${c.json.no}`, 'clerk1')).json.materials.find((x) => x.id === 'm3');
    assert.equal(seen.certificate, title.id);
    assert.equal(seen.type, 'certificate');
    assert.equal(seen.name, '不动产权证书');
    assert.equal(seen.number, title.number);
    assert.ok(seen.verified_ms > 0);
    // refusals, each naming the material
    expectError(assert, await file('applicant1', { certificate: title.id, sha256: sha }), 422, 'invalid', 'materials[3]');
    expectError(assert, await api('POST', '/cases', 'business1', { item: MORTGAGE, form: unit, materials: [{ id: 'm3', certificate: title.id }] }), 422, 'invalid', 'materials[0].certificate');
    const food = await certOf(await foodCase());
    expectError(assert, await file('applicant1', { certificate: food.id }), 422, 'invalid', 'materials[3].certificate');
    expectError(assert, await file('applicant1', { certificate: title.id.slice(0, -1) + 'Z' }), 404, 'not_found', 'materials[3].certificate');
    // a clerk filing for the holder at the window, with the holder's consent
    c = await api('POST', '/cases', 'clerk1', { item: MORTGAGE, channel: 'window', form: unit, materials: [...['m1', 'm2', 'm4'].map((id) => ({ id, sha256: clerkSha })), { id: 'm3', certificate: title.id }],
      applicant: { kind: 'person', name: '张三', id_number: '371002199001011237', phone: '13800001234' } });
    assert.equal(c.status, 201, c.text);
    assert.equal((await api('POST', `/certificates/${title.id}/actions/revoke`, 'approver-bdc', { reason: '权属转移' })).status, 200);
    expectError(assert, await file('applicant1', { certificate: title.id }), 422, 'invalid', 'materials[3].certificate');
  });
});

test('一业一证: the run approved whole issues its 行业综合许可证 to the operator', async () => {
  const pair = [{ id: 'identity', sha256: sha }, { id: 'application', sha256: sha }];
  let r = await api('POST', '/process-runs', 'applicant1', { process: 'P-YYYZ-01', answers: { has_sign: 'no' }, form: { operator: '威海一窗便利店', contact_phone: '13900005678', description: '经区海滨路8号' }, materials: pair });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/process-runs/${no}/actions/accept`, 'clerk1')).status, 200);
  for (let round = 0; round < 6; round++) {
    const v = (await api('GET', `/process-runs/${no}`, 'supervisor1')).json;
    if (v.state !== 'running') break;
    for (const p of v.parts.filter((x) => x.case && x.case.state === 'accepted')) {
      const c = (await api('GET', `/cases/${p.case.no}`, 'supervisor1')).json;
      const step = c.current_step || {};
      r = await api('POST', `/cases/${p.case.no}/actions/approve`, step.assignee || `approver-${step.department || c.department}`);
      assert.equal(r.status, 200, r.text);
    }
  }
  const c = await certOf(no);
  assert.ok(c, 'the run issued its licence');
  assert.equal(c.name, '行业综合许可证');
  assert.equal(c.holder, '威海一窗便利店');
  assert.equal(c.fields['行业'], '一业一证·开便利店');
  assert.equal(c.subject_kind, 'run');
});
