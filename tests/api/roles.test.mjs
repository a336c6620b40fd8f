// Every protected route against every role: anonymous → 401, a role the
// route does not allow → 403, an allowed role → neither.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cli, startServer } from './helper.mjs';

const USERS = { applicant: 'applicant1', clerk: 'clerk1', approver: 'approver1', supervisor: 'supervisor1', admin: 'admin' };
const routes = cli(['routes']).stdout.trim().split('\n').map((l) => {
  const [method, path, roles] = l.split(' ');
  return { method, path, roles: roles === 'public' ? null : roles.split(',') };
});

let s;
const tokens = {};
before(async () => {
  s = await startServer();
  for (const [role, u] of Object.entries(USERS)) tokens[role] = await s.login(u);
});
after(async () => { await s.stop(); });

const concrete = (path) => path.replace('{code}', 'NO-SUCH-ITEM').replace('{year}', '2026');
const bodyFor = (method) => (method === 'POST' || method === 'PUT' ? {} : undefined);

test('the route table lists roles for every protected route', () => {
  assert.ok(routes.length >= 20);
  assert.ok(routes.some((r) => r.roles && r.roles.length === 1 && r.roles[0] === 'admin'));
});

for (const r of routes.filter((x) => x.roles)) {
  test(`${r.method} ${r.path}: ${r.roles.join(',')} only`, async () => {
    const url = concrete(r.path);
    const anon = await s.api(r.method, url, { body: bodyFor(r.method) });
    assert.equal(anon.status, 401, `anonymous: ${anon.text}`);
    for (const role of Object.keys(USERS)) {
      // DELETE /session ends the session it is sent with: use a fresh one.
      const token = r.method === 'DELETE' ? await s.login(USERS[role]) : tokens[role];
      const res = await s.api(r.method, url, { token, body: bodyFor(r.method) });
      if (r.roles.includes(role)) {
        assert.ok(res.status !== 401 && res.status !== 403, `${role} is allowed: ${res.status} ${res.text}`);
      } else {
        assert.equal(res.status, 403, `${role} is refused: ${res.text}`);
        assert.equal(res.json.error.code, 'forbidden');
      }
    }
  });
}
