// The working-day calendar over HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectError, freshDb, startServer } from './helper.mjs';

let s;
// these tests load years themselves: no stand-in for next year
before(async () => { s = await startServer(freshDb({ nextYear: false })); });
after(async () => { await s.stop(); });

const add = (date, n) => s.api('GET', `/api/v1/calendar/add-workdays?date=${date}&n=${n}`);

test('the examples of the law', async () => {
  assert.equal((await add('2025-09-26', 5)).json.result, '2025-10-10');
  assert.equal((await add('2026-02-13', 3)).json.result, '2026-02-25');
  assert.equal((await add('2026-02-13', 0)).json.result, '2026-02-13');
});

test('a year that is not loaded is 422 naming the year', async () => {
  const e = expectError(assert, await add('2026-12-28', 10), 422, 'calendar_year_not_loaded', 'date');
  assert.match(e.message, /2027/);
});

test('bad parameters name the parameter', async () => {
  expectError(assert, await add('2026-02-30', 1), 422, 'invalid', 'date');
  expectError(assert, await add('2026-02-01', -1), 422, 'invalid', 'n');
  expectError(assert, await add('2026-02-01', 'x'), 422, 'invalid', 'n');
  expectError(assert, await s.api('GET', '/api/v1/calendar/add-workdays?date=2026-02-01'), 422, 'invalid', 'n');
  expectError(assert, await s.api('GET', '/api/v1/calendar/add-workdays?n=1'), 422, 'invalid', 'date');
});

test('is-workday knows make-up days and holidays', async () => {
  assert.equal((await s.api('GET', '/api/v1/calendar/is-workday?date=2026-02-14')).json.workday, true);
  assert.equal((await s.api('GET', '/api/v1/calendar/is-workday?date=2025-10-01')).json.workday, false);
  assert.equal((await s.api('GET', '/api/v1/calendar/is-workday?date=2024-03-09')).json.workday, false);
});

test('working hours: 2 hours from Friday 16:30 ends Monday 10:30', async () => {
  const r = await s.api('GET', '/api/v1/calendar/add-workhours?start=2026-03-06T16:30&hours=2');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.result, '2026-03-09T10:30');
  expectError(assert, await s.api('GET', '/api/v1/calendar/add-workhours?start=2026-03-06&hours=2'), 422, 'invalid', 'start');
});

test('the list of years and one year', async () => {
  const r = await s.api('GET', '/api/v1/calendar');
  assert.deepEqual(r.json.years, [2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  assert.equal(r.json.minutes_per_workday, 420);
  const y = await s.api('GET', '/api/v1/calendar/2026');
  assert.equal(y.json.year, 2026);
  assert.ok(y.json.days.some((d) => d.date === '2026-02-14' && d.kind === 'work'));
  expectError(assert, await s.api('GET', '/api/v1/calendar/2031'), 404);
  expectError(assert, await s.api('GET', '/api/v1/calendar/abc'), 422, 'invalid', 'year');
});

const notice2027 = {
  year: 2027, source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
  days: [
    { date: '2027-01-01', kind: 'off', name: '元旦' },
    { date: '2027-02-06', kind: 'off', name: '春节' },
    { date: '2027-02-07', kind: 'work', name: '春节' },
  ],
};

test('loading a year needs an admin', async () => {
  expectError(assert, await s.api('PUT', '/api/v1/calendar/2027', { body: notice2027 }), 401);
  const clerk = await s.login('clerk1');
  expectError(assert, await s.api('PUT', '/api/v1/calendar/2027', { body: notice2027, token: clerk }), 403, 'forbidden');
});

test('an admin loads next year; limits across the new year then work; it survives a restart', async () => {
  const admin = await s.login('admin');
  expectError(assert, await s.api('PUT', '/api/v1/calendar/2028', { body: notice2027, token: admin }), 422, 'invalid', 'year');
  expectError(assert, await s.api('PUT', '/api/v1/calendar/2027', { body: { ...notice2027, days: [{ date: '2027-13-01', kind: 'off', name: 'x' }] }, token: admin }), 422, 'invalid', 'days[0]');
  const r = await s.api('PUT', '/api/v1/calendar/2027', { body: notice2027, token: admin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.days.length, 3);
  assert.equal((await add('2026-12-31', 1)).json.result, '2027-01-04');
  assert.equal((await s.api('GET', '/api/v1/calendar/is-workday?date=2027-02-07')).json.workday, true);

  const s2 = await startServer({ db: s.db, dir: s.dir + '-unused' });
  await s.stop({ clean: false });
  try {
    const again = await s2.api('GET', '/api/v1/calendar/add-workdays?date=2026-12-31&n=1');
    assert.equal(again.json.result, '2027-01-04');
  } finally {
    await s2.stop({ clean: false });
    s = await startServer(freshDb({ nextYear: false }));
  }
});

test('a year loaded on one node counts on the other nodes at once', async () => {
  const b = await startServer({ db: s.db, dir: s.dir + '-b' });
  try {
    const admin = await s.login('admin');
    expectError(assert, await b.api('GET', '/api/v1/calendar/add-workdays?date=2026-12-31&n=1'), 422, 'calendar_year_not_loaded');
    assert.equal((await s.api('PUT', '/api/v1/calendar/2027', { body: notice2027, token: admin })).status, 200);
    let got;
    for (let i = 0; i < 40; i++) {
      got = await b.api('GET', '/api/v1/calendar/add-workdays?date=2026-12-31&n=1');
      if (got.status === 200) break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.result, '2027-01-04');
  } finally { await b.stop({ clean: false }); }
});
