// 电子证照 in the browser: the applicant finds an approval's certificate under 我的证照 with
// its QR code; the public verification page, once loaded, checks certificates with the
// network cut — valid, revoked, superseded and tampered — from the QR code's link and
// from the certificate file, in the browser alone (sm-crypto against the lists it loaded).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { startServer } from '../api/helper.mjs';
import { launch, newPage, SHOTS, logIn } from './browser.mjs';

const FOOD = '371091011002014000'; // 食品经营许可: issues 食品经营许可证

let s;
let browser;
const tok = {};
const api = async (method, path, who, body) => s.api(method, `/api/v1${path}`, { token: who ? (tok[who] ||= await s.login(who)) : undefined, body });

before(async () => {
  s = await startServer({ args: ['--public-cache-ms', '0'] });
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); });

async function certificate() {
  tok.applicant1 ||= await s.login('applicant1');
  const up = await s.api('POST', '/api/v1/materials', { token: tok.applicant1, body: new TextEncoder().encode('%PDF-1.4\n% e2e cert\n'), headers: { 'Content-Type': 'application/pdf' } });
  const sha = up.json.sha256;
  let r = await api('POST', '/cases', 'applicant1', { item: FOOD, form: { applicant_name: '威海一窗便利店', contact_phone: '13800001234', note: '预包装食品销售' }, materials: [{ id: 'm1', sha256: sha }, { id: 'm2', sha256: sha }] });
  assert.equal(r.status, 201, r.text);
  const no = r.json.no;
  assert.equal((await api('POST', `/cases/${no}/actions/accept`, 'clerk1')).status, 200);
  const c = (await api('GET', `/cases/${no}`, 'supervisor1')).json;
  r = await api('POST', `/cases/${no}/actions/approve`, c.current_step.assignee);
  assert.equal(r.status, 200, r.text);
  return { no, cert: (await api('GET', `/certificates?subject=${no}`, 'applicant1')).json.certificates[0] };
}

test('我的证照: the approval\'s certificate, its QR code and its case', async () => {
  const { no, cert } = await certificate();
  const page = await newPage(browser);
  await logIn(page, s.url, 'applicant1');
  await page.goto(s.url + '/certs.html');
  await page.waitForSelector(`#certs tr[data-id="${cert.id}"]`);
  assert.match(await page.textContent(`#certs tr[data-id="${cert.id}"]`), /食品经营许可证.*威海一窗便利店/);
  await page.click(`#certs tr[data-id="${cert.id}"] a`);
  await page.waitForSelector('#cert-facts');
  assert.equal(await page.textContent('#cert-id'), cert.id);
  assert.equal(await page.textContent('#cert-state'), '有效');
  await page.waitForFunction(() => document.querySelector('#cert-qr').naturalWidth > 100);
  await page.screenshot({ path: join(SHOTS, 'certificate.png'), fullPage: true });
  await page.goto(s.url + `/case.html?no=${no}`);
  await page.waitForSelector('#case-cert a');
  assert.match(await page.textContent('#case-cert'), /食品经营许可证/);
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), [], 'only the signed-out check before logging in');
  await page.close();
});

test('the public page verifies four certificates offline: valid, revoked, superseded, tampered', async () => {
  const valid = (await certificate()).cert;
  const revoked = (await certificate()).cert;
  const old = (await certificate()).cert;
  const forged = (await certificate()).cert;
  assert.equal((await api('POST', `/certificates/${revoked.id}/actions/revoke`, 'approver1', { reason: '许可事项注销' })).status, 200);
  assert.equal((await api('POST', `/certificates/${old.id}/actions/supersede`, 'approver1', { reason: '换发', fields: { 经营项目: '预包装食品、散装食品销售' } })).status, 201);
  const file = (await api('GET', `/certificates/${forged.id}/file`, 'applicant1')).json;
  const tampered = JSON.stringify({ ...file, data: { ...file.data, holder: '冒名顶替商店' } });
  const genuine = JSON.stringify((await api('GET', `/certificates/${valid.id}/file`, 'applicant1')).json);

  const ctx = browser; // the browser's one context: cut off below, restored at the end
  const page = await newPage(ctx);
  await page.goto(s.url + '/verify.html');
  await page.waitForSelector('body[data-ready="1"]');
  assert.match(await page.textContent('#lists'), /信任列表：\d+ 把签名密钥。状态列表更新于/);
  await ctx.setOffline(true);
  assert.equal(await page.evaluate(() => fetch('/api/v1/certificates/trust').then(() => 'online', () => 'offline')), 'offline', 'the network is cut');

  const byQr = async (cert) => {
    await page.fill('#qr-text', `${s.url}/verify.html#c=${cert.qr}`);
    await page.click('#check-qr');
    await page.waitForSelector('#result:not(.hidden)');
    return page.getAttribute('#result', 'data-verdict');
  };
  assert.equal(await byQr(valid), 'valid');
  assert.match(await page.textContent('#fields'), /威海一窗便利店/);
  assert.equal(await byQr(revoked), 'revoked');
  assert.match(await page.textContent('#why'), /许可事项注销/);
  assert.equal(await byQr(old), 'superseded');
  // a QR code whose summary was changed by one character
  const [sum, sig, kid] = valid.qr.split('.');
  const bytes = Buffer.from(sum, 'base64url').toString('utf8').replace('威海一窗便利店', '威海二窗便利店');
  assert.equal(await byQr({ qr: `${Buffer.from(bytes).toString('base64url')}.${sig}.${kid}` }), 'tampered');

  const byFile = async (content) => {
    await page.setInputFiles('#file', { name: 'certificate.json', mimeType: 'application/json', buffer: Buffer.from(content) });
    await page.waitForFunction(() => !document.querySelector('#result').classList.contains('hidden'));
    return page.getAttribute('#result', 'data-verdict');
  };
  assert.equal(await byFile(tampered), 'tampered');
  assert.equal(await byFile(genuine), 'valid');
  assert.equal(await page.textContent('#verdict'), '有效');
  await page.screenshot({ path: join(SHOTS, 'certificate-verify.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(p)), []);
  await ctx.setOffline(false);
  await page.close();
});
