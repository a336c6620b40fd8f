// The service hall through the HTTP API: the layout, windows, tickets and the
// calling order, every ticket action, 100 windows calling at once against
// 5,000 waiting tickets, boards over SSE (in order, resumed after a drop),
// appointments with their limits and the no-show bar, figures and CSV.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPEN_ALL_DAY, cli, dropDb, freshDb, openHallToday, startServer, expectError, sql } from './helper.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStream } from './sse.mjs';

let s;
const tok = {};
let phoneSeq = 13000000000;
const phone = () => String(phoneSeq++);

before(async () => {
  s = await startServer({ args: ['--case-job-interval', '1', '--queue-fairness', '0', '--access-log=false'] });
  for (const u of ['applicant1', 'business1', 'clerk1', 'clerk-37', 'clerk-38', 'clerk-1', 'supervisor1']) tok[u] = await s.login(u);
});
after(async () => { await s.stop(); });

const post = (path, body, who) => s.api('POST', `/api/v1${path}`, { body, token: who ? tok[who] : undefined });
// a green ticket is confirmed by the guide desk's clerk; any other is taken anonymously
const take = (category, extra = {}) => post('/tickets', { category, channel: 'kiosk', phone: phone(), ...extra },
  extra.priority === 'green' ? 'clerk1' : undefined);
const signIn = (no, who) => post(`/windows/${no}/actions/sign_in`, undefined, who);
const call = (no, who) => post(`/windows/${no}/call-next`, undefined, who);
const act = (id, action, who, body) => post(`/tickets/${id}/actions/${action}`, body, who);

// Empties a category's queue (earlier tests may leave tickets waiting).
function clear(category) {
  sql(s.db, `UPDATE tickets SET state = 'expired' WHERE category = '${category}' AND state IN ('waiting', 'called', 'serving')`);
}

describe('the hall and its windows', () => {
  test('GET /hall: the demo hall of the seed', async () => {
    const r = await s.api('GET', '/api/v1/hall');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.windows.length, 122);
    assert.deepEqual([...new Set(r.json.zones.map((z) => z.floor))], [1, 2, 3, 4]);
    const w31 = r.json.windows.find((w) => w.no === 31);
    assert.equal(w31.categories, '*', 'a 全能 window serves every category');
    assert.ok(r.json.categories.find((c) => c.code === 'A').items.length >= 55, 'real estate covers its 55 items');
  });

  test('sign in, pause, resume, sign out; only the window\'s own clerks', async () => {
    expectError(assert, await signIn(38, 'clerk-37'), 403, 'forbidden', 'no');
    expectError(assert, await signIn(999, 'clerk-37'), 404, 'not_found', 'no');
    expectError(assert, await post('/windows/37/actions/dance', undefined, 'clerk-37'), 404, 'not_found', 'action');
    expectError(assert, await post('/windows/37/actions/sign_in'), 401, 'unauthenticated');
    expectError(assert, await post('/windows/37/actions/sign_in', undefined, 'applicant1'), 403, 'forbidden');
    const r = await signIn(37, 'clerk-37');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'open');
    assert.equal((await post('/windows/37/actions/pause', undefined, 'clerk-37')).json.state, 'paused');
    expectError(assert, await call(37, 'clerk-37'), 409, 'conflict', 'state');
    expectError(assert, await post('/windows/37/actions/pause', undefined, 'clerk-37'), 409, 'conflict');
    assert.equal((await post('/windows/37/actions/resume', undefined, 'clerk-37')).json.state, 'open');
    expectError(assert, await post('/windows/37/actions/pause', undefined, 'clerk-38'), 403, 'forbidden');
    assert.equal((await post('/windows/37/actions/sign_out', undefined, 'clerk-37')).json.state, 'closed');
    // clerk1 may staff the 全能 windows 31–36
    assert.equal((await signIn(31, 'clerk1')).status, 200);
    assert.equal((await post('/windows/31/actions/sign_out', undefined, 'clerk1')).status, 200);
  });
});

describe('tickets and calling', () => {
  test('taking a ticket: checks, one waiting ticket per person and category, the e-ticket key', async () => {
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk' }), 422, 'invalid', 'phone');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: '123' }), 422, 'invalid', 'phone');
    expectError(assert, await post('/tickets', { category: 'Z', channel: 'kiosk', phone: phone() }), 422, 'invalid', 'category');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'fax', phone: phone() }), 422, 'invalid', 'channel');
    // the green channel is granted by hall staff, never self-declared (issue 18, finding 8)
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: phone(), priority: 'green', reason: '老年人' }), 403, 'forbidden', 'priority');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: phone(), priority: 'green', reason: '老年人' }, 'applicant1'), 403, 'forbidden', 'priority');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: phone(), priority: 'green' }, 'clerk1'), 422, 'invalid', 'reason');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: phone(), priority: 'appointment' }), 422, 'invalid', 'priority');
    expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: phone(), extra: 1 }), 422, 'invalid', 'extra');
    const p = phone();
    const r = await post('/tickets', { category: 'C', channel: 'kiosk', phone: p });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.ticket.number, /^C\d{3}$/);
    assert.equal(r.json.ticket.state, 'waiting');
    assert.ok(r.json.ticket.position >= 1 && 'estimated_wait_s' in r.json.ticket);
    assert.match(r.json.key, /^[0-9a-f]{32}$/);
    const dup = expectError(assert, await post('/tickets', { category: 'C', channel: 'kiosk', phone: p }), 409, 'conflict', 'category');
    assert.match(dup.message, new RegExp(r.json.ticket.number));
    assert.equal((await post('/tickets', { category: 'D', channel: 'kiosk', phone: p })).status, 201, 'another category is fine');
    // the e-ticket: with its key, or for staff; nobody else
    const id = r.json.ticket.id;
    assert.equal((await s.api('GET', `/api/v1/tickets/${id}?key=${r.json.key}`)).status, 200);
    expectError(assert, await s.api('GET', `/api/v1/tickets/${id}`), 404, 'not_found');
    expectError(assert, await s.api('GET', `/api/v1/tickets/${id}?key=${'0'.repeat(32)}`), 404, 'not_found');
    assert.equal((await s.api('GET', `/api/v1/tickets/${id}`, { token: tok['clerk-37'] })).status, 200);
    assert.ok(!sql(s.db, `SELECT holder FROM tickets WHERE id = '${id}'`).includes(p), 'the phone number is not kept');
    // a logged-in applicant holds by account, no phone needed
    const mine = await post('/tickets', { category: 'E', channel: 'mobile' }, 'applicant1');
    assert.equal(mine.status, 201, mine.text);
    assert.equal((await s.api('GET', `/api/v1/tickets/${mine.json.ticket.id}`, { token: tok.applicant1 })).status, 200);
    expectError(assert, await post('/tickets', { category: 'E', channel: 'mobile' }, 'applicant1'), 409, 'conflict');
  });

  test('the calling order: green channel first, then by issue time; 204 when nobody waits', async () => {
    clear('C');
    assert.equal((await signIn(37, 'clerk-37')).status, 200);
    const n1 = (await take('C')).json.ticket;
    const n2 = (await take('C')).json.ticket;
    const g = (await take('C', { priority: 'green', reason: '老年人' })).json.ticket;
    const order = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(37, 'clerk-37');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, 'called');
      assert.equal(r.json.window, 37);
      expectError(assert, await call(37, 'clerk-37'), 409, 'conflict', 'state');
      order.push(r.json.number);
      assert.equal((await act(r.json.id, 'no_show', 'clerk-37')).json.state, 'missed');
    }
    assert.deepEqual(order, [g.number, n1.number, n2.number]);
    const none = await call(37, 'clerk-37');
    assert.equal(none.status, 204);
    expectError(assert, await call(38, 'clerk-37'), 403, 'forbidden');
  });

  test('a 全能 window calls across every category: green first, then the oldest of any', async () => {
    for (const c of 'ABCDEFG') clear(c);
    assert.equal((await signIn(31, 'clerk1')).status, 200);
    const d = (await take('D')).json.ticket;
    const a = (await take('A')).json.ticket;
    const g = (await take('B', { priority: 'green', reason: '残疾人' })).json.ticket;
    const last = (await take('G')).json.ticket;
    // a window of category C alone has nobody to call
    assert.equal((await call(37, 'clerk-37')).status, 204);
    const order = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(31, 'clerk1');
      assert.equal(r.status, 200, r.text);
      order.push(r.json.number);
      assert.equal((await act(r.json.id, 'no_show', 'clerk1')).status, 200);
    }
    assert.deepEqual(order, [g.number, d.number, a.number, last.number]);
    assert.equal((await call(31, 'clerk1')).status, 204);
    assert.equal((await post('/windows/31/actions/sign_out', undefined, 'clerk1')).status, 200);
  });

  test('every action: recall to the limit, requeue once, transfer keeps the issue time, start and finish with cases', async () => {
    clear('C');
    const t = (await take('C')).json.ticket;
    let r = await call(37, 'clerk-37');
    assert.equal(r.json.id, t.id);
    expectError(assert, await act(t.id, 'recall', 'clerk-38'), 403, 'forbidden');
    expectError(assert, await act(t.id, 'finish', 'clerk-37'), 409, 'conflict', 'state');
    expectError(assert, await act(t.id, 'fly', 'clerk-37'), 404, 'not_found', 'action');
    expectError(assert, await act('20990101-C001', 'recall', 'clerk-37'), 404, 'not_found', 'id');
    assert.equal((await act(t.id, 'recall', 'clerk-37')).json.recalls, 1);
    assert.equal((await act(t.id, 'recall', 'clerk-37')).json.state, 'called');
    assert.equal((await act(t.id, 'recall', 'clerk-37')).json.state, 'missed', 'past max-recalls (2) it is missed');
    r = await act(t.id, 'requeue', 'clerk-37');
    assert.equal(r.json.state, 'waiting');
    assert.equal(r.json.issued_at, t.issued_at, 'back in line at its place');
    assert.equal((await call(37, 'clerk-37')).json.id, t.id);
    await act(t.id, 'no_show', 'clerk-37');
    expectError(assert, await act(t.id, 'requeue', 'clerk-37'), 409, 'conflict', 'state');
    // transfer to another category keeps the issue time; to a window that serves it
    const u = (await take('C')).json.ticket;
    r = await act(u.id, 'transfer', 'clerk-37', { category: 'D' });
    assert.equal(r.json.category, 'D');
    assert.equal(r.json.issued_at, u.issued_at);
    expectError(assert, await act(u.id, 'transfer', 'clerk-37', {}), 422, 'invalid', 'category');
    expectError(assert, await act(u.id, 'transfer', 'clerk-37', { window: 37 }), 422, 'invalid', 'window');
    await act(u.id, 'transfer', 'clerk-37', { category: 'C', window: 38 });
    assert.equal((await call(37, 'clerk-37')).status, 204, 'a ticket sent to window 38 is not called at 37');
    assert.equal((await signIn(38, 'clerk-38')).status, 200);
    assert.equal((await call(38, 'clerk-38')).json.id, u.id);
    assert.equal((await act(u.id, 'start', 'clerk-38')).json.state, 'serving');
    expectError(assert, await act(u.id, 'finish', 'clerk-38', { cases: ['123'] }), 422, 'invalid', 'cases[0]');
    r = await act(u.id, 'finish', 'clerk-38', { cases: ['37109120261127000001'] });
    assert.equal(r.json.state, 'done');
    assert.deepEqual(r.json.cases, ['37109120261127000001']);
    assert.ok(r.json.started_at && r.json.finished_at);
  });

  test('100 windows call at once against 5,000 waiting tickets: none given twice, none lost', async () => {
    for (const c of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) clear(c);
    // 5,000 tickets spread over the categories windows 1–100 serve
    const cats = ['A', 'A', 'A', 'C', 'C', 'C', 'D', 'D', 'B', 'G'];
    const issued = [];
    for (let i = 0; i < 5000; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, k) => take(cats[(i + k) % cats.length])));
      for (const r of batch) { assert.equal(r.status, 201, r.text); issued.push(r.json.ticket.id); }
    }
    // the clerks of windows 1–100 sign in
    const clerks = {};
    for (let no = 1; no <= 100; no += 10) {
      const logins = await Promise.all(Array.from({ length: 10 }, (_, k) => s.login(`clerk-${no + k}`)));
      logins.forEach((t, k) => { clerks[no + k] = t; });
    }
    await Promise.all(Object.entries(clerks).map(([no, t]) => s.api('POST', `/api/v1/windows/${no}/actions/sign_in`, { token: t })));
    const called = [];
    await Promise.all(Object.entries(clerks).map(async ([no, t]) => {
      for (;;) {
        const r = await s.api('POST', `/api/v1/windows/${no}/call-next`, { token: t });
        if (r.status === 204) return;
        assert.equal(r.status, 200, r.text);
        called.push(r.json.id);
        const m = await s.api('POST', `/api/v1/tickets/${r.json.id}/actions/no_show`, { token: t });
        assert.equal(m.status, 200, m.text);
      }
    }));
    assert.equal(new Set(called).size, called.length, 'no ticket given twice');
    assert.deepEqual([...called].sort(), [...issued].sort(), 'every ticket called, none lost');
    await Promise.all(Object.entries(clerks).map(([no, t]) => s.api('POST', `/api/v1/windows/${no}/actions/sign_out`, { token: t })));
  });
});

describe('boards', () => {
  test('several boards get every call in order; a dropped board resumes from Last-Event-ID', async () => {
    clear('C');
    assert.equal((await signIn(37, 'clerk-37')).status, 200);
    const url = `${s.url}/api/v1/hall/events?floor=2`;
    const boards = await Promise.all([openStream(url), openStream(url), openStream(url)]);
    const other = await openStream(`${s.url}/api/v1/hall/events?floor=3`);
    const numbers = [];
    for (let i = 0; i < 5; i++) {
      const t = (await take('C')).json.ticket;
      const r = await call(37, 'clerk-37');
      numbers.push(r.json.number);
      assert.equal(r.json.id, t.id);
      if (i === 2) boards[2].close(); // this board drops after three calls
      await act(r.json.id, 'no_show', 'clerk-37');
    }
    const calls = (b) => b.events.filter((e) => e.json.payload.type === 'call').map((e) => e.json.payload.number);
    for (const b of boards.slice(0, 2)) {
      await b.until((evs) => evs.filter((e) => e.json.payload.type === 'call').length >= 5);
      assert.deepEqual(calls(b), numbers, 'every call, in order');
      const c = b.events.find((e) => e.json.payload.type === 'call');
      assert.equal(c.json.payload.window, 37);
      assert.match(c.json.payload.text, new RegExp(`请 ${numbers[0]} 号到 37 号窗口办理`));
      b.close();
    }
    const dropped = boards[2];
    const seen = dropped.events.at(-1);
    const resumed = await openStream(url, { lastEventId: seen.id });
    await resumed.until((evs) => [...calls(dropped), ...calls(resumed)].length >= 5);
    assert.deepEqual([...calls(dropped), ...calls(resumed)], numbers, 'resumed without a gap or a repeat');
    resumed.close();
    assert.ok(!other.events.some((e) => e.json.payload.type === 'call'), 'floor 3 sees no floor-2 call');
    other.close();
    expectError(assert, (await s.api('GET', '/api/v1/hall/events?zone=2A')), 422, 'invalid', 'floor');
    expectError(assert, (await s.api('GET', '/api/v1/hall/events?floor=0')), 422, 'invalid', 'floor');
  });
});

describe('appointments', () => {
  // The first working day after today: every slot on it is in the future.
  async function nextWorkday(after = 0) {
    let d = new Date(Date.now() + 8 * 3600000);
    let skipped = 0;
    for (;;) {
      d = new Date(d.getTime() + 86400000);
      const date = d.toISOString().slice(0, 10);
      const r = await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`);
      if (r.json.workday && skipped++ === after) return date;
    }
  }
  async function nonWorkday() {
    let d = new Date(Date.now() + 8 * 3600000);
    for (;;) {
      d = new Date(d.getTime() + 86400000);
      const date = d.toISOString().slice(0, 10);
      if (!(await s.api('GET', `/api/v1/calendar/is-workday?date=${date}`)).json.workday) return date;
    }
  }

  test('slots come from the opening hours of working days, none on other days', async () => {
    const date = await nextWorkday();
    const r = await s.api('GET', `/api/v1/appointment-slots?category=E&date=${date}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.workday, true);
    assert.deepEqual(r.json.slots.map((x) => x.slot).slice(0, 7), ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '13:00']);
    assert.equal(r.json.slots[0].available, r.json.slots[0].capacity);
    const off = await s.api('GET', `/api/v1/appointment-slots?category=E&date=${await nonWorkday()}`);
    assert.equal(off.json.workday, false);
    assert.deepEqual(off.json.slots, []);
    expectError(assert, await s.api('GET', `/api/v1/appointment-slots?category=E&date=2026-13-01`), 422, 'invalid', 'date');
    expectError(assert, await s.api('GET', `/api/v1/appointment-slots?category=Q&date=${date}`), 422, 'invalid', 'category');
    expectError(assert, await s.api('GET', `/api/v1/appointment-slots?date=${date}`), 422, 'invalid', 'category');
  });

  test('book, the daily limit, a full slot, cancel; only applicants book', async () => {
    const date = await nextWorkday(1);
    expectError(assert, await post('/appointments', { category: 'F', date, slot: '10:00' }), 401, 'unauthenticated');
    expectError(assert, await post('/appointments', { category: 'F', date, slot: '10:00' }, 'clerk1'), 403, 'forbidden');
    expectError(assert, await post('/appointments', { category: 'F', date, slot: '12:00' }, 'applicant1'), 422, 'invalid', 'slot');
    expectError(assert, await post('/appointments', { category: 'F', date: await nonWorkday(), slot: '10:00' }, 'applicant1'), 422, 'invalid', 'date');
    expectError(assert, await post('/appointments', { category: 'F', date: '2020-01-02', slot: '10:00' }, 'applicant1'), 422, 'invalid', 'slot');
    const a = await post('/appointments', { category: 'F', date, slot: '10:00' }, 'applicant1');
    assert.equal(a.status, 201, a.text);
    assert.match(a.json.id, /^[0-9A-F]{10}$/);
    assert.equal(a.json.state, 'booked');
    expectError(assert, await post('/appointments', { category: 'E', date, slot: '14:00' }, 'applicant1'), 422, 'invalid', 'date');
    // a slot with capacity 1 is full after one booking
    sql(s.db, "UPDATE hall_categories SET slot_capacity = 1 WHERE code = 'F'");
    const full = expectError(assert, await post('/appointments', { category: 'F', date, slot: '10:00' }, 'business1'), 409, 'conflict', 'slot');
    assert.equal(full.state, 'full');
    sql(s.db, "UPDATE hall_categories SET slot_capacity = 4 WHERE code = 'F'");
    const list = await s.api('GET', '/api/v1/appointments', { token: tok.applicant1 });
    assert.ok(list.json.appointments.some((x) => x.id === a.json.id));
    expectError(assert, await post(`/appointments/${a.json.id}/actions/cancel`, undefined, 'business1'), 403, 'forbidden');
    assert.equal((await post(`/appointments/${a.json.id}/actions/cancel`, undefined, 'applicant1')).json.state, 'cancelled');
    expectError(assert, await post(`/appointments/${a.json.id}/actions/cancel`, undefined, 'applicant1'), 409, 'conflict');
    expectError(assert, await post(`/appointments/${a.json.id}/actions/check_in`), 409, 'conflict');
    expectError(assert, await post('/appointments/NOPE/actions/check_in'), 404, 'not_found');
  });

  test('check-in in its window gives priority over earlier normal tickets', async () => {
    clear('F');
    const date = await nextWorkday(2);
    const a = (await post('/appointments', { category: 'F', date, slot: '09:30' }, 'business1')).json;
    expectError(assert, await post(`/appointments/${a.id}/actions/check_in`), 422, 'invalid', 'id');
    // two normal tickets first, then the appointment's slot begins (moved to now) and it checks in
    const n1 = (await take('F')).json.ticket;
    const local = new Date(Date.now() + 8 * 3600000 - 60000);
    sql(s.db, `UPDATE appointments SET day = '${local.toISOString().slice(0, 10)}', slot = '${local.toISOString().slice(11, 16)}' WHERE id = '${a.id}'`);
    const ci = await post(`/appointments/${a.id}/actions/check_in`);
    assert.equal(ci.status, 201, ci.text);
    assert.equal(ci.json.ticket.priority, 'appointment');
    expectError(assert, await post(`/appointments/${a.id}/actions/check_in`), 409, 'conflict');
    const c1 = await s.login('clerk-117');
    await s.api('POST', '/api/v1/windows/117/actions/sign_in', { token: c1 });
    const first = await s.api('POST', '/api/v1/windows/117/call-next', { token: c1 });
    assert.equal(first.json.id, ci.json.ticket.id, 'the appointment before the earlier normal ticket');
    await s.api('POST', `/api/v1/tickets/${first.json.id}/actions/no_show`, { token: c1 });
    assert.equal((await s.api('POST', '/api/v1/windows/117/call-next', { token: c1 })).json.id, n1.id);
  });

  test('three misses in 30 days bar booking; the sweep marks missed ones', async () => {
    const uid = sql(s.db, "SELECT id FROM users WHERE username = 'business1'").trim();
    const now = Date.now();
    for (let i = 1; i <= 3; i++) {
      const day = new Date(now + 8 * 3600000 - i * 2 * 86400000).toISOString().slice(0, 10);
      sql(s.db, `INSERT INTO appointments (id, user_id, category, day, slot, state, created_ms) VALUES ('MISS${i}', ${uid}, 'E', '${day}', '09:00', 'booked', ${now})`);
    }
    let missed = '0';
    for (let i = 0; i < 40 && missed !== '3'; i++) {
      await sleep(250);
      missed = sql(s.db, "SELECT COUNT(*) FROM appointments WHERE id LIKE 'MISS%' AND state = 'missed'").trim();
    }
    assert.equal(missed, '3', 'the sweep marks past bookings missed');
    const date = await nextWorkday(3);
    const e = expectError(assert, await post('/appointments', { category: 'E', date, slot: '15:00' }, 'business1'), 403, 'forbidden');
    assert.match(e.message, /missed/);
  });
});

describe('figures and jobs', () => {
  test('stats by category and as CSV; supervisors only', async () => {
    const day = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const r = await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&by=category`, { token: tok.supervisor1 });
    assert.equal(r.status, 200, r.text);
    const c = r.json.rows.find((x) => x.key === 'C');
    assert.ok(c.tickets >= 10 && c.no_shows >= 3, r.text);
    assert.ok(c.wait_p90_s >= c.wait_mean_s * 0 && typeof c.service_mean_s === 'number');
    const f = r.json.rows.find((x) => x.key === 'F');
    assert.ok(f.appointments >= 1 && f.appointments_kept >= 1);
    const csv = await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&by=window&format=csv`, { token: tok.supervisor1, raw: true });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /attachment; filename="hall-/);
    const bytes = new Uint8Array(await (await fetch(`${s.url}/api/v1/hall/stats?from=${day}&to=${day}&by=window&format=csv`, { headers: { Authorization: `Bearer ${tok.supervisor1}` } })).arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so that Excel reads UTF-8');
    assert.match(csv.text, /^\uFEFF?分组,取号数/);
    const windows = csv.text.trim().split('\r\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.deepEqual(windows, [...windows].sort((a, b) => a - b), 'rows in window order');
    assert.ok(csv.text.split('\r\n').length > 3);
    expectError(assert, await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}`, { token: tok.clerk1 }), 403, 'forbidden');
    expectError(assert, await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&by=moon`, { token: tok.supervisor1 }), 422, 'invalid', 'by');
    expectError(assert, await s.api('GET', `/api/v1/hall/stats?from=${day}`, { token: tok.supervisor1 }), 422, 'invalid', 'to');
    expectError(assert, await s.api('GET', `/api/v1/hall/stats?from=${day}&to=${day}&format=xml`, { token: tok.supervisor1 }), 422, 'invalid', 'format');
  });

  test('tickets from an earlier day expire', async () => {
    const t = (await take('D')).json.ticket;
    sql(s.db, `UPDATE tickets SET day = '2020-01-02' WHERE id = '${t.id}'`);
    let state;
    for (let i = 0; i < 40 && state !== 'expired'; i++) {
      await sleep(250);
      state = sql(s.db, `SELECT state FROM tickets WHERE id = '${t.id}'`).trim();
    }
    assert.equal(state, 'expired');
  });
});

describe('the hall file', () => {
  test('yichuang hall import loads a layout and names the bad field', () => {
    const fresh = freshDb({ demo: false });
    try {
      const ok = cli(['hall', 'import', '--db', fresh.db, join(process.cwd(), 'data/demo/hall.json')]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /122 windows/);
      assert.equal(sql(fresh.db, 'SELECT COUNT(*) FROM hall_windows').trim(), '122');
      const bad = join(fresh.dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ zones: [{ code: '1A', floor: 'one', name: 'x' }], categories: [], windows: [] }));
      const r = cli(['hall', 'import', '--db', fresh.db, bad]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /zones\[0\]\.floor/);
      assert.equal(cli(['hall', 'import']).status, 2);
    } finally {
      dropDb(fresh);
    }
  });
});

test('GET /hall says whether the hall is open now, and when it opens next', async () => {
  // today made a working day, open around the clock
  const open = await startServer({ ...openHallToday(freshDb()), args: OPEN_ALL_DAY });
  try {
    const h = (await open.api('GET', '/api/v1/hall')).json;
    assert.deepEqual([h.workday, h.open, h.opens_at, h.hours], [true, true, null, '00:00-23:59']);
    assert.match(h.today, /^\d{4}-\d{2}-\d{2}$/);
  } finally { await open.stop(); }
  // today made a day off: closed, and it opens on the next working day at the first opening
  const x = freshDb();
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const file = join(x.dir, 'off.json');
  writeFileSync(file, JSON.stringify({ year, source: 'test: today off', days: [{ date: today, kind: 'off', name: '测试' }] }));
  assert.equal(cli(['calendar', 'load', '--db', x.db, file]).status, 0);
  const closed = await startServer(x);
  try {
    const h = (await closed.api('GET', '/api/v1/hall')).json;
    assert.equal(h.workday, false);
    assert.equal(h.open, false);
    assert.match(h.opens_at, /T09:00:00\+08:00$/);
    assert.ok(h.opens_at.slice(0, 10) > today, h.opens_at);
    assert.equal(h.resumes_at, null);
  } finally { await closed.stop(); }
});
