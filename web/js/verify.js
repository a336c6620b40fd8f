// 证照核验 in the browser: the SM2 signature over a certificate's envelope (its key fields and the
// SM3 of its data), from its file or its QR code,
// against the trust list and the root-signed status list this page loaded (kept for offline
// use), with sm-crypto (/vendor/sm2.js, sm3.js). Nothing about the certificate is sent anywhere.
import { $, el, header } from './common.js';
import { canonical, sigOk, unbase64 } from './signed.js';

export { canonical };

const sm3 = globalThis.sm3;
const LABELS = { id: '证照标识', name: '证照名称', number: '证照编号', version: '版本', holder: '持证主体', holder_id_type: '主体证件类型', holder_id: '主体证件号码', issuer: '颁证单位', issuer_code: '颁证单位代码', issue_date: '颁证日期', valid_from: '有效期起', valid_until: '有效期至', jurisdiction: '行政区划', source: '来源办件', type_code: '证照类型代码', data_sm3: '内容摘要（SM3）' };
const ID_TYPES = { 111: '居民身份证', '001': '统一社会信用代码' };
const VERDICTS = {
  valid: ['有效', '签名有效，证照在有效状态。'],
  revoked: ['已注销', '签名有效，但证照已被颁证单位注销。'],
  superseded: ['已换发', '签名有效，但已换发新版本，本证照不再使用。'],
  unknown: ['状态未知', '签名有效，但没有现行的状态列表（已过下次更新时间或无法获取），无法确认是否注销。'],
  tampered: ['签名无效', '证照内容与签名不符：证照被篡改或不是本区签发。'],
  untrusted: ['不受信任', '签名密钥不在信任列表中。'],
  malformed: ['无法识别', '这不是一窗电子证照或二维码。'],
};

let trust = null;
let status = null;

// ISO/IEC 7064 MOD 37,36 over type code, issuer code, serial and version (GB/T 36904).
export function identifierValid(id) {
  const m = /^1\.2\.156\.3005\.2\.([0-9A-Z]{21})\.([0-9A-Z]+)\.([0-9A-Z]+)\.([0-9]{3})\.([0-9A-Z])$/.exec(id || '');
  if (!m) return false;
  let p = 36;
  for (const ch of m.slice(1, 5).join('')) {
    const v = parseInt(ch, 36);
    const t = (p + v) % 36;
    p = ((t || 36) * 2) % 37;
  }
  return '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[(37 - p) % 36] === m[5];
}

const keyOf = (kid) => trust && trust.keys.find((k) => k.kid === kid);

// The status list holds only when the root signed it and it is before its next update.
function statusOf(id) {
  if (!status) return null;
  const root = keyOf(status.kid);
  if (!root || root.owner !== 'root') return null;
  if (!sigOk(canonical(status.data), unbase64(status.signature), root)) return null;
  if (Number(status.data.next_update_ms) <= Date.now()) return null;
  return status.data.entries[id] || { state: 'issued' };
}

// The holder's ID as the envelope carries it (core/common/ids.c): 6 + 4 kept of 15 and more.
const masked = (s) => {
  const n = s.length, head = n >= 15 ? 6 : n > 2 ? 1 : 0, tail = n >= 15 ? 4 : n > 2 ? 1 : 0;
  return Array.from(s, (c, i) => (i < head || i >= n - tail ? c : '*')).join('');
};
const ENVELOPE = ['id', 'name', 'number', 'holder', 'holder_id', 'issuer', 'issue_date', 'valid_until'];

// The envelope a certificate's data makes: its key fields and the SM3 of its canonical bytes.
function envelopeOf(data) {
  const env = {};
  for (const k of ENVELOPE) env[k] = k === 'holder_id' ? masked(data[k] || '') : (data[k] || '');
  env.data_sm3 = sm3(canonical(data));
  return canonical(env);
}

function verdictFor(data, signed, sigBytes, kid) {
  const key = keyOf(kid);
  if (!key) return { verdict: 'untrusted' };
  if (!identifierValid(data.id) || !sigOk(signed, sigBytes, key)) return { verdict: 'tampered' };
  const st = statusOf(data.id);
  if (!st) return { verdict: 'unknown' };
  if (st.state === 'revoked' || st.state === 'superseded') return { verdict: st.state, at: st.at, reason: st.reason };
  return { verdict: 'valid' };
}

function show(v, data) {
  const [title, why] = VERDICTS[v.verdict];
  $('#verdict').textContent = title;
  $('#verdict').className = `verdict verdict-${v.verdict}`;
  $('#result').dataset.verdict = v.verdict;
  $('#why').textContent = why + (v.at ? `（${v.at.slice(0, 10)}：${v.reason}）` : '');
  const rows = [];
  if (data && v.verdict !== 'tampered' && v.verdict !== 'malformed') {
    // the certificate's own order: what it is, whose, its fields, who issued it and when
    const order = ['name', 'number', 'holder', 'holder_id_type', 'holder_id', 'fields', 'issuer', 'issuer_code', 'issue_date', 'valid_from', 'valid_until', 'id', 'version', 'type_code', 'jurisdiction', 'source'];
    const keys = [...order.filter((k) => k in data), ...Object.keys(data).filter((k) => !order.includes(k))];
    for (const k of keys) {
      const val = data[k];
      if (typeof val === 'string') rows.push(el('tr', {}, el('th', {}, LABELS[k] || k), el('td', {}, k === 'holder_id_type' ? (ID_TYPES[val] || val) : val)));
      else for (const [fk, fv] of Object.entries(val)) rows.push(el('tr', {}, el('th', {}, fk), el('td', {}, fv)));
    }
  }
  $('#fields').replaceChildren(...rows);
  $('#result').classList.remove('hidden');
}

// A QR code's text: the page's link with #c=PAYLOAD, or the payload itself.
function checkQr(textIn) {
  const payload = (textIn.includes('#c=') ? textIn.split('#c=')[1] : textIn).trim();
  const parts = payload.split('.');
  if (parts.length !== 3) return show({ verdict: 'malformed' });
  let signed, data;
  try {
    signed = new TextDecoder('utf-8', { fatal: true }).decode(unbase64(parts[0]));
    data = JSON.parse(signed);
    if (canonical(data) !== signed) throw new Error('not canonical');
  } catch { return show({ verdict: 'malformed' }); }
  show(verdictFor(data, signed, unbase64(parts[1]), parts[2]), data);
}

function checkFile(content) {
  let doc, signed;
  try {
    doc = JSON.parse(content);
    if (doc.format !== 'yichuang-certificate/1') throw new Error('format');
    signed = canonical(doc.envelope);
  } catch { return show({ verdict: 'malformed' }); }
  // the envelope must be the one the data makes: its fields, and the data's SM3
  if (envelopeOf(doc.data) !== signed) return show({ verdict: 'tampered' });
  show(verdictFor(doc.data, signed, unbase64(doc.signature), doc.kid), doc.data);
}

// The lists: fetched when online, kept for the next visit without a network.
async function loadLists() {
  try {
    const [t, s] = await Promise.all(['/api/v1/certificates/trust', '/api/v1/certificates/status'].map(async (u) => {
      const r = await fetch(u, { cache: 'no-store' });
      if (!r.ok) throw new Error(u);
      return r.json();
    }));
    trust = t;
    status = s;
    localStorage.setItem('yc-cert-trust', JSON.stringify(t));
    localStorage.setItem('yc-cert-status', JSON.stringify(s));
  } catch {
    trust = JSON.parse(localStorage.getItem('yc-cert-trust') || 'null');
    status = JSON.parse(localStorage.getItem('yc-cert-status') || 'null');
  }
  $('#lists').textContent = trust
    ? `信任列表：${trust.keys.length} 把签名密钥。` + (status ? `状态列表更新于 ${status.data.this_update.replace('T', ' ').slice(0, 16)}，下次更新 ${status.data.next_update.replace('T', ' ').slice(0, 16)}。` : '没有状态列表。')
    : '信任列表无法获取：请联网打开本页一次。';
}

async function main() {
  header('verify').catch(() => {});
  await loadLists();
  $('#check-qr').addEventListener('click', () => checkQr($('#qr-text').value));
  $('#file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    if (f) checkFile(await f.text());
  });
  if (location.hash.startsWith('#c=')) {
    $('#qr-text').value = location.href;
    checkQr(location.href);
  }
  document.body.dataset.ready = '1';
}

main();
