// Token scopes: the county admin issues Open311 tokens through /v1/admin/api-tokens; an Open311 token cannot call /v1,
// a /v1 token is no Open311 api_key, and a revoked, expired or disabled one is a 403 in the spec's format.
import t from 'tap';
import { buildOpen311App, elementNames, issueToken, parseXml, SPEC, type XmlNode } from './open311-fixture.js';

const WATER = { service_code: 'water', address_string: '青山镇青山东村', description: '水管破了' };

t.test('an Open311 token is issued with its scope, lists with it, and is refused on every /v1 route', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { staff, units } = h.county;
  const admin = await h.auth('admin');
  const issued = await h.app.inject({
    method: 'POST', url: '/v1/admin/api-tokens', headers: admin,
    payload: { integrationId: staff.hotline, unitId: units['town-1'], name: 'FixMyStreet 青山镇', scope: 'open311', extendedStatuses: true },
  });
  t.equal(issued.statusCode, 201, issued.body);
  t.match(issued.json(), { scope: 'open311', routes: [], extendedStatuses: true, token: /^itk_/ });
  const listed = (await h.app.inject({ method: 'GET', url: '/v1/admin/api-tokens', headers: admin })).json().items as Array<{ name: string; scope: string }>;
  t.same(listed.map((i) => [i.name, i.scope]).sort(), [['12345 热线', 'open311'], ['FixMyStreet 青山镇', 'open311'], ['热线 v1', 'v1'], ['群众 App', 'open311']].sort());

  const refusals: Array<[string, Record<string, unknown>]> = [
    ['routes with an Open311 scope', { scope: 'open311', routes: ['GET /v1/tickets'] }],
    ['a /v1 token without routes', { scope: 'v1' }],
    ['extended statuses on a /v1 token', { routes: ['GET /v1/tickets'], extendedStatuses: true }],
    ['an unknown scope', { scope: 'everything' }],
  ];
  for (const [name, extra] of refusals) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/admin/api-tokens', headers: admin, payload: { integrationId: staff.hotline, unitId: units.county, name: 'x', ...extra } });
    t.equal(res.statusCode, 400, `${name}: ${res.body}`);
  }

  const bearer = { authorization: `Bearer ${h.key}` };
  for (const [method, url] of [['GET', '/v1/tickets'], ['GET', '/v1/me'], ['GET', '/v1/categories'], ['GET', '/v1/units']] as const) {
    const res = await h.app.inject({ method, url, headers: bearer });
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.equal(res.json().code, 'route_not_in_scope');
  }
  const register = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: bearer, payload: { unitId: units['town-1'], category: 'water', description: 'x' } });
  t.equal(register.json().code, 'route_not_in_scope', 'an Open311 key cannot register through /v1');
  // Even a route list in the database (written by hand) does not open /v1 to an Open311 token.
  await h.db.updateTable('api_tokens').set({ routes: ['GET /v1/tickets'] }).where('scope', '=', 'open311').execute();
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/tickets', headers: bearer })).statusCode, 403);
});

t.test('a /v1 token, a revoked, expired or unknown key, or none at all: 403 in the spec\'s format, nothing written', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { staff, units } = h.county;
  const tickets = async () => Number((await h.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const expiring = await issueToken(h, { integrationId: staff.hotline, unitId: units.county, name: 'short', scope: 'open311', expiresAt: '2026-11-24T02:00:00Z' });
  const revoked = await issueToken(h, { integrationId: staff.hotline, unitId: units.county, name: 'old', scope: 'open311' });
  const ids = (await h.app.inject({ method: 'GET', url: '/v1/admin/api-tokens', headers: await h.auth('admin') })).json().items as Array<{ id: string; name: string }>;
  await h.app.inject({ method: 'DELETE', url: `/v1/admin/api-tokens/${ids.find((i) => i.name === 'old')?.id}`, headers: await h.auth('admin') });
  t.equal((await h.post('/open311/v2/requests.json', { api_key: expiring, ...WATER })).statusCode, 201, 'valid before it expires');
  h.clock.advance(2 * 86_400_000);
  const before = await tickets();

  const cases: Array<[string, Record<string, string>]> = [
    ['a /v1 token', { api_key: h.v1Key }],
    ['a revoked key', { api_key: revoked }],
    ['an expired key', { api_key: expiring }],
    ['an unknown key', { api_key: 'itk_nothing' }],
    ['no key', {}],
    ['an empty key', { api_key: '' }],
  ];
  for (const [name, key] of cases) {
    for (const format of ['xml', 'json'] as const) {
      const res = await h.post(`/open311/v2/requests.${format}`, { ...key, ...WATER });
      t.equal(res.statusCode, 403, `${name} (${format})`);
      if (format === 'json') t.match(res.json(), [{ code: 403, description: /api_key/ }]);
      else t.same(elementNames(((parseXml(t, res.body).errors as XmlNode).error as XmlNode[])[0]), SPEC.error);
    }
  }
  t.equal((await h.get(`/open311/v2/servicerequestupdates.json?api_key=${h.v1Key}`)).statusCode, 403, 'a /v1 token is no key for reading either');
  t.equal(await tickets(), before, 'no ticket from any refused request');

  await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${staff.hotline}/disable`, headers: await h.auth('admin') });
  t.equal((await h.post('/open311/v2/requests.json', { api_key: h.key, ...WATER })).statusCode, 403, 'a disabled integration account stops its Open311 keys');
});
