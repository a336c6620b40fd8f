// Live events over Server-Sent Events, driven by the outbox table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PG, startServer, expectError } from './helper.mjs';
import { openStream } from './sse.mjs';

let s;
let admin;
before(async () => { s = await startServer(); admin = await s.login('admin'); });
after(async () => { await s.stop(); });

const item = (code) => ({
  code, basic_code: '011555001000', name: '事件测试 ' + code, department: 'xzsp', level: 'district', type: 'license',
  case_type: 'promised', legal_limit: { value: 20, unit: 'workday' }, promised_limit: { value: 5, unit: 'workday' },
  visits: 0, online_depth: 4,
});
const create = (server, token, code) => server.api('POST', '/api/v1/items', { body: item(code), token });

test('a change reaches a connected stream', async () => {
  const st = await openStream(s.url + '/api/v1/events?topics=item');
  assert.equal(st.status, 200);
  assert.match(st.headers.get('content-type'), /text\/event-stream/);
  const t0 = Date.now();
  assert.equal((await create(s, admin, 'EV-1')).status, 201);
  const evs = await st.until((e) => e.some((x) => x.json.object === 'item/EV-1'));
  const ev = evs.find((x) => x.json.object === 'item/EV-1');
  assert.equal(ev.event, 'item');
  assert.equal(ev.json.action, 'item.create');
  assert.equal(ev.json.payload.code, 'EV-1');
  assert.equal(String(ev.json.id), ev.id);
  assert.ok(ev.received - t0 < 1000);
  st.close();
});

test('topics filter the stream; an unknown topic is 422', async () => {
  const cal = await openStream(s.url + '/api/v1/events?topics=calendar');
  const items = await openStream(s.url + '/api/v1/events?topics=item');
  await create(s, admin, 'EV-2');
  await items.until((e) => e.some((x) => x.json.object === 'item/EV-2'));
  const year = { year: 2031, source: '测试', days: [{ date: '2031-01-01', kind: 'off', name: '元旦' }] };
  assert.equal((await s.api('PUT', '/api/v1/calendar/2031', { body: year, token: admin })).status, 200);
  await cal.until((e) => e.some((x) => x.json.action === 'calendar.load'));
  assert.ok(cal.events.every((x) => x.event === 'calendar'), 'no item events on the calendar stream');
  cal.close();
  items.close();
  expectError(assert, await s.api('GET', '/api/v1/events?topics=weather'), 422, 'invalid', 'topics');
  expectError(assert, await s.api('GET', '/api/v1/events', { headers: { 'Last-Event-ID': 'abc' } }), 422, 'invalid', 'Last-Event-ID');
});

test('a dropped stream resumes from Last-Event-ID with nothing lost or repeated', async () => {
  const first = await openStream(s.url + '/api/v1/events?topics=item');
  await create(s, admin, 'EV-3');
  const seen = await first.until((e) => e.some((x) => x.json.object === 'item/EV-3'));
  const lastId = seen[seen.length - 1].id;
  first.close();
  for (const c of ['EV-4', 'EV-5', 'EV-6']) assert.equal((await create(s, admin, c)).status, 201);
  const again = await openStream(s.url + '/api/v1/events?topics=item', { lastEventId: lastId });
  await create(s, admin, 'EV-7');
  const evs = await again.until((e) => e.some((x) => x.json.object === 'item/EV-7'));
  assert.deepEqual(evs.map((x) => x.json.payload.code), ['EV-4', 'EV-5', 'EV-6', 'EV-7']);
  const ids = evs.map((x) => Number(x.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  again.close();
});

test('the server stops cleanly with streams open', async () => {
  const s2 = await startServer();
  const st = await openStream(s2.url + '/api/v1/events');
  assert.equal(st.status, 200);
  const r = await s2.stop();
  assert.equal(r.code, 0, s2.stderr.slice(-1500));
  st.close();
});

test('two nodes on one PostgreSQL database: an event written on A reaches a stream on B within 200 ms',
  { skip: !PG && 'needs PostgreSQL (one SQLite file is one node)' }, async () => {
    const b = await startServer({ db: s.db, dir: s.dir + '-b' });
    try {
      const st = await openStream(b.url + '/api/v1/events?topics=item');
      const latencies = [];
      for (let i = 0; i < 20; i++) {
        const code = `EV-AB-${i}`;
        const r = await create(s, admin, code);
        assert.equal(r.status, 201);
        const acked = Date.now();
        const evs = await st.until((e) => e.some((x) => x.json.object === `item/${code}`), 2000);
        latencies.push(evs.find((x) => x.json.object === `item/${code}`).received - acked);
      }
      latencies.sort((x, y) => x - y);
      console.log(`# node A → node B event latency (ms): median ${latencies[10]}, max ${latencies[19]}`);
      assert.ok(latencies[19] < 200, `max ${latencies[19]} ms`);
      st.close();
    } finally { await b.stop({ clean: false }); }
  });
