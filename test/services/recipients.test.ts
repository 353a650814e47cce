// Who is told: the payloads the transitions write, resolved to units of the demo county (and the cadre by name).
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';
import { resolveRecipients } from '../../src/services/recipients.service.js';
import { transitionTicket } from '../../src/services/transition-ticket.service.js';
import type { NotificationJob } from '../../src/workers/queues.js';

const HOUR = 3600_000;

// A cadre registers only in their own village; other places are registered by that town's office.
const register = async (h: TestApp, payload: Record<string, unknown>, user = 'cadre'): Promise<{ id: string }> =>
  (await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth(user), payload })).json();

/** Applies a timer event at the ticket's current clock and level, as the deadline worker would. */
async function timer(h: TestApp, ticketId: string, type: 'DEADLINE_WARNING' | 'DEADLINE_PASSED') {
  const row = await h.db.selectFrom('tickets').select(['clock', 'level']).where('id', '=', ticketId).executeTakeFirstOrThrow();
  await transitionTicket(h.services, {
    countyId: h.county.countyId,
    ticketId,
    event: { type, clock: row.clock, level: row.level as 'village' | 'town' | 'county' },
    actor: { kind: 'system', name: 'test' },
  });
}

/** The ticket's notification payloads for a topic, newest last, as the relay would queue them. */
async function notices(h: TestApp, ticketId: string, topic: string): Promise<NotificationJob[]> {
  const rows = await h.db.selectFrom('outbox').select('payload').where('ticket_id', '=', ticketId).where('topic', '=', 'notification').orderBy('id').execute();
  return rows.map((r) => r.payload as unknown as NotificationJob).filter((p) => p.topic === topic);
}

const recipientsOf = async (h: TestApp, job: NotificationJob | undefined) => {
  if (!job) throw new Error('no such notification');
  const resolved = await resolveRecipients(h.db, job);
  return resolved.recipients;
};

t.test('a proxy ticket: the cadre is warned, then the town and the county supervision offices are told', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, { householdId: h.county.households[0], category: 'insurance', description: '代办医保', mode: 'proxy' });

  h.clock.advance(20 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_WARNING');
  const [warning] = await notices(h, ticket.id, 'warning');
  t.match(warning, { audience: 'handler' });
  t.same(await recipientsOf(h, warning), [{
    role: 'handler', unitId: h.county.units['group-1-1-1'], unitName: '第1村民小组', unitKind: 'group',
    staffId: h.county.staff.cadre, staffName: '王包联（包联干部）',
  }], 'the cadre who registered it, at the ticket\'s unit');
  const resolved = await resolveRecipients(h.db, warning as NotificationJob);
  t.equal(resolved.countyId, h.county.countyId);

  h.clock.advance(5 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_PASSED');
  const [town] = await notices(h, ticket.id, 'escalated');
  t.match(town, { audience: 'townSupervision', level: 'town' });
  t.same(await recipientsOf(h, town), [{ role: 'townSupervision', unitId: h.county.units['town-1'], unitName: '青山镇', unitKind: 'town' }]);

  h.clock.advance(5 * 24 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_PASSED');
  const county = (await notices(h, ticket.id, 'escalated')).slice(1);
  t.same(county.map((n) => n.audience), ['countySupervision'], 'no departments on a case that has none');
  t.same(await recipientsOf(h, county[0]), [{ role: 'countySupervision', unitId: h.county.countyId, unitName: '示范县', unitKind: 'county' }]);
});

t.test('a joint case: its departments on dispatch, its lead when warned, and both with the county office at county level', async (t) => {
  const h = await buildTestApp(t.teardown);
  const lead = h.county.units['dept-transport'];
  const co = h.county.units['dept-water'];
  const ticket = await register(h, {
    unitId: h.county.units['village-2-1'], category: 'road', description: '通组路塌方', mode: 'joint', leadUnitId: lead, coUnitIds: [co],
  }, 'town2-office');
  const departments = [
    { role: 'lead', unitId: lead, unitName: '县交通运输局', unitKind: 'department' },
    { role: 'co', unitId: co, unitName: '县水务局', unitKind: 'department' },
  ];
  const [dispatched] = await notices(h, ticket.id, 'dispatched');
  t.same(await recipientsOf(h, dispatched), departments, 'lead (主办) and co-department (协办)');

  h.clock.advance(7 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_WARNING');
  t.same(await recipientsOf(h, (await notices(h, ticket.id, 'warning'))[0]), [departments[0] && { ...departments[0], role: 'handler' }],
    'the lead department handles a dispatched case');

  h.clock.advance(2 * 24 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_PASSED');
  const [town] = await notices(h, ticket.id, 'escalated');
  t.same(await recipientsOf(h, town), [{ role: 'townSupervision', unitId: h.county.units['town-2'], unitName: '白水镇', unitKind: 'town' }],
    'the town of the ticket\'s village');

  h.clock.advance(5 * 24 * HOUR);
  await timer(h, ticket.id, 'DEADLINE_PASSED');
  const atCounty = (await notices(h, ticket.id, 'escalated')).slice(1);
  t.same(atCounty.map((n) => n.audience), ['countySupervision', 'departments']);
  t.same(await recipientsOf(h, atCounty[0]), [{ role: 'countySupervision', unitId: h.county.countyId, unitName: '示范县', unitKind: 'county' }]);
  t.same(await recipientsOf(h, atCounty[1]), departments);
});

t.test('a returned case goes to the town dispatcher; an unknown ticket is an error', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, {
    unitId: h.county.units['village-1-2'], category: 'road', description: '桥梁裂缝', mode: 'joint', leadUnitId: h.county.units['dept-water'],
  }, 'dispatcher');
  // The service directly: who may send what is the API's business, not this test's.
  await transitionTicket(h.services, {
    countyId: h.county.countyId,
    ticketId: ticket.id,
    event: { type: 'RETURN', reason: '不属于水务职责' },
    actor: { kind: 'staff', staffId: h.county.staff.water as string },
  });
  const [returned] = await notices(h, ticket.id, 'returned');
  t.same(await recipientsOf(h, returned), [{ role: 'dispatcher', unitId: h.county.units['town-1'], unitName: '青山镇', unitKind: 'town' }]);
  await t.rejects(resolveRecipients(h.db, { ...(returned as NotificationJob), ticketId: '0190f0f0-0000-7000-8000-00000000dead' }), { code: 'ticket_not_found' });
});
