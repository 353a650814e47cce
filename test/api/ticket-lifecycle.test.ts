// Each handling mode carried through the API from registration to 销号, plus reopen on a dissatisfied callback.
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';

type Json = Record<string, unknown> & { id: string; state: string; version: number };

async function register(h: TestApp, user: string, payload: Record<string, unknown>): Promise<Json> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth(user), payload });
  if (res.statusCode !== 201) throw new Error(`register failed ${res.statusCode} ${res.body}`);
  return res.json();
}

async function send(h: TestApp, user: string, id: string, payload: Record<string, unknown>): Promise<Json> {
  const res = await h.app.inject({ method: 'POST', url: `/v1/tickets/${id}/events`, headers: await h.auth(user), payload });
  if (res.statusCode !== 200) throw new Error(`${String(payload.type)} failed ${res.statusCode} ${res.body}`);
  return res.json();
}

const closeOut = async (h: TestApp, id: string) => {
  await send(h, 'cadre', id, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true, note: '已入户告知' });
  return send(h, 'town-supervisor', id, { type: 'CALLBACK', rating: 'satisfied' });
};

t.test('on-site matter: registered straight into 即办, resolved, fed back, called back, closed', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, 'cadre', {
    householdId: h.county.households[0], category: 'policy_question', description: '咨询医保缴费', mode: 'onSite',
  });
  t.equal(ticket.state, 'onSite');
  t.match(ticket.number, /^2026-\d{6}$/);
  t.equal(ticket.dueAt, '2026-11-23T16:00:00.000Z', 'same day: due at midnight Beijing time');
  const resolved = await send(h, 'cadre', ticket.id, { type: 'RESOLVE', summary: '已现场解答' });
  t.equal(resolved.state, 'awaitingFeedback');
  const closed = await closeOut(h, ticket.id);
  t.equal(closed.state, 'closed');
  t.equal(closed.stateLabel && (closed.stateLabel as { zh: string }).zh, '已销号');
  t.type(closed.closedAt, 'string');
  t.same(closed.allowedEvents, [], 'a closed ticket accepts nothing');
  const timeline = closed.timeline as Array<{ type: string; version: number; actor: { id: string } }>;
  t.same(timeline.map((e) => e.type), ['REGISTER', 'RESOLVE', 'FEEDBACK_GIVEN', 'CALLBACK']);
  t.same(timeline.map((e) => e.version), [1, 2, 3, 4]);
  t.equal(timeline[3]?.actor.id, h.county.staff['town-supervisor'], 'the staff member is the actor');
});

t.test('proxy errand: triaged from registered, 24 h limit, closed', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, 'cadre', { householdId: h.county.households[1], category: 'household_registration', description: '新生儿落户' });
  t.equal(ticket.state, 'registered');
  const proxy = await send(h, 'dispatcher', ticket.id, { type: 'TRIAGE', mode: 'proxy' });
  t.equal(proxy.state, 'proxy');
  t.equal(proxy.mode, 'proxy');
  t.equal(proxy.dueAt, '2026-11-24T02:00:00.000Z', '24 hours after triage');
  await send(h, 'cadre', ticket.id, { type: 'RESOLVE', summary: '已代办落户' });
  t.equal((await closeOut(h, ticket.id)).state, 'closed');
});

t.test('joint case: reported up, returned, re-dispatched, accepted, resolved by the department, closed', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { units } = h.county;
  const ticket = await register(h, 'cadre', { householdId: h.county.households[2], category: 'irrigation', description: '水渠渗漏', mode: 'onSite' });
  const up = await send(h, 'cadre', ticket.id, { type: 'REPORT_UP', leadUnitId: units['dept-transport'], note: '需县直部门' });
  t.equal(up.state, 'joint.dispatched');
  t.equal(up.leadUnitId, units['dept-transport']);
  // The lead department (交通局) returns it: only the department a case is sent to sees and answers it.
  const returned = await send(h, 'transport', ticket.id, { type: 'RETURN', reason: '非本部门职责' });
  t.equal(returned.state, 'joint.returned');
  t.same(returned.allowedEvents, ['DISPATCH', 'WITHDRAW', 'MERGE', 'REJECT', 'SUPERVISE', 'PAUSE']);
  const again = await send(h, 'dispatcher', ticket.id, {
    type: 'DISPATCH', leadUnitId: units['dept-water'], coUnitIds: [units['dept-civil']],
  });
  t.equal(again.state, 'joint.dispatched');
  t.same(again.coUnitIds, [units['dept-civil']]);
  const accepted = await send(h, 'water', ticket.id, { type: 'ACCEPT' });
  t.equal(accepted.state, 'joint.inProgress');
  t.equal(accepted.dueAt, '2026-11-30T16:00:00.000Z', '5 working days: Tue..Fri and the next Mon, end of day');
  await send(h, 'water', ticket.id, { type: 'RESOLVE', summary: '已修复渠道' });
  const closed = await closeOut(h, ticket.id);
  t.equal(closed.state, 'closed');
  t.equal(closed.mode, 'joint');
});

t.test('joint case registered directly with a lead department', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, 'cadre', {
    unitId: h.county.units['village-1-1'], category: 'road', description: '通组路塌方', mode: 'joint', leadUnitId: h.county.units['dept-transport'],
  });
  t.equal(ticket.state, 'joint.dispatched');
  t.equal(ticket.householdId, null);
});

t.test('a dissatisfied callback reopens in the last handling state; a second one also escalates', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, 'cadre', { householdId: h.county.households[3], category: 'subsidy', description: '低保申请', mode: 'proxy' });
  await send(h, 'cadre', ticket.id, { type: 'RESOLVE', summary: '已提交申请' });
  await send(h, 'cadre', ticket.id, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true });
  const reopened = await send(h, 'town-supervisor', ticket.id, { type: 'CALLBACK', rating: 'dissatisfied', note: '还没批下来' });
  t.equal(reopened.state, 'proxy', '重办: back to proxy handling');
  t.equal(reopened.reopenCount, 1);
  t.equal(reopened.level, 'village');
  await send(h, 'cadre', ticket.id, { type: 'RESOLVE', summary: '已批' });
  await send(h, 'cadre', ticket.id, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: false });
  const second = await send(h, 'town-supervisor', ticket.id, { type: 'CALLBACK', rating: 'dissatisfied' });
  t.equal(second.state, 'proxy');
  t.equal(second.reopenCount, 2);
  t.equal(second.level, 'town', 'second dissatisfied callback climbs to the town supervision office');
  await send(h, 'cadre', ticket.id, { type: 'RESOLVE', summary: '已发放' });
  await send(h, 'cadre', ticket.id, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true });
  const closed = await send(h, 'town-supervisor', ticket.id, { type: 'CALLBACK', rating: 'basically_satisfied' });
  t.equal(closed.state, 'closed');
});

t.test('withdraw, merge and reject end a ticket with their reason on the timeline', async (t) => {
  const h = await buildTestApp(t.teardown);
  const base = { householdId: h.county.households[2], category: 'other', description: '事项' };
  const a = await register(h, 'cadre', base);
  const b = await register(h, 'cadre', base);
  const c = await register(h, 'cadre', base);
  t.equal((await send(h, 'cadre', a.id, { type: 'WITHDRAW', reason: '群众已自行解决' })).state, 'withdrawn');
  const merged = await send(h, 'dispatcher', b.id, { type: 'MERGE', into: c.id });
  t.equal(merged.state, 'merged');
  const rejected = await send(h, 'dispatcher', c.id, { type: 'REJECT', reason: '属司法程序事项' });
  t.equal(rejected.state, 'rejected');
  const timeline = rejected.timeline as Array<{ type: string; payload: Record<string, unknown> }>;
  t.same(timeline.at(-1)?.payload, { reason: '属司法程序事项' });
});

t.test('extension: requested, approved, the deadline moves', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, 'cadre', { householdId: h.county.households[3], category: 'insurance', description: '补办社保卡', mode: 'proxy' });
  const requested = await send(h, 'cadre', ticket.id, { type: 'REQUEST_EXTENSION', until: '2026-11-27T10:00:00+08:00', reason: '需等待县里制卡' });
  t.ok((requested.allowedEvents as string[]).includes('APPROVE_EXTENSION'));
  const approved = await send(h, 'town-supervisor', ticket.id, { type: 'APPROVE_EXTENSION' });
  t.equal(approved.dueAt, '2026-11-27T02:00:00.000Z');
  t.notOk((approved.allowedEvents as string[]).includes('APPROVE_EXTENSION'));
});
