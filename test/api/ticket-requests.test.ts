// Requests at the edges: idempotent registration, concurrent events, refusals that write nothing, the audit trail.
import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, writeCounts, type TestApp } from '../helper.js';

const body = (h: TestApp) => ({ householdId: h.county.households[0], category: 'subsidy', description: '申请临时救助' });

t.test('Idempotency-Key: same key and body returns the same ticket, another body is 422', async (t) => {
  const h = await buildTestApp(t.teardown);
  const headers = { ...(await h.auth('cadre')), 'idempotency-key': 'visit-42-item-1' };
  const first = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: body(h) });
  t.equal(first.statusCode, 201);
  const again = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: body(h) });
  t.equal(again.statusCode, 200, 'a retry answers 200');
  t.equal(again.json().id, first.json().id, 'with the same ticket');
  const other = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: { ...body(h), description: '别的事' } });
  t.equal(other.statusCode, 422);
  t.equal(other.json().code, 'idempotency_key_reused');
  const counts = await writeCounts(h.db);
  t.equal(counts.tickets, 1, 'one ticket in the database');
  t.equal(counts.ticket_events, 1);
});

t.test('concurrent retries with one Idempotency-Key create one ticket', async (t) => {
  const h = await buildTestApp(t.teardown);
  const headers = { ...(await h.auth('cadre')), 'idempotency-key': 'offline-batch-7' };
  const results = await Promise.all(
    Array.from({ length: 6 }, () => h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: body(h) })),
  );
  t.same(results.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 201]);
  t.equal(new Set(results.map((r) => r.json().id)).size, 1);
  t.equal((await writeCounts(h.db)).tickets, 1);
});

t.test('two transitions with the same expectedVersion: one wins, the other is 409, one event on the timeline', async (t) => {
  const h = await buildTestApp(t.teardown);
  const created = (await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'), payload: body(h) })).json();
  const headers = await h.auth('dispatcher');
  const [a, b] = await Promise.all(
    (['onSite', 'proxy'] as const).map((mode) =>
      h.app.inject({ method: 'POST', url: `/v1/tickets/${created.id}/events`, headers, payload: { type: 'TRIAGE', mode, expectedVersion: 1 } }),
    ),
  );
  t.same([a?.statusCode, b?.statusCode].sort(), [200, 409]);
  const loser = a?.statusCode === 409 ? a : b;
  t.equal(loser?.json().code, 'version_conflict');
  const detail = (await h.app.inject({ method: 'GET', url: `/v1/tickets/${created.id}`, headers })).json();
  t.equal(detail.version, 2);
  t.same(detail.timeline.map((e: { type: string }) => e.type), ['REGISTER', 'TRIAGE']);
});

t.test('the audit trail refuses UPDATE and DELETE', async (t) => {
  const h = await buildTestApp(t.teardown);
  await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'), payload: body(h) });
  await t.rejects(sql`update ticket_events set type = 'FORGED'`.execute(h.db), /append-only/);
  await t.rejects(sql`delete from ticket_events`.execute(h.db), /append-only/);
  await t.rejects(sql`truncate ticket_events cascade`.execute(h.db), /append-only/);
  const rows = await h.db.selectFrom('ticket_events').select('type').execute();
  t.same(rows, [{ type: 'REGISTER' }]);
});

t.test('bad input gets a 4xx with a code and writes nothing', async (t) => {
  const h = await buildTestApp(t.teardown);
  const headers = await h.auth('cadre');
  const ok = (await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: body(h) })).json();
  const before = await writeCounts(h.db);
  const cases: Array<{ name: string; url: string; payload?: unknown; raw?: string; contentType?: string; status: number; code: string }> = [
    { name: 'unknown field', url: '/v1/tickets', payload: { ...body(h), secret: 1 }, status: 400, code: 'validation_failed' },
    { name: 'missing description', url: '/v1/tickets', payload: { householdId: h.county.households[0], category: 'x' }, status: 400, code: 'validation_failed' },
    { name: 'bad uuid', url: '/v1/tickets', payload: { ...body(h), householdId: 'abc' }, status: 400, code: 'validation_failed' },
    { name: 'unknown household', url: '/v1/tickets', payload: { ...body(h), householdId: '00000000-0000-7000-8000-000000000000' }, status: 400, code: 'unknown_household' },
    { name: 'neither unit nor household', url: '/v1/tickets', payload: { category: 'x', description: 'y' }, status: 400, code: 'validation_failed' },
    { name: 'department as the place', url: '/v1/tickets', payload: { unitId: h.county.units['dept-water'], category: 'x', description: 'y' }, status: 400, code: 'unknown_unit' },
    { name: 'joint without lead', url: '/v1/tickets', payload: { ...body(h), mode: 'joint' }, status: 400, code: 'validation_failed' },
    { name: 'joint with a village as lead', url: '/v1/tickets', payload: { ...body(h), mode: 'joint', leadUnitId: h.county.units['village-1-1'] }, status: 400, code: 'unknown_unit' },
    { name: 'malformed JSON', url: '/v1/tickets', raw: '{"category":', status: 400, code: 'invalid_json' },
    { name: 'wrong content type', url: '/v1/tickets', raw: 'category=x', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
    { name: 'unknown event type', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'FLY' }, status: 400, code: 'validation_failed' },
    { name: 'event field of another event', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'ACCEPT', rating: 'satisfied' }, status: 400, code: 'validation_failed' },
    { name: 'blank reason', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'REJECT', reason: '' }, status: 400, code: 'validation_failed' },
    { name: 'timer event over HTTP', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'DEADLINE_PASSED' }, status: 403, code: 'worker_only_event' },
    { name: 'calendar event over HTTP', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'CALENDAR_LOADED', year: 2027 }, status: 403, code: 'worker_only_event' },
    { name: 'event not allowed now', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'ACCEPT' }, status: 409, code: 'event_not_allowed' },
    { name: 'triage joint without a lead unit', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'TRIAGE', mode: 'joint' }, status: 400, code: 'invalid_payload' },
    { name: 'dispatch to a non-department', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'DISPATCH', leadUnitId: h.county.units['town-1'] }, status: 400, code: 'unknown_unit' },
    { name: 'merge into itself', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'MERGE', into: ok.id }, status: 400, code: 'unknown_ticket_reference' },
    { name: 'stale expectedVersion', url: `/v1/tickets/${ok.id}/events`, payload: { type: 'SUPERVISE', note: '请加快', expectedVersion: 7 }, status: 409, code: 'version_conflict' },
    { name: 'unknown ticket', url: '/v1/tickets/00000000-0000-7000-8000-000000000000/events', payload: { type: 'ACCEPT' }, status: 404, code: 'ticket_not_found' },
    { name: 'ticket id not a uuid', url: '/v1/tickets/123/events', payload: { type: 'ACCEPT' }, status: 400, code: 'validation_failed' },
  ];
  for (const c of cases) {
    const res = await h.app.inject({
      method: 'POST',
      url: c.url,
      headers: { ...headers, ...(c.raw !== undefined ? { 'content-type': c.contentType ?? 'application/json' } : {}) },
      ...(c.raw !== undefined ? { body: c.raw } : { payload: c.payload as object }),
    });
    t.equal(res.statusCode, c.status, `${c.name}: status`);
    t.equal(res.json().code, c.code, `${c.name}: code`);
    t.type(res.json().message, 'string', `${c.name}: message`);
  }
  const notAllowed = await h.app.inject({ method: 'POST', url: `/v1/tickets/${ok.id}/events`, headers, payload: { type: 'ACCEPT' } });
  t.same(notAllowed.json().allowed, ['TRIAGE', 'DISPATCH', 'WITHDRAW', 'MERGE', 'REJECT', 'SUPERVISE', 'PAUSE'], 'the refusal lists what is allowed');
  t.same(await writeCounts(h.db), before, 'nothing was written by any refused request');
});

t.test('every /v1 route but login needs a valid Bearer token', async (t) => {
  const h = await buildTestApp(t.teardown);
  for (const [method, url] of [['GET', '/v1/tickets'], ['POST', '/v1/tickets'], ['GET', '/v1/me'], ['GET', '/v1/units']] as const) {
    const res = await h.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    t.equal(res.statusCode, 401, `${method} ${url} without token`);
    t.equal(res.json().code, 'unauthorized');
  }
  const forged = await h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' } });
  t.equal(forged.statusCode, 401);
  const wrong = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'cadre', password: 'nope' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().code, 'invalid_credentials');
});
