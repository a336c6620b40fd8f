// 纳税 through the HTTP API, on both backends: the indicators are the sums of the tax items'
// own figures (computed here from each item's guide), every tax item is online end to end
// and non-contact, a filing's facts are checked when the catalog is changed, and an item
// changed by the administrator changes the indicators.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, startServer } from './helper.mjs';

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

test('the indicators are the tax items\' own figures summed', async () => {
  const t = (await s.api('GET', '/api/v1/tax/indicators')).json;
  const docs = [];
  for (const i of t.items) docs.push((await s.api('GET', `/api/v1/items/${i.code}`)).json);
  const sum = (f) => docs.reduce((a, d) => a + ((d.tax[f] || {}).before || 0), 0);
  const sumAfter = (f) => docs.reduce((a, d) => a + ((d.tax[f] || {}).after || 0), 0);
  assert.deepEqual(t.payments, { before: sum('payments'), after: sumAfter('payments') });
  assert.deepEqual(t.hours, { before: sum('hours'), after: sumAfter('hours') });
  // the seed's year: 6 → 3 payments, 50 → 14 hours, every tax item non-contact
  assert.deepEqual([t.payments.before, t.payments.after, t.hours.before, t.hours.after], [6, 3, 50, 14]);
  assert.equal(t.non_contact, t.count);
  assert.ok(docs.every((d) => d.online_depth === 4 && d.visits === 0 && d.tax.non_contact));
  assert.ok(t.items.some((i) => /六税两费/.test(i.relief)));
});

test('a filing\'s facts are checked, and an edit moves the indicators', async () => {
  const code = '371091041005035000';
  const doc = (await s.api('GET', `/api/v1/items/${code}`)).json;
  let r = await s.api('PUT', `/api/v1/items/${code}`, { token: admin, body: { ...doc, tax: { non_contact: true, payments: { before: 3 } } } });
  expectError(assert, r, 422, 'invalid', 'tax.payments.after');
  r = await s.api('PUT', `/api/v1/items/${code}`, { token: admin, body: { ...doc, tax: { ...doc.tax, hours: { before: 10, after: 2 } } } });
  assert.equal(r.status, 200, r.text);
  const t = (await s.api('GET', '/api/v1/tax/indicators')).json;
  assert.deepEqual(t.hours, { before: 50, after: 13 });
});
