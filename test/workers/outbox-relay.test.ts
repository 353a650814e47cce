// Outbox → relay → BullMQ: deterministic job ids, no duplicates, timers applied at most once, notifications delivered.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import pino from 'pino';
import { buildTestApp, REDIS_URL } from '../helper.js';
import { OutboxRelay } from '../../src/workers/outbox-relay.js';
import { deadlineProcessor } from '../../src/workers/processors/deadline.processor.js';
import { startWorkers } from '../../src/workers/index.js';
import { QUEUE, redisOptions, type DeadlineJob, type NotificationJob } from '../../src/workers/queues.js';
import { deadlineJobId, parseDeadlineJobId } from '../../src/services/effect-plan.service.js';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

async function setup(t: { teardown: (fn: () => unknown) => void }) {
  const h = await buildTestApp(t.teardown);
  const settings = { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}` };
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, settings);
  t.teardown(async () => {
    await deadlines.obliterate({ force: true });
    await deadlines.close();
  });
  return { h, settings, deadlines };
}

t.test('a registered ticket\'s deadline reaches BullMQ once, keyed by ticket, clock and level', async (t) => {
  const { h, settings, deadlines } = await setup(t);
  const res = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { householdId: h.county.households[0], category: 'insurance', description: '代办医保', mode: 'proxy' },
  });
  const ticket = res.json();
  const relay = new OutboxRelay(h.db, settings, h.services.now);
  t.teardown(() => relay.close());
  t.equal(await relay.relayOnce(), 2, 'warning and deadline rows relayed');
  t.equal(await relay.relayOnce(), 0, 'nothing is relayed twice');
  const passed = await deadlines.getJob(deadlineJobId(ticket.id, 1, 'village', 'passed'));
  const warning = await deadlines.getJob(deadlineJobId(ticket.id, 1, 'village', 'warning'));
  t.ok(passed && warning, 'both jobs exist under their deterministic ids');
  t.same(parseDeadlineJobId(passed?.id ?? ''), { ticketId: ticket.id, clock: 1, level: 'village', kind: 'passed' }, 'the id names the timer');
  t.same(passed?.data, { countyId: h.county.countyId, dueAt: Date.parse(ticket.dueAt) }, 'the data adds only the county and the due time');
  t.equal(passed?.opts.delay, 24 * 3600_000, 'due 24 h after registration');
  t.equal(warning?.opts.delay, Math.round(0.8 * 24 * 3600_000), 'yellow card at 80 %');
  t.equal(await deadlines.getDelayedCount(), 2);

  // Run the real jobs' processor twice, as a duplicate delivery would: one escalation.
  h.clock.advance(24 * 3600_000 + 1000);
  const process = deadlineProcessor(h.services, silent);
  t.equal(await process(passed as Job<DeadlineJob>), 'applied');
  t.equal(await process(passed as Job<DeadlineJob>), 'stale', 'the duplicate is a no-op');
  t.equal(await process(warning as Job<DeadlineJob>), 'stale', 'a warning after the escalation is stale');
  const detail = (await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.id}`, headers: await h.auth('cadre') })).json();
  t.equal(detail.level, 'town');
  t.equal(detail.overdue, true);
  t.same(detail.timeline.map((e: { type: string }) => e.type), ['REGISTER', 'DEADLINE_PASSED']);
  t.equal(detail.timeline[1].actor.kind, 'system');
  t.equal(detail.dueAt, '2026-11-26T16:00:00.000Z', 'town escalation: +2 working days');
  const notices = await h.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'notification').execute();
  t.match(notices, [{ payload: { audience: 'townSupervision', topic: 'escalated' } }], 'the town supervision office is told');
});

t.test('workers deliver notifications relayed from the outbox', async (t) => {
  const { h, settings } = await setup(t);
  const delivered: NotificationJob[] = [];
  let resolveDelivered: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDelivered = resolve));
  const stop = startWorkers({
    services: h.services,
    queues: settings,
    log: silent,
    relayIntervalMs: 20,
    notifier: { deliver: async (n) => { delivered.push(n); resolveDelivered(); } },
  });
  t.teardown(async () => {
    const q = new Queue(QUEUE.notifications, settings);
    await q.obliterate({ force: true });
    await q.close();
  });
  await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { unitId: h.county.units['village-1-1'], category: 'road', description: '道路塌方', mode: 'joint', leadUnitId: h.county.units['dept-transport'] },
  });
  await done;
  // Stop before the database goes away with the test's other teardowns.
  await stop();
  t.match(delivered, [{ audience: 'departments', topic: 'dispatched', leadUnitId: h.county.units['dept-transport'], state: 'joint.dispatched' }]);
});

t.test('deadline job ids read back, and anything else is refused', async (t) => {
  const id = '019ab0c4-5d6e-7f80-9a1b-2c3d4e5f6a7b';
  for (const level of ['village', 'town', 'county'] as const) {
    for (const kind of ['warning', 'passed'] as const) {
      const jobId = deadlineJobId(id, 12, level, kind);
      t.notOk(jobId.includes(':'), 'BullMQ refuses ":" in custom ids');
      t.same(parseDeadlineJobId(jobId), { ticketId: id, clock: 12, level, kind });
    }
  }
  t.ok(deadlineJobId(id, 1, 'village', 'passed').length <= 28, 'short: Redis holds it three times per pending timer');
  for (const bad of ['', 'deadline-x-1-village-passed', 'AZqwxF1ef4CaGyw9Tl9qew.1.v', 'AZqwxF1ef4CaGyw9Tl9qew.x.v.p', 'AZqwxF1ef4CaGyw9Tl9qew.1.q.p', 'AZqwxF1ef4CaGyw9Tl9qew.1.v.p.9']) {
    t.equal(parseDeadlineJobId(bad), null, `refused: ${bad}`);
  }
});
