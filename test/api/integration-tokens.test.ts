// Integration API tokens: issued by the county admin, stored hashed, bound to a unit and a set of routes, revocable.
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';

const issue = async (h: TestApp, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/v1/admin/api-tokens', headers: await h.auth('admin'), payload: body });

t.test('an API token acts only under its unit and only on its routes', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { units, staff } = h.county;
  const res = await issue(h, { integrationId: staff.hotline, unitId: units['village-1-1'], name: '12345 青山东村', routes: ['POST /v1/tickets', 'GET /v1/tickets/:id'] });
  t.equal(res.statusCode, 201);
  const { token, id } = res.json() as { token: string; id: string };
  t.match(token, /^itk_[\w-]{43}$/);
  const stored = await h.db.selectFrom('api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
  t.not(stored.token_hash, token, 'stored hashed');
  t.match(stored.token_hash, /^[0-9a-f]{64}$/);
  const headers = { authorization: `Bearer ${token}` };

  const inside = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: { unitId: units['group-1-1-2'], category: 'water', description: '热线来电', source: 'hotline' } });
  t.equal(inside.statusCode, 201, 'registers under its unit');
  t.equal(inside.json().createdBy, staff.hotline, 'as its integration account');
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tickets/${inside.json().id}`, headers })).statusCode, 200, 'and reads it back');
  const outside = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: { unitId: units['village-2-1'], category: 'water', description: '越界' } });
  t.equal(outside.statusCode, 403);
  t.equal(outside.json().code, 'outside_jurisdiction', 'outside its unit: refused');
  const theirs = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('town2-office'), payload: { unitId: units['village-2-1'], category: 'x', description: 'y' } });
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/tickets/${theirs.json().id}`, headers })).statusCode, 404, 'a ticket outside its unit does not exist for it');

  for (const [method, url] of [['GET', '/v1/tickets'], ['GET', '/v1/households?unitId=' + units['village-1-1']], ['GET', '/v1/me'], ['GET', '/v1/admin/api-tokens']] as const) {
    const r = await h.app.inject({ method, url, headers });
    t.equal(r.statusCode, 403, `${method} ${url}: not in its routes`);
    t.equal(r.json().code, 'route_not_in_scope');
  }
  const event = await h.app.inject({ method: 'POST', url: `/v1/tickets/${inside.json().id}/events`, headers, payload: { type: 'WITHDRAW' } });
  t.equal(event.json().code, 'route_not_in_scope', 'events are a route of their own');
  const login = await h.app.inject({ method: 'POST', url: '/v1/auth/logout', headers });
  t.equal(login.statusCode, 403, 'no session routes either');
});

t.test('revoked, expired, unknown or disabled: refused; only the admin issues, lists and revokes', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { units, staff } = h.county;
  const base = { integrationId: staff.hotline, unitId: units['town-1'], name: 'open311', routes: ['GET /v1/tickets'] };
  const a = (await issue(h, base)).json() as { token: string; id: string };
  const b = (await issue(h, { ...base, expiresAt: '2026-11-24T02:00:00Z' })).json() as { token: string; id: string };
  const get = (token: string) => h.app.inject({ method: 'GET', url: '/v1/tickets', headers: { authorization: `Bearer ${token}` } });
  t.equal((await get(a.token)).statusCode, 200);
  t.equal((await get(b.token)).statusCode, 200);
  h.clock.advance(86_400_000);
  t.equal((await get(b.token)).json().code, 'unauthorized', 'expired');
  const list = await h.app.inject({ method: 'GET', url: '/v1/admin/api-tokens', headers: await h.auth('admin') });
  t.equal(list.json().items.length, 2);
  t.notMatch(list.body, /itk_|token_hash/, 'listed without secrets');
  const revoked = await h.app.inject({ method: 'DELETE', url: `/v1/admin/api-tokens/${a.id}`, headers: await h.auth('admin') });
  t.equal(revoked.statusCode, 204);
  t.equal((await get(a.token)).json().code, 'unauthorized', 'revoked: refused at once');
  t.equal((await h.app.inject({ method: 'DELETE', url: `/v1/admin/api-tokens/${a.id}`, headers: await h.auth('admin') })).json().code, 'api_token_not_found');
  t.equal((await get('itk_unknown')).statusCode, 401);

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ['a staff account', { ...base, integrationId: staff.cadre }, 'staff_not_found'],
    ['a department unit', { ...base, unitId: units['dept-water'] }, 'unknown_unit'],
    ['another county\'s unit', { ...base, unitId: '00000000-0000-7000-8000-000000000000' }, 'unknown_unit'],
    ['a route that cannot be granted', { ...base, routes: ['GET /v1/households/:id/contact'] }, 'validation_failed'],
  ];
  for (const [name, body, code] of refusals) t.equal((await issue(h, body)).json().code, code, name);
  const byOther = await h.app.inject({ method: 'POST', url: '/v1/admin/api-tokens', headers: await h.auth('county-supervisor'), payload: base });
  t.equal(byOther.statusCode, 403, 'only the county admin issues tokens');

  const c = (await issue(h, base)).json() as { token: string };
  await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${staff.hotline}/disable`, headers: await h.auth('admin') });
  t.equal((await get(c.token)).statusCode, 401, 'a disabled integration account stops its tokens');
});
