// The ticket list (filters, unit subtree, keyset pages) and what a client reads to fill in a ticket.
import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('list: filters by state, mode, level, unit subtree, overdue and creation time; pages by cursor', async (t) => {
  const h = await buildTestApp(t.teardown);
  // The county supervision office sees (and may register) everywhere in the county.
  const headers = await h.auth('county-supervisor');
  const { units, households } = h.county;
  const made: string[] = [];
  // Households 0-3 live in town 1, 4-7 in village 1-2... see seedDemoCounty: two per group, groups in order.
  for (let i = 0; i < 7; i++) {
    h.clock.advance(60_000);
    const res = await h.app.inject({
      method: 'POST', url: '/v1/tickets', headers,
      payload: { householdId: households[i * 2], category: i % 2 ? 'road' : 'subsidy', description: `事项${i}`, ...(i < 3 ? { mode: 'proxy' } : {}) },
    });
    made.push(res.json().id);
  }
  const get = async (qs: string) => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/tickets?${qs}`, headers });
    t.equal(res.statusCode, 200, qs);
    return res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
  };
  const ids = (r: { items: Array<{ id: string }> }) => r.items.map((i) => i.id);

  t.same(ids(await get('')), [...made].reverse(), 'newest first');
  t.same(ids(await get('mode=proxy')), made.slice(0, 3).reverse());
  t.same(ids(await get('state=registered')), made.slice(3).reverse());
  t.same(ids(await get('state=registered&state=proxy')).length, 7, 'several states');
  t.same(ids(await get('category=road')), [made[5], made[3], made[1]]);
  t.same(ids(await get('level=town')), []);
  t.same(ids(await get('overdue=true')), []);
  // Households 0..7 belong to town 1 (2 villages × 2 groups × 2 households): tickets 0..3 there.
  t.same(ids(await get(`unitId=${units['town-1']}`)), made.slice(0, 4).reverse(), 'everything under town 1');
  t.same(ids(await get(`unitId=${units['village-1-2']}`)), made.slice(2, 4).reverse(), 'everything under one village');
  t.same(ids(await get('createdFrom=2026-11-23T02:02:30Z&createdTo=2026-11-23T02:04:30Z')), [made[3], made[2]]);

  const page1 = await get('limit=3');
  t.same(ids(page1), made.slice(4).reverse());
  const page2 = await get(`limit=3&cursor=${page1.nextCursor}`);
  t.same(ids(page2), made.slice(1, 4).reverse());
  const page3 = await get(`limit=3&cursor=${page2.nextCursor}`);
  t.same(ids(page3), [made[0]]);
  t.equal(page3.nextCursor, null, 'no cursor after the last page');

  const bad = await h.app.inject({ method: 'GET', url: '/v1/tickets?limit=201', headers });
  t.equal(bad.statusCode, 400);
  const badCursor = await h.app.inject({ method: 'GET', url: '/v1/tickets?cursor=bm9wZQ', headers });
  t.equal(badCursor.json().code, 'invalid_cursor');
});

t.test('me, units and households: what a client needs to register a ticket', async (t) => {
  const h = await buildTestApp(t.teardown);
  const headers = await h.auth('cadre');
  const me = (await h.app.inject({ method: 'GET', url: '/v1/me', headers })).json();
  t.equal(me.staffId, h.county.staff.cadre);
  t.same(me.roles, ['cadre']);
  t.equal(me.unit.kind, 'group');
  const units = (await h.app.inject({ method: 'GET', url: '/v1/units', headers })).json().items as Array<{ kind: string }>;
  const kinds = units.reduce<Record<string, number>>((acc, u) => ({ ...acc, [u.kind]: (acc[u.kind] ?? 0) + 1 }), {});
  t.same(kinds, { county: 1, town: 2, village: 4, group: 8, department: 3 });
  const res = await h.app.inject({ method: 'GET', url: `/v1/households?unitId=${h.county.units['village-1-1']}`, headers });
  const items = res.json().items as Array<{ phone: string; unitId: string }>;
  t.equal(items.length, 4, 'two groups of two households');
  for (const item of items) t.match(item.phone, /^138\*{4}\d{4}$/, 'phone numbers are masked in lists');
});

t.test('health, readiness, metrics and OpenAPI', async (t) => {
  const h = await buildTestApp(t.teardown);
  t.same((await h.app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await h.app.inject('/readyz');
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ready', postgres: 'ok', redis: 'ok', calendar: { uncoveredYears: [2027] } });
  await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'), payload: { householdId: h.county.households[0], category: 'x', description: 'y' } });
  const metrics = await h.app.inject('/metrics');
  t.match(metrics.body, /http_requests_total\{method="POST",route="\/v1\/tickets",status="201"\} 1/);
  const spec = (await h.app.inject('/docs/json')).json();
  t.ok(spec.paths['/v1/tickets/{id}/events'], 'events route documented');
  t.ok(spec.paths['/v1/tickets'].post, 'registration documented');
  const ui = await h.app.inject('/docs');
  t.ok(ui.statusCode < 400, 'Swagger UI served');
  const reqId = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
  t.equal(reqId.headers['x-request-id'], 'abc-123', 'request id is echoed');
});

t.test('readiness reports a Redis that is down', async (t) => {
  const h = await buildTestApp(t.teardown);
  h.redis.disconnect();
  const ready = await h.app.inject('/readyz');
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), { status: 'not_ready', postgres: 'ok', redis: 'down' });
});
