// Due timers applied in batches: the same rows as one transition at a time, outcomes per timer, and a bad timer failing alone.
import t from 'tap';
import pino from 'pino';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.js';
import { applyTimerEvents, transitionTicket, type TimerRequest } from '../../src/services/transition-ticket.service.js';
import { deadlineJobId } from '../../src/services/effect-plan.service.js';
import { deadlineProcessor } from '../../src/workers/processors/deadline.processor.js';
import { GroupBatcher } from '../../src/workers/group.batcher.js';

const silent = pino({ level: 'silent' });
const HOUR = 3600_000;

/** An accepted joint case with a co-department: its row carries every kind of column a transition writes. */
async function acceptedJoint(h: TestApp): Promise<{ id: string; number: string; dueAt: string; clock: number }> {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: {
      unitId: h.county.units['village-1-1'], category: 'road', description: '通组路塌方', mode: 'joint',
      leadUnitId: h.county.units['dept-transport'], coUnitIds: [h.county.units['dept-water']],
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  const accepted = await h.app.inject({ method: 'POST', url: `/v1/tickets/${res.json().id}/events`, headers: await h.auth('transport'), payload: { type: 'ACCEPT' } });
  const { clock } = await h.db.selectFrom('tickets').select('clock').where('id', '=', res.json().id).executeTakeFirstOrThrow();
  return { ...accepted.json(), clock };
}

/** The red card of the ticket's running clock at village level. */
const passed = (h: TestApp, ticket: { id: string; clock: number }): TimerRequest => ({
  countyId: h.county.countyId, ticketId: ticket.id, event: { type: 'DEADLINE_PASSED', clock: ticket.clock, level: 'village' },
});

/** What a transition wrote for a ticket, with the ticket's own id and number taken out so two tickets compare. */
async function written(h: TestApp, ticket: { id: string; number: string }) {
  const { id, number } = ticket;
  const strip = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(id, '<id>').replaceAll(number, '<number>'));
  const row = await h.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const { id: _id, number: _number, created_at: _created, ...columns } = row;
  const events = await h.db.selectFrom('ticket_events').select(['version', 'type', 'actor_kind', 'actor_name', 'payload', 'from_state', 'to_state', 'level', 'created_at'])
    .where('ticket_id', '=', id).orderBy('version').execute();
  const outbox = await h.db.selectFrom('outbox').select(['topic', 'job_id', 'payload', 'run_at', 'relayed_at']).where('ticket_id', '=', id).orderBy('id').execute();
  // The deadline job id carries the ticket id in base64url.
  const compact = Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
  return strip({ columns, events, outbox: outbox.map((o) => ({ ...o, job_id: o.job_id.replace(compact, '<compact>') })) });
}

t.test('a batch of red cards writes exactly what one transition at a time writes', async (t) => {
  const h = await buildTestApp(t.teardown);
  // Monday 28 December 2026: the deadlines run into 2027, which has no calendar yet, so each keeps its basis.
  h.clock.set('2026-12-28T02:00:00Z');
  const alone = await acceptedJoint(h);
  const batched = [await acceptedJoint(h), await acceptedJoint(h), await acceptedJoint(h)];
  h.clock.advance(10 * 24 * HOUR);
  await transitionTicket(h.services, { ...passed(h, alone), actor: { kind: 'system', name: 'deadline-worker' } });
  const outcomes = await applyTimerEvents(h.services, batched.map((b) => passed(h, b)));
  t.same(outcomes.map((o) => o.ok && o.ticket.level), ['town', 'town', 'town'], 'each climbed to the town');
  const expected = await written(h, alone);
  t.equal(expected.columns.level, 'town');
  t.equal(expected.columns.co_unit_ids.length, 1, 'the co-department is kept');
  t.match(expected.columns, { due_uncovered: true, due_basis: { limit: { unit: 'workdays', value: 2 }, shiftMs: 0 } }, 'the town deadline is a guess with its basis');
  t.equal(expected.outbox.filter((o: { job_id: string }) => o.job_id.endsWith(`.${alone.clock}.t.p`)).length, 1, 'the town deadline is scheduled');
  for (const b of batched) t.same(await written(h, b), expected, `ticket ${b.number} matches row, events and outbox`);
  t.same(
    outcomes.map((o) => o.ok && o.ticket.version),
    batched.map(() => expected.columns.version),
    'the batch returns the rows as written',
  );
});

t.test('each timer of a batch gets its own outcome: applied, stale, or no such ticket', async (t) => {
  const h = await buildTestApp(t.teardown);
  const [a, b, c] = [await acceptedJoint(h), await acceptedJoint(h), await acceptedJoint(h)];
  h.clock.advance(10 * 24 * HOUR);
  t.ok((await applyTimerEvents(h.services, [passed(h, b)]))[0]?.ok, 'b escalated first');
  const otherCounty = { ...passed(h, c), countyId: '00000000-0000-4000-8000-000000000000' };
  const missing = passed(h, { id: '00000000-0000-7000-8000-000000000001', clock: a.clock });
  const outcomes = await applyTimerEvents(h.services, [passed(h, a), passed(h, b), otherCounty, missing]);
  t.same(
    outcomes.map((o) => (o.ok ? 'applied' : o.error.code)),
    // b is at town level now: a village red card is a payload its state refuses.
    ['applied', 'invalid_payload', 'ticket_not_found', 'ticket_not_found'],
  );
  const { rows } = await sql<{ ticket_id: string; n: number }>`
    select ticket_id, count(*)::int as n from ticket_events where type = 'DEADLINE_PASSED' group by ticket_id`.execute(h.db);
  t.same(new Map(rows.map((r) => [r.ticket_id, r.n])), new Map([[a.id, 1], [b.id, 1]]), 'a and b once each; c, in its own county, untouched');
  await t.rejects(applyTimerEvents(h.services, [passed(h, a), passed(h, a)]), /one timer per ticket/);
});

t.test('timers handed to the processor together are applied in one transaction', async (t) => {
  const h = await buildTestApp(t.teardown);
  const tickets = [await acceptedJoint(h), await acceptedJoint(h), await acceptedJoint(h)];
  h.clock.advance(10 * 24 * HOUR);
  const process = deadlineProcessor(h.services, silent);
  const jobs = tickets.map((x) => ({ id: deadlineJobId(x.id, x.clock, 'village', 'passed'), data: { countyId: h.county.countyId, dueAt: Date.parse(x.dueAt) } }));
  t.same(await Promise.all(jobs.map((j) => process(j as never))), ['applied', 'applied', 'applied']);
  // Rows written by one transaction carry its id (xmin).
  const { rows } = await sql<{ xmin: string }>`select xmin::text from tickets where id = any(${tickets.map((x) => x.id)}::uuid[])`.execute(h.db);
  t.equal(new Set(rows.map((r) => r.xmin)).size, 1, 'one transaction for the three');
});

t.test('a timer that cannot be applied fails alone: the other timers of its batch still escalate once', async (t) => {
  const h = await buildTestApp(t.teardown);
  const tickets = [await acceptedJoint(h), await acceptedJoint(h), await acceptedJoint(h)];
  const broken = tickets[1];
  if (!broken) throw new Error('no ticket');
  // A snapshot the machine cannot resolve (say, written by hand): restoring it throws, which is no DomainError.
  await sql`update tickets set snapshot = '{"value": {"joint": "nowhere"}, "context": {}}' where id = ${broken.id}`.execute(h.db);
  h.clock.advance(10 * 24 * HOUR);
  const process = deadlineProcessor(h.services, silent);
  const jobs = tickets.map((x) => ({ id: deadlineJobId(x.id, x.clock, 'village', 'passed'), data: { countyId: h.county.countyId, dueAt: Date.parse(x.dueAt) } }));
  // Handed in together, so they start as one batch.
  const results = await Promise.allSettled(jobs.map((j) => process(j as never)));
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.same(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')), ['applied', 'failed', 'applied']);
  const levels = await h.db.selectFrom('tickets').select(['id', 'level']).where('id', 'in', tickets.map((x) => x.id)).execute();
  t.same(new Map(levels.map((l) => [l.id, l.level])), new Map(tickets.map((x) => [x.id, x === broken ? 'village' : 'town'])));
  const events = await h.db.selectFrom('ticket_events').select('ticket_id').where('type', '=', 'DEADLINE_PASSED').execute();
  t.equal(events.length, 2, 'two escalations, none doubled by the retry one by one');
});

t.test('the batcher groups what arrives together, one item per key, at most maxInFlight batches at once', async (t) => {
  const calls: string[][] = [];
  let running = 0;
  let most = 0;
  const release: Array<() => void> = [];
  const batcher = new GroupBatcher<string, string>(
    async (items) => {
      calls.push(items);
      most = Math.max(most, ++running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return items.map((i) => i.toUpperCase());
    },
    (item) => item.slice(0, 1),
    { maxBatch: 3, maxInFlight: 1 },
  );
  const all = Promise.all(['a1', 'b1', 'a2', 'c1', 'd1'].map((i) => batcher.submit(i)));
  while (release.length === 0) await new Promise((resolve) => setImmediate(resolve));
  t.same(calls, [['a1', 'b1', 'c1']], 'the first batch: three items, distinct keys, in arrival order');
  t.same(batcher.load, { waiting: 2, running: 1 });
  release.shift()?.();
  while (release.length === 0) await new Promise((resolve) => setImmediate(resolve));
  t.same(calls[1], ['a2', 'd1'], 'the rest, after the first batch ended');
  release.shift()?.();
  t.same(await all, ['A1', 'B1', 'A2', 'C1', 'D1'], 'each caller gets its own result');
  t.equal(most, 1, 'never two batches at once');
  t.same(batcher.load, { waiting: 0, running: 0 });
});

t.test('a failing batch is retried one item at a time: only the bad item rejects', async (t) => {
  const calls: string[][] = [];
  const batcher = new GroupBatcher<string, string>(
    async (items) => {
      calls.push(items);
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
      return items.map((i) => `ok ${i}`);
    },
    (item) => item,
    { maxBatch: 10, maxInFlight: 2 },
  );
  const results = await Promise.allSettled(['x', 'bad', 'y'].map((i) => batcher.submit(i)));
  t.same(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), ['ok x', 'refused bad', 'ok y']);
  t.same(calls, [['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
});
