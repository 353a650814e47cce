// Visits (民情日志): a visit and its tickets commit together or not at all; retries by client id; who may record one.
import t from 'tap';
import { buildTestApp, writeCounts, type TestApp } from '../helper.js';

const visit = async (h: TestApp, user: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/v1/visits', headers: await h.auth(user), payload });

const visitCount = async (h: TestApp) => (await h.db.selectFrom('visits').select('id').execute()).length;

t.test('a visit opens its tickets in the same transaction; a bad ticket leaves no visit and no ticket', async (t) => {
  const h = await buildTestApp(t.teardown);
  const householdId = h.county.households[0] as string;
  const before = await writeCounts(h.db);
  const bad = await visit(h, 'cadre', {
    householdId, channel: 'in_person', confirmationCode: '4821',
    tickets: [
      { category: 'household_registration', description: '新生儿落户', mode: 'proxy' },
      { category: 'water', description: '水渠漏水', mode: 'joint' },
    ],
  });
  t.equal(bad.statusCode, 400, bad.body);
  t.equal(bad.json().code, 'validation_failed', 'joint handling without a lead department');
  t.same(await writeCounts(h.db), before, 'no ticket, event, outbox row or number was written');
  t.equal(await visitCount(h), 0, 'and no visit');

  const good = await visit(h, 'cadre', {
    householdId, channel: 'in_person', confirmationCode: '4821', notes: '家中有新生儿', mustAttend: 'wedding_funeral',
    deviceTime: '2026-11-23T01:58:00.000Z',
    tickets: [
      { category: 'household_registration', description: '新生儿落户', mode: 'proxy' },
      { category: 'water', description: '水渠漏水', mode: 'joint', leadUnitId: h.county.units['dept-water'] },
    ],
  });
  t.equal(good.statusCode, 201, good.body);
  const body = good.json();
  t.match(body, { householdId, cadreId: h.county.staff.cadre, confirmed: true, mustAttend: 'wedding_funeral', channel: 'in_person' });
  t.equal(body.visitedAt, h.clock.now().toISOString(), 'visit time is the server time');
  t.equal(body.deviceTime, '2026-11-23T01:58:00.000Z', 'the device time is kept beside it');
  t.equal(body.ticketIds.length, 2);
  const tickets = await h.db.selectFrom('tickets').select(['id', 'household_id', 'source', 'state']).orderBy('number').execute();
  t.same(tickets.map((x) => x.id), body.ticketIds);
  t.ok(tickets.every((x) => x.household_id === householdId && x.source === 'visit'));
  t.same(tickets.map((x) => x.state), ['proxy', 'joint.dispatched']);
});

t.test('a retried visit (same client id) answers the first one and writes nothing', async (t) => {
  const h = await buildTestApp(t.teardown);
  const payload = {
    householdId: h.county.households[1], channel: 'phone', clientId: 'phone-7f3a',
    tickets: [{ category: 'subsidy', description: '低保申请咨询', mode: 'onSite' }],
  };
  const first = await visit(h, 'cadre', payload);
  t.equal(first.statusCode, 201);
  t.equal(first.json().confirmed, false, 'no code and no photo: kept, but unconfirmed');
  const counts = await writeCounts(h.db);
  const again = await visit(h, 'cadre', payload);
  t.equal(again.statusCode, 200);
  t.same(again.json(), first.json());
  t.same(await writeCounts(h.db), counts);
  t.equal(await visitCount(h), 1);
});

t.test('only cadres record visits, at households of their places', async (t) => {
  const h = await buildTestApp(t.teardown);
  const own = h.county.households[0] as string;
  const otherTown = h.county.households[8] as string;
  t.equal((await visit(h, 'dispatcher', { householdId: own, channel: 'in_person' })).json().code, 'forbidden');
  t.equal((await visit(h, 'village', { householdId: own, channel: 'in_person' })).statusCode, 403);
  t.equal((await visit(h, 'cadre', { householdId: otherTown, channel: 'in_person' })).json().code, 'household_not_found');
  t.equal((await visit(h, 'cadre', { householdId: own, channel: 'fax' })).statusCode, 400);
  const future = await visit(h, 'cadre', { householdId: own, channel: 'in_person', visitedAt: '2026-11-24T02:00:00.000Z' });
  t.equal(future.json().code, 'invalid_payload');
  t.equal(await visitCount(h), 0);
});
