// The year in figures through the HTTP API, on both backends, over a demo past (recent, a fixed
// seed): every figure equals what this test computes itself — counts and sums it queries from
// the store in its own words, the catalog's figures from the items' guides, the tax figures
// from the tax items, the court's grid from its rules; the stated figures sit beside; the
// workbook carries the same rows; bad years are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { expectError, freshDb, sql, startServer } from './helper.mjs';

let s;
let token;
const YEAR = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
before(async () => {
  s = await startServer({ ...freshDb({ history: 'recent', seed: 5 }) });
  token = await s.login('supervisor1');
});
after(async () => { await s.stop(); });

const one = (q) => Number(sql(s.db, q).trim() || 0);
const from = Date.UTC(YEAR, 0, 1) - 8 * 3600e3;
const to = Date.UTC(YEAR + 1, 0, 1) - 8 * 3600e3;
const d0 = `${YEAR}-01-01`;
const d1 = `${YEAR + 1}-01-01`;
const ms = (col) => `${col} >= ${from} AND ${col} < ${to}`;
const days = (col) => `${col} >= '${d0}' AND ${col} < '${d1}'`;

async function allItems() {
  const out = [];
  for (let cursor = ''; ;) {
    const page = (await s.api('GET', `/api/v1/items?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json;
    for (const i of page.items) out.push((await s.api('GET', `/api/v1/items/${i.code}`)).json);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

test('every figure is what the data says', async () => {
  const r = await s.api('GET', `/api/v1/report/year?year=${YEAR}`, { token });
  assert.equal(r.status, 200, r.text);
  const got = Object.fromEntries(r.json.figures.map((f) => [f.key, f.value]));
  const items = (await allItems()).filter((i) => (i.status || 'active') === 'active');
  // an online item counted at each office that handles it: those it names, or its level's
  const offices = (await s.api('GET', '/api/v1/offices')).json.offices;
  const places = (level) => items.filter((i) => i.level === level && i.online_depth >= 3)
    .reduce((a, i) => a + (i.offices ? i.offices.length : offices.filter((o) => o.level === level).length), 0);
  const perDay = (l) => (l.unit === 'workhour' ? l.value / 8 : l.value);
  const legal = items.reduce((a, i) => a + perDay(i.legal_limit), 0);
  const cut = items.reduce((a, i) => a + Math.max(0, perDay(i.legal_limit) - perDay(i.promised_limit)), 0);
  const tax = (f, k) => items.reduce((a, i) => a + (((i.tax || {})[f] || {})[k] || 0), 0);
  const qykb = (await s.api('GET', '/api/v1/processes/P-QYKB')).json;
  const rules = (await s.api('GET', '/api/v1/court/rules')).json;
  const filed = one(`SELECT COUNT(*) FROM court_cases WHERE ${days('filed_on')}`);
  const pledges = sql(s.db, `SELECT form FROM cases WHERE item = '371091051005039000' AND state IN ('approved', 'delivered', 'closed') AND ${ms('decided_ms')}`)
    .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const round2 = (x) => Math.round(x * 100) / 100;
  const want = {
    new_businesses: one(`SELECT COUNT(*) FROM cases WHERE item = '371091011001007000' AND state IN ('approved', 'delivered', 'closed') AND ${ms('decided_ms')}`),
    // foreign-invested: the forms that say so, read and counted here (not by the report's LIKE)
    ...Object.fromEntries([['fdi_set_up', '007000'], ['fdi_changed', '007001'], ['fdi_cancelled', '007003']].map(([k, tail]) => [k,
      sql(s.db, `SELECT form FROM cases WHERE item = '371091011001${tail}' AND state IN ('approved', 'delivered', 'closed') AND ${ms('decided_ms')}`)
        .trim().split('\n').filter(Boolean).filter((l) => JSON.parse(l).investment === '外商投资').length])),
    business_steps_before: qykb.parts.filter((p) => !p.when).length,
    business_steps_after: 1,
    industry_licences: one(`SELECT COUNT(*) FROM certificates WHERE type = 'industry-licence' AND ${ms('issued_ms')}`),
    industries: one(`SELECT COUNT(*) FROM (SELECT DISTINCT process FROM process_runs WHERE process LIKE 'P-YYYZ-%' AND state = 'approved' AND ${ms('decided_ms')}) AS x`),
    parallel_projects: one(`SELECT COUNT(*) FROM process_runs WHERE process = 'P-NDJKG' AND ${ms('submitted_ms')}`),
    e_certificates: one(`SELECT COUNT(*) FROM certificates WHERE ${ms('issued_ms')}`),
    items: items.length,
    items_online_district: places('district'),
    items_online_town: places('town'),
    items_online_village: places('village'),
    online_rate: round2(100 * items.filter((i) => i.online_depth >= 3).length / items.length),
    full_online_rate: round2(100 * items.filter((i) => i.online_depth === 4).length / items.length),
    levels_cut: items.reduce((a, i) => a + ((i.approval || {}).levels_before || 0) - ((i.approval || {}).levels || 0), 0),
    signatures_cut: items.reduce((a, i) => a + ((i.approval || {}).signatures_before || 0) - ((i.approval || {}).signatures || 0), 0),
    days_cut: round2(cut),
    days_cut_percent: round2(100 * cut / legal),
    reviews: one(`SELECT COUNT(*) FROM reviews WHERE ${ms('created_ms')}`),
    callbacks: one(`SELECT COUNT(*) FROM review_callbacks WHERE state = 'done' AND ${ms('done_ms')}`),
    bridge_firms: one(`SELECT COUNT(*) FROM (SELECT DISTINCT credit_code FROM fin_loans WHERE ${days('disbursed_on')}) AS x`),
    bridge_yuan: one(`SELECT COALESCE(SUM(amount_fen), 0) FROM fin_loans WHERE ${days('disbursed_on')}`) / 100,
    advisory_teams: one('SELECT COUNT(*) FROM fin_advisory_teams'),
    advisory_firms: one(`SELECT COUNT(*) FROM fin_advisory_firms WHERE paired_on < '${d1}'`),
    advisory_financing_yuan: one(`SELECT COALESCE(SUM(financing_fen), 0) FROM fin_advisory_visits WHERE ${days('on_day')}`) / 100,
    platform_firms: one(`SELECT COUNT(*) FROM (SELECT DISTINCT credit_code FROM fin_platform_loans WHERE kind = 'registered' AND ${days('on_day')}) AS x`),
    platform_loans: one(`SELECT COUNT(*) FROM fin_platform_loans WHERE kind = 'loan' AND ${days('on_day')}`),
    platform_loan_yuan: one(`SELECT COALESCE(SUM(amount_fen), 0) FROM fin_platform_loans WHERE kind = 'loan' AND ${days('on_day')}`) / 100,
    subsidy_firms: one(`SELECT COUNT(*) FROM (SELECT DISTINCT credit_code FROM fin_grants WHERE item <> '371091051005038000' AND ${ms('approved_ms')}) AS x`),
    subsidy_yuan: one(`SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE item <> '371091051005038000' AND ${ms('approved_ms')}`) / 100,
    ip_award_firms: one(`SELECT COUNT(*) FROM (SELECT DISTINCT credit_code FROM fin_grants WHERE item = '371091051005038000' AND ${ms('approved_ms')}) AS x`),
    ip_award_yuan: one(`SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE item = '371091051005038000' AND ${ms('approved_ms')}`) / 100,
    patent_pledges: pledges.length,
    patent_pledge_yuan: pledges.reduce((a, f) => a + f.amount * 10000, 0),
    ip_disputes: one(`SELECT COUNT(*) FROM ip_disputes WHERE ${days('received_on')}`),
    ip_disputes_settled: one(`SELECT COUNT(*) FROM ip_disputes WHERE state = 'settled' AND ${days('ended_on')}`),
    procurement_contracts: one(`SELECT COUNT(*) FROM proc_contracts WHERE ${days('awarded_on')}`),
    procurement_signed_on_time: one(`SELECT COUNT(*) FROM proc_contracts WHERE ${days('signed_on')} AND signed_on <= sign_by`),
    procurement_filed_on_time: one(`SELECT COUNT(*) FROM proc_contracts WHERE ${days('filed_on')} AND filed_on <= file_by`),
    tax_payments_before: tax('payments', 'before'),
    tax_payments_after: tax('payments', 'after'),
    tax_hours_before: tax('hours', 'before'),
    tax_hours_after: tax('hours', 'after'),
    court_mediated: one(`SELECT COUNT(*) FROM court_cases WHERE ${days('mediation_end')}`),
    court_settled: one(`SELECT COUNT(*) FROM court_cases WHERE state = 'settled' AND ${days('closed_on')}`),
    court_fast_track_percent: filed ? round2(100 * one(`SELECT COUNT(*) FROM court_cases WHERE track = 'simple' AND ${days('filed_on')}`) / filed) : 0,
    court_closed_business: one(`SELECT COUNT(*) FROM court_cases WHERE state = 'closed' AND commercial = 1 AND ${days('closed_on')}`),
    court_closed_business_yuan: one(`SELECT COALESCE(SUM(amount_fen), 0) FROM court_cases WHERE state = 'closed' AND commercial = 1 AND ${days('closed_on')}`) / 100,
    grid_courts: rules.grid_courts.length,
    grid_communities: rules.grid_courts.reduce((a, g) => a + g.communities.length, 0),
  };
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
  // the demo's past made some of each
  for (const k of ['new_businesses', 'fdi_set_up', 'fdi_changed', 'e_certificates', 'reviews', 'bridge_firms', 'subsidy_firms', 'ip_award_firms', 'patent_pledges', 'procurement_contracts', 'court_mediated']) assert.ok(got[k] > 0, k);
  // the stated ones beside
  const stated = Object.fromEntries(r.json.figures.filter((f) => 'stated' in f).map((f) => [f.key, f.stated]));
  assert.equal(stated.court_mediated, 5757);
  assert.equal(stated.days_cut_percent, 96.39);
  // the tax figures the seed states are the items' own
  assert.deepEqual([got.tax_payments_before, got.tax_payments_after, got.tax_hours_before, got.tax_hours_after], [6, 3, 50, 14]);
});

test('the workbook holds the same rows; bad years are refused', async () => {
  const r = await fetch(`${s.url}/api/v1/report/year?year=${YEAR}&format=xlsx`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  // the shared strings hold every label (the sheet's rows reference them)
  const labels = (await s.api('GET', `/api/v1/report/year?year=${YEAR}`, { token })).json.figures.map((f) => f.label);
  const text = unzipAll(bytes);
  for (const l of labels) assert.ok(text.includes(l), l);
  expectError(assert, await s.api('GET', '/api/v1/report/year', { token }), 422, 'invalid', 'year');
  expectError(assert, await s.api('GET', '/api/v1/report/year?year=1999', { token }), 422, 'invalid', 'year');
  expectError(assert, await s.api('GET', `/api/v1/report/year?year=${YEAR}&format=pdf`, { token }), 422, 'invalid', 'format');
});

// Every part of a ZIP inflated and joined (the workbook's XML), enough to find the labels.
function unzipAll(buf) {
  let out = '';
  for (let i = 0; i + 30 < buf.length;) {
    if (buf.readUInt32LE(i) !== 0x04034b50) break;
    const method = buf.readUInt16LE(i + 8), size = buf.readUInt32LE(i + 18);
    const nameLen = buf.readUInt16LE(i + 26), extra = buf.readUInt16LE(i + 28);
    const data = buf.subarray(i + 30 + nameLen + extra, i + 30 + nameLen + extra + size);
    out += method === 8 ? inflateRawSync(data).toString() : data.toString();
    i += 30 + nameLen + extra + size;
  }
  return out;
}
