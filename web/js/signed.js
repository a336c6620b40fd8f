// What a signature made as certificates are made (SM2 with SM3, docs/certificates.md) takes to
// check in the browser: the canonical bytes, base64url, and sm-crypto's verification
// (/vendor/sm2.js). Used by the certificate check and the credit QR code's page.
const sm2 = globalThis.sm2;
const enc = new TextEncoder();

// The canonical bytes (docs/certificates.md): keys in UTF-8 byte order, texts and objects only.
const bytesCmp = (a, b) => {
  const x = enc.encode(a), y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};
const text = (s) => {
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new Error('control character');
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
};
export function canonical(o) {
  if (typeof o === 'string') return text(o);
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('not a text');
  return '{' + Object.keys(o).sort(bytesCmp).map((k) => text(k) + ':' + canonical(o[k])).join(',') + '}';
}

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const unbase64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
export const sigOk = (msg, sigBytes, key) => {
  try { return sm2.doVerifySignature(msg, hex(sigBytes), key.public_key, { der: true, hash: true }); } catch { return false; }
};

