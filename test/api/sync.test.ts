// Offline sync: items apply in order, each once (retries and concurrent sends replay), refusals per item, device time kept.
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { added, counts, EVENT_TIME, mountainBatch, results, sync, VISIT_TIME, type Result } from './sync-fixture.js';

t.test('a visit opening a ticket, events on it by ticketClientId, a ticket: applied in order; the same batch again replays and writes nothing', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const first = results(await sync(h, 'cadre', mountainBatch(householdId)));
  t.same(first.map((r) => [r.clientId, r.status]), [['v-1', 'applied'], ['e-1', 'applied'], ['e-2', 'applied'], ['t-2', 'applied']], JSON.stringify(first));
  const [visit, resolve, feedback, road] = first as [Result, Result, Result, Result];
  const ticketId = visit.tickets?.[0]?.ticketId as string;
  t.match(visit.tickets, [{ clientId: 'v-1-t-1', ticketNumber: /^2026-\d{6}$/ }], 'the visit answers its ticket under the client id the device gave it');
  t.match(resolve, { ticketId, version: 2, ticketNumber: visit.tickets?.[0]?.ticketNumber });
  t.match(feedback, { ticketId, version: 3 });
  t.match(road, { version: 1, ticketNumber: /^2026-\d{6}$/ });
  t.ok(first.every((r) => r.serverTime === h.clock.now().toISOString() && r.code === undefined));

  const detail = await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticketId}`, headers: await h.auth('cadre') });
  t.equal(detail.json().state, 'awaitingCallback', 'handled on the spot, offline, before its id came back');
  t.same((detail.json().timeline as Array<{ type: string }>).map((e) => e.type), ['REGISTER', 'RESOLVE', 'FEEDBACK_GIVEN']);
  const roadTicket = await h.app.inject({ method: 'GET', url: `/v1/tickets/${road.ticketId}`, headers: await h.auth('cadre') });
  t.match(roadTicket.json(), { state: 'proxy', householdId, description: '村道塌方' });

  // The device time is kept beside the server time: on the visit, and in the sync record of each ticket and event.
  const v = await h.db.selectFrom('visits').selectAll().where('id', '=', visit.visitId as string).executeTakeFirstOrThrow();
  t.same([v.device_time, v.visited_at, v.created_at, v.client_id], [new Date(VISIT_TIME), new Date(VISIT_TIME), h.clock.now(), 'v-1'],
    'a visit made offline happened at its device time, and was received now');
  t.same(v.ticket_ids, [ticketId]);
  const records = await h.db.selectFrom('sync_records').selectAll().orderBy('client_id').execute();
  t.same(
    records.map((r) => [r.client_id, r.kind, r.outcome, r.device_time.toISOString(), r.received_at.toISOString(), r.device_id]),
    [
      ['e-1', 'event', 'applied', EVENT_TIME, h.clock.now().toISOString(), 'phone-wang-01'],
      ['e-2', 'event', 'applied', EVENT_TIME, h.clock.now().toISOString(), 'phone-wang-01'],
      ['t-2', 'ticket', 'applied', EVENT_TIME, h.clock.now().toISOString(), 'phone-wang-01'],
      ['v-1', 'visit', 'applied', VISIT_TIME, h.clock.now().toISOString(), 'phone-wang-01'],
      ['v-1-t-1', 'visit_ticket', 'applied', VISIT_TIME, h.clock.now().toISOString(), 'phone-wang-01'],
    ],
  );
  const created = await h.db.selectFrom('tickets').select(['id', 'created_at']).where('id', '=', road.ticketId as string).executeTakeFirstOrThrow();
  t.same(created.created_at, h.clock.now(), 'the ticket carries the server time; its device time is in its sync record');

  // The answer was lost on the way down the mountain: the phone sends the same batch an hour later.
  const before = await counts(h);
  h.clock.advance(3_600_000);
  const again = results(await sync(h, 'cadre', mountainBatch(householdId)));
  t.same(again.map((r) => r.status), ['replayed', 'replayed', 'replayed', 'replayed']);
  t.same(again.map((r) => ({ ...r, status: 'applied' })), first, 'each item answers exactly as the first time, server time included');
  t.same(await counts(h), before, 'no visit, ticket, event, outbox row or record was added');
});

t.test('a refused item in the middle is reported with its code; the items before and after it apply, and a retry answers the same', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const opened = results(await sync(h, 'cadre', {
    items: [{ kind: 'ticket', clientId: 'k-1', deviceTime: VISIT_TIME, householdId, category: 'water', description: '自来水停水', mode: 'onSite' }],
  }));
  const withdrawnId = opened[0]?.ticketId as string;
  // While the cadre is offline the household withdraws the matter through the town.
  const withdraw = await h.app.inject({
    method: 'POST', url: `/v1/tickets/${withdrawnId}/events`, headers: await h.auth('dispatcher'), payload: { type: 'WITHDRAW', reason: '群众已自行解决' },
  });
  t.equal(withdraw.statusCode, 200, withdraw.body);

  const batch = {
    items: [
      { kind: 'ticket', clientId: 'k-2', deviceTime: EVENT_TIME, householdId, category: 'subsidy', description: '低保申请', mode: 'proxy' },
      { kind: 'event', clientId: 'k-1-resolve', deviceTime: EVENT_TIME, ticketClientId: 'k-1', type: 'RESOLVE', summary: '已修复' },
      { kind: 'event', clientId: 'k-2-stale', deviceTime: EVENT_TIME, ticketClientId: 'k-2', type: 'RESOLVE', summary: '材料已递交', expectedVersion: 5 },
      { kind: 'visit', clientId: 'v-fax', deviceTime: EVENT_TIME, householdId, channel: 'fax' },
      { kind: 'event', clientId: 'k-2-timer', deviceTime: EVENT_TIME, ticketClientId: 'k-2', type: 'DEADLINE_PASSED' },
      { kind: 'event', clientId: 'k-9', deviceTime: EVENT_TIME, ticketClientId: 'never-sent', type: 'RESOLVE', summary: '已办' },
      { kind: 'event', clientId: 'k-2-resolve', deviceTime: EVENT_TIME, ticketClientId: 'k-2', type: 'RESOLVE', summary: '材料已递交', expectedVersion: 1 },
    ],
  };
  const before = await counts(h);
  const res = results(await sync(h, 'cadre', batch));
  t.same(
    res.map((r) => [r.clientId, r.status, r.code]),
    [
      ['k-2', 'applied', undefined],
      ['k-1-resolve', 'refused', 'event_not_allowed'],
      ['k-2-stale', 'refused', 'version_conflict'],
      ['v-fax', 'refused', 'validation_failed'],
      ['k-2-timer', 'refused', 'worker_only_event'],
      ['k-9', 'refused', 'unknown_ticket_reference'],
      ['k-2-resolve', 'applied', undefined],
    ],
    JSON.stringify(res),
  );
  t.match(res[1]?.message, /RESOLVE is not allowed in state withdrawn/);
  t.match(res[3]?.message, /items\/3\/channel/, 'the message names the bad field');
  t.match(res[6], { ticketId: res[0]?.ticketId, version: 2 }, 'the item after the refusals applied, on the ticket made before them');
  const withdrawn = await h.db.selectFrom('tickets').select(['state', 'version']).where('id', '=', withdrawnId).executeTakeFirstOrThrow();
  t.same(withdrawn, { state: 'withdrawn', version: 2 }, 'the refused event changed nothing');
  const after = await counts(h);
  t.same(
    added(after, before, ['tickets', 'ticket_events', 'visits']),
    { tickets: 1, ticket_events: 2, visits: 0 },
    'one ticket registered and resolved; nothing from the refused items',
  );
  t.equal(after.sync_records - before.sync_records, 7, 'refusals are remembered too');

  // Retried: the refusals are answered again, not re-tried (the ticket might have moved on since).
  const again = results(await sync(h, 'cadre', batch));
  t.same(again.map((r) => [r.status, r.replayed, r.code]), [
    ['replayed', undefined, undefined],
    ['refused', true, 'event_not_allowed'],
    ['refused', true, 'version_conflict'],
    ['refused', true, 'validation_failed'],
    ['refused', true, 'worker_only_event'],
    ['refused', true, 'unknown_ticket_reference'],
    ['replayed', undefined, undefined],
  ]);
  t.same(await counts(h), after);

  // One client id, another item: refused, and the first item's record stands.
  const reused = results(await sync(h, 'cadre', {
    items: [{ kind: 'ticket', clientId: 'k-2', deviceTime: EVENT_TIME, householdId, category: 'subsidy', description: '另一件事' }],
  }));
  t.match(reused, [{ status: 'refused', code: 'idempotency_key_reused' }]);
  t.same(await counts(h), after);
});

t.test('two concurrent sends of the same batch apply each item once', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[1] as string;
  const batch = mountainBatch(householdId);
  const before = await counts(h);
  const [a, b] = (await Promise.all([sync(h, 'cadre', batch), sync(h, 'cadre', batch)])).map(results) as [Result[], Result[]];
  for (const [i, r] of a.entries()) {
    const other = b[i] as Result;
    t.same([r.status, other.status].sort(), ['applied', 'replayed'], `item ${r.clientId}: applied by one send, replayed by the other`);
    t.same({ ...r, status: '' }, { ...other, status: '' }, `item ${r.clientId}: both sends answer the same`);
  }
  const after = await counts(h);
  t.same(
    added(after, before, ['visits', 'tickets', 'ticket_events', 'sync_records']),
    { visits: 1, tickets: 2, ticket_events: 4, sync_records: 5 },
    'one visit, two tickets (REGISTER each, RESOLVE, FEEDBACK_GIVEN) and one record per client id',
  );
  const twice = await h.db.selectFrom('outbox').select('job_id').groupBy('job_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
  t.same(twice, [], 'no timer or notification was planned twice');
  t.ok(after.outbox > before.outbox, 'the applied items planned their timers');
});

t.test('a whole-batch problem is a 400 that applies nothing; each item is checked as its own route would', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const ticket = (clientId: string) => ({ kind: 'ticket', clientId, deviceTime: EVENT_TIME, householdId, category: 'road', description: '路灯坏了' });
  const before = await counts(h);
  const bad: Array<[string, unknown, string]> = [
    ['one clientId twice', { items: [ticket('x-1'), ticket('x-2'), ticket('x-1')] }, 'duplicate_client_id'],
    ['a visit ticket under an item\'s clientId', { items: [ticket('x-1'), { ...mountainBatch(householdId).items[0], clientId: 'x-2', tickets: [{ clientId: 'x-1', category: 'road', description: '路灯' }] }] }, 'duplicate_client_id'],
    ['too many items', { items: Array.from({ length: 501 }, (_, i) => ticket(`n-${i}`)) }, 'validation_failed'],
    ['an item without a device time', { items: [ticket('x-1'), { kind: 'ticket', clientId: 'x-2', householdId, category: 'road', description: '路灯' }] }, 'validation_failed'],
    ['an unknown kind', { items: [ticket('x-1'), { kind: 'payment', clientId: 'x-2', deviceTime: EVENT_TIME }] }, 'validation_failed'],
    ['an unknown envelope field', { items: [ticket('x-1')], user: 'someone-else' }, 'validation_failed'],
  ];
  for (const [what, payload, code] of bad) {
    const res = await sync(h, 'cadre', payload);
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.equal(res.json().code, code, what);
    t.type(res.json().message, 'string');
  }
  t.same(await counts(h), before, 'nothing was applied or recorded');

  // The same checks as the normal routes: a dispatcher may register and send events, but records no visits.
  const res = results(await sync(h, 'dispatcher', { items: [mountainBatch(householdId).items[0], ticket('d-1')] }));
  t.match(res, [{ clientId: 'v-1', status: 'refused', code: 'forbidden' }, { clientId: 'd-1', status: 'applied' }]);
  const away = results(await sync(h, 'cadre', {
    items: [{ kind: 'ticket', clientId: 'far', deviceTime: EVENT_TIME, householdId: h.county.households[8], category: 'road', description: '别镇的路' }],
  }));
  t.match(away, [{ status: 'refused', code: 'unknown_household' }], 'a household of another town does not exist for the cadre');
});
