// Offline sync across channels: a visit posted online then synced, and events on tickets the cadre may not touch.
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { added, counts, EVENT_TIME, results, sync, VISIT_TIME } from './sync-fixture.js';
import { claimVisitTicketRecord } from '../../src/store/sync.repository.js';

t.test('a visit first posted through /v1/visits, then synced: its tickets answer to their client ids, so the events on them apply', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const sentTicket = { category: 'insurance', description: '老人医保报销咨询', mode: 'onSite' };
  // The phone got the visit through while in signal, then lost the answer and queued it for sync with the rest.
  const posted = await h.app.inject({
    method: 'POST', url: '/v1/visits', headers: await h.auth('cadre'),
    payload: { householdId, channel: 'in_person', confirmationCode: '4821', clientId: 'v-x', deviceTime: VISIT_TIME, tickets: [sentTicket] },
  });
  t.equal(posted.statusCode, 201, posted.body);
  const [ticketId] = posted.json().ticketIds as [string];
  const batch = {
    items: [
      { kind: 'visit', clientId: 'v-x', deviceTime: VISIT_TIME, householdId, channel: 'in_person', confirmationCode: '4821', tickets: [{ clientId: 't-x', ...sentTicket }] },
      { kind: 'event', clientId: 'e-x-1', deviceTime: EVENT_TIME, ticketClientId: 't-x', type: 'RESOLVE', summary: '现场讲解报销流程', expectedVersion: 1 },
      { kind: 'event', clientId: 'e-x-2', deviceTime: EVENT_TIME, ticketClientId: 't-x', type: 'FEEDBACK_GIVEN', confirmedByHousehold: true },
    ],
  };
  const before = await counts(h);
  const first = results(await sync(h, 'cadre', batch));
  t.same(first.map((r) => [r.clientId, r.status, r.code]), [['v-x', 'replayed', undefined], ['e-x-1', 'applied', undefined], ['e-x-2', 'applied', undefined]],
    JSON.stringify(first));
  t.match(first[0], { visitId: posted.json().id, tickets: [{ clientId: 't-x', ticketId }] }, 'the posted visit answers its ticket under the device\'s client id');
  t.match(first[2], { ticketId, version: 3 });
  const detail = await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticketId}`, headers: await h.auth('cadre') });
  t.same((detail.json().timeline as Array<{ type: string }>).map((e) => e.type), ['REGISTER', 'RESOLVE', 'FEEDBACK_GIVEN']);
  const after = await counts(h);
  t.same(added(after, before, ['visits', 'tickets', 'ticket_events', 'sync_records']), { visits: 0, tickets: 0, ticket_events: 2, sync_records: 4 },
    'no second visit or ticket; a record for the visit, its ticket and each event');
  const record = await h.db.selectFrom('sync_records').selectAll().where('client_id', '=', 't-x').executeTakeFirstOrThrow();
  t.match(record, { kind: 'visit_ticket', outcome: 'applied', ticket_id: ticketId, visit_id: posted.json().id, version: 1 });

  // The answer was lost again: the retry replays everything and writes nothing.
  const again = results(await sync(h, 'cadre', batch));
  t.same(again.map((r) => r.status), ['replayed', 'replayed', 'replayed']);
  t.same(again[0], first[0]);
  t.same(await counts(h), after);
  // A record the visit already holds is claimed again without complaint; one naming another ticket is not.
  t.ok(await claimVisitTicketRecord(h.db, record), 'the same ticket of the same visit');
  t.notOk(await claimVisitTicketRecord(h.db, { ...record, kind: 'ticket', visit_id: null }), 'nor one the client id holds for another item');
});

t.test('a posted visit synced with another number of tickets is refused: its tickets are not guessed at', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const sentTicket = { category: 'road', description: '村道塌方', mode: 'proxy' };
  const posted = await h.app.inject({
    method: 'POST', url: '/v1/visits', headers: await h.auth('cadre'),
    payload: { householdId, channel: 'in_person', clientId: 'v-y', tickets: [sentTicket] },
  });
  t.equal(posted.statusCode, 201, posted.body);
  const before = await counts(h);
  const res = results(await sync(h, 'cadre', {
    items: [
      {
        kind: 'visit', clientId: 'v-y', deviceTime: VISIT_TIME, householdId, channel: 'in_person',
        tickets: [{ clientId: 'y-1', ...sentTicket }, { clientId: 'y-2', category: 'water', description: '水渠漏水', mode: 'onSite' }],
      },
      { kind: 'event', clientId: 'e-y', deviceTime: EVENT_TIME, ticketClientId: 'y-1', type: 'RESOLVE', summary: '已上报' },
      { kind: 'ticket', clientId: 'k-y', deviceTime: EVENT_TIME, householdId, category: 'subsidy', description: '低保申请', mode: 'proxy' },
    ],
  }));
  t.same(res.map((r) => [r.clientId, r.status, r.code]), [
    ['v-y', 'refused', 'idempotency_key_reused'],
    ['e-y', 'refused', 'unknown_ticket_reference'],
    ['k-y', 'applied', undefined],
  ], JSON.stringify(res));
  t.match(res[0]?.message, /posted with 1 ticket\(s\); this item sends 2/);
  const records = await h.db.selectFrom('sync_records').select(['client_id', 'outcome']).orderBy('client_id').execute();
  t.same(records, [{ client_id: 'e-y', outcome: 'refused' }, { client_id: 'k-y', outcome: 'applied' }, { client_id: 'v-y', outcome: 'refused' }],
    'no record for either of the visit\'s tickets');
  t.same(added(await counts(h), before, ['visits', 'tickets', 'ticket_events']), { visits: 0, tickets: 1, ticket_events: 1 }, 'only the ticket item wrote');
});

t.test('an event naming by ticketId a ticket of another town is refused as the events route refuses it, and writes only its refusal', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const opened = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('town2-office'),
    payload: { householdId: h.county.households[8], category: 'road', description: '别镇的路', mode: 'proxy' },
  });
  t.equal(opened.statusCode, 201, opened.body);
  const foreignId = opened.json().id as string;
  const resolve = { type: 'RESOLVE', summary: '已修复' };
  const direct = await h.app.inject({ method: 'POST', url: `/v1/tickets/${foreignId}/events`, headers: await h.auth('cadre'), payload: resolve });
  t.equal(direct.statusCode, 404, direct.body);
  const foreignBefore = await h.db.selectFrom('tickets').selectAll().where('id', '=', foreignId).executeTakeFirstOrThrow();
  const foreignOutbox = async () => (await h.db.selectFrom('outbox').select('job_id').where('ticket_id', '=', foreignId).orderBy('job_id').execute()).map((r) => r.job_id);
  const plannedBefore = await foreignOutbox();
  const before = await counts(h);

  const res = results(await sync(h, 'cadre', {
    items: [
      { kind: 'ticket', clientId: 'k-1', deviceTime: EVENT_TIME, householdId, category: 'subsidy', description: '低保申请', mode: 'proxy' },
      { kind: 'event', clientId: 'far-1', deviceTime: EVENT_TIME, ticketId: foreignId, ...resolve },
      { kind: 'event', clientId: 'k-1-resolve', deviceTime: EVENT_TIME, ticketClientId: 'k-1', ...resolve, expectedVersion: 1 },
    ],
  }));
  t.same(res.map((r) => [r.clientId, r.status, r.code]), [
    ['k-1', 'applied', undefined],
    ['far-1', 'refused', direct.json().code],
    ['k-1-resolve', 'applied', undefined],
  ], JSON.stringify(res));
  t.equal(direct.json().code, 'ticket_not_found', 'a ticket outside the cadre\'s places does not exist for them');
  t.notMatch(res[1]?.message ?? '', /town|jurisdiction|白水/, 'the refusal does not tell that the ticket exists elsewhere');
  t.same(await h.db.selectFrom('tickets').selectAll().where('id', '=', foreignId).executeTakeFirstOrThrow(), foreignBefore, 'the other town\'s ticket is untouched');
  const after = await counts(h);
  t.same(
    added(after, before, ['tickets', 'ticket_events', 'visits', 'sync_records']),
    { tickets: 1, ticket_events: 2, visits: 0, sync_records: 3 },
    'the ticket registered and resolved; the refused event wrote only its record',
  );
  const far = await h.db.selectFrom('sync_records').selectAll().where('client_id', '=', 'far-1').executeTakeFirstOrThrow();
  t.match(far, { kind: 'event', outcome: 'refused', code: 'ticket_not_found', ticket_id: null, version: null });
  t.same(await foreignOutbox(), plannedBefore, 'nothing planned for the other town\'s ticket');
});
