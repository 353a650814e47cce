// Deadlines end to end with an injected clock: yellow card, red cards village → town → county, agenda, exactly once.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildTestApp, REDIS_URL, type TestApp } from '../helper.js';
import { deadlineProcessor } from '../../src/workers/processors/deadline.processor.js';
import { sweep } from '../../src/workers/processors/reconcile.processor.js';
import { OutboxRelay } from '../../src/workers/outbox-relay.js';
import { QUEUE, redisOptions, type DeadlineJob } from '../../src/workers/queues.js';
import { deadlineJobId } from '../../src/services/effect-plan.service.js';

const silent = pino({ level: 'silent' });
const HOUR = 3600_000;

/** A deadlines queue with a real worker; `tick()` runs the sweep at the test clock and waits for its jobs. */
async function harness(t: { teardown: (fn: () => unknown) => void }, h: TestApp) {
  const settings = { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}` };
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, settings);
  const events = new QueueEvents(QUEUE.deadlines, settings);
  const worker = new Worker<DeadlineJob>(QUEUE.deadlines, deadlineProcessor(h.services, silent), { ...settings, concurrency: 4 });
  const redis = new Redis(REDIS_URL);
  const sentinel = `${settings.prefix}:timers-sentinel`;
  await redis.set(sentinel, 'test');
  await events.waitUntilReady();
  t.teardown(async () => {
    await worker.close();
    await events.close();
    await deadlines.obliterate({ force: true });
    await deadlines.close();
    await redis.del(sentinel);
    redis.disconnect();
  });
  const tick = async () => {
    const result = await sweep(h.services, deadlines, redis, sentinel, silent);
    await Promise.all(result.jobIds.map(async (id) => (await deadlines.getJob(id))?.waitUntilFinished(events)));
    return result;
  };
  return { settings, deadlines, tick, redis, sentinel, events };
}

const register = async (h: TestApp, payload: Record<string, unknown>, user = 'cadre') =>
  (await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth(user), payload })).json();
const detail = async (h: TestApp, id: string) =>
  (await h.app.inject({ method: 'GET', url: `/v1/tickets/${id}`, headers: await h.auth('cadre') })).json();
const notices = async (h: TestApp, ticketId: string) =>
  (await h.db.selectFrom('outbox').select('payload').where('ticket_id', '=', ticketId).where('topic', 'in', ['notification', 'agenda']).orderBy('id').execute())
    .map((r) => `${String(r.payload.audience ?? 'agenda')}:${String(r.payload.topic ?? 'agenda')}`);

t.test('yellow card at 80 %, then red cards village → town → county and the joint-meeting agenda', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { tick } = await harness(t, h);
  // Monday 2026-11-23 10:00 Beijing: a joint case accepted now has 5 working days.
  const ticket = await register(h, {
    unitId: h.county.units['village-1-1'], category: 'road', description: '通组路塌方', mode: 'joint', leadUnitId: h.county.units['dept-transport'],
  });
  await h.app.inject({ method: 'POST', url: `/v1/tickets/${ticket.id}/events`, headers: await h.auth('transport'), payload: { type: 'ACCEPT' } });
  let d = await detail(h, ticket.id);
  t.equal(d.dueAt, '2026-11-30T16:00:00.000Z');

  t.same((await tick()).enqueued, 0, 'nothing is due yet');
  h.clock.set(d.warnAt);
  await tick();
  d = await detail(h, ticket.id);
  t.equal(d.warned, true, '黄牌 at 80 % of the limit');
  t.equal(d.level, 'village');

  h.clock.set('2026-11-30T16:00:01Z');
  await tick();
  d = await detail(h, ticket.id);
  t.equal(d.level, 'town', '红牌: the town supervision office takes over');
  t.equal(d.overdue, true);
  t.equal(d.state, 'joint.inProgress', 'the ticket stays in its handling state');
  t.equal(d.dueAt, '2026-12-03T16:00:00.000Z', 'town: +2 working days after Tuesday: Wednesday and Thursday');

  h.clock.set('2026-12-03T16:00:01Z');
  await tick();
  d = await detail(h, ticket.id);
  t.equal(d.level, 'county');
  t.equal(d.dueAt, '2026-12-09T16:00:00.000Z', 'county: +3 working days after Friday: Mon, Tue, Wed');

  h.clock.set('2026-12-09T16:00:01Z');
  await tick();
  d = await detail(h, ticket.id);
  t.equal(d.dueAt, null, 'on the agenda: no further deadline');
  t.same((await tick()).enqueued, 0, 'and nothing more to fire');
  const timers = d.timeline.filter((e: { type: string }) => e.type.startsWith('DEADLINE')).map((e: { type: string; level: string }) => `${e.type}@${e.level}`);
  t.same(timers, ['DEADLINE_WARNING@village', 'DEADLINE_PASSED@town', 'DEADLINE_PASSED@county', 'DEADLINE_PASSED@county']);
  t.same(await notices(h, ticket.id), [
    'departments:dispatched',
    'handler:warning',
    'townSupervision:escalated',
    'countySupervision:escalated',
    'departments:escalated',
    'agenda:agenda',
    'countySupervision:agenda',
  ]);
});

t.test('a duplicate job and a sweep racing the timer escalate once', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { settings, deadlines, tick, events } = await harness(t, h);
  const ticket = await register(h, { householdId: h.county.households[0], category: 'insurance', description: '代办', mode: 'proxy' });
  const relay = new OutboxRelay(h.db, settings, h.services.now);
  t.teardown(() => relay.close());
  await relay.relayOnce();
  h.clock.advance(25 * HOUR);
  const timer = await deadlines.getJob(deadlineJobId(ticket.id, 1, 'village', 'passed'));
  t.ok(timer, 'the relayed timer exists');
  // The timer fires while the sweep finds the same deadline due: same job id, so the sweep adds nothing.
  const [swept] = await Promise.all([tick(), timer?.promote()]);
  t.notOk(swept.jobIds.includes(deadlineJobId(ticket.id, 1, 'village', 'passed')), 'the sweep does not duplicate a pending timer');
  // The harness's QueueEvents is subscribed already: a fresh one could miss a job that just finished.
  await timer?.waitUntilFinished(events);
  // Two workers running the very same job at once (a stalled job redelivered).
  const process = deadlineProcessor(h.services, silent);
  const outcomes = await Promise.all([process(timer as never), process(timer as never)]);
  t.same(outcomes, ['stale', 'stale'], 'after it fired, redeliveries change nothing');
  const d = await detail(h, ticket.id);
  t.equal(d.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_PASSED').length, 1, 'escalated exactly once');
  t.equal(d.level, 'town');
});

t.test('concurrent deliveries of one due timer: exactly one applies', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, { householdId: h.county.households[1], category: 'insurance', description: '代办', mode: 'proxy' });
  h.clock.advance(25 * HOUR);
  const process = deadlineProcessor(h.services, silent);
  const job = { id: deadlineJobId(ticket.id, 1, 'village', 'passed'), data: { countyId: h.county.countyId, dueAt: Date.parse(ticket.dueAt) } };
  const outcomes = await Promise.all(Array.from({ length: 5 }, () => process(job as never)));
  t.same(outcomes.sort(), ['applied', 'stale', 'stale', 'stale', 'stale']);
});

t.test('a timer job that used up its attempts (PostgreSQL down) is retried by the sweep', async (t) => {
  const h = await buildTestApp(t.teardown);
  const settings = { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}` };
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, settings);
  const events = new QueueEvents(QUEUE.deadlines, settings);
  const redis = new Redis(REDIS_URL);
  const sentinel = `${settings.prefix}:timers-sentinel`;
  await redis.set(sentinel, 'test');
  await events.waitUntilReady();
  t.teardown(async () => {
    await events.close();
    await deadlines.obliterate({ force: true });
    await deadlines.close();
    await redis.del(sentinel);
    redis.disconnect();
  });
  const ticket = await register(h, { householdId: h.county.households[3], category: 'insurance', description: '代办', mode: 'proxy' });
  h.clock.advance(25 * HOUR);
  const id = deadlineJobId(ticket.id, 1, 'village', 'passed');
  // A worker that cannot reach the database: the job's last attempt fails.
  const down = new Worker<DeadlineJob>(QUEUE.deadlines, async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); }, settings);
  const job = await deadlines.add('deadline', { countyId: h.county.countyId, dueAt: Date.parse(ticket.dueAt) }, { jobId: id, attempts: 1 });
  await t.rejects(job.waitUntilFinished(events), /ECONNREFUSED/);
  await down.close();
  t.equal(await deadlines.getJobState(id), 'failed');

  const swept = await sweep(h.services, deadlines, redis, sentinel, silent);
  t.equal(swept.retried, 1, 'the failed timer is retried, not left to block its id');
  t.ok(swept.jobIds.includes(id));
  t.notOk(swept.jobIds.filter((j) => j === id).length > 1, 'and not added a second time');
  const worker = new Worker<DeadlineJob>(QUEUE.deadlines, deadlineProcessor(h.services, silent), settings);
  t.teardown(() => worker.close());
  await (await deadlines.getJob(id))?.waitUntilFinished(events);
  const d = await detail(h, ticket.id);
  t.equal(d.level, 'town', 'the red card lands once the database is back');
  t.equal(d.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_PASSED').length, 1);
});

t.test('a timer queued before the compact job ids still applies once', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await register(h, { householdId: h.county.households[1], category: 'insurance', description: '代办', mode: 'proxy' });
  h.clock.advance(25 * HOUR);
  const process = deadlineProcessor(h.services, silent);
  const legacy = {
    id: `deadline-${ticket.id}-1-village-passed`,
    data: { ticketId: ticket.id, countyId: h.county.countyId, kind: 'passed', clock: 1, level: 'village' },
  };
  t.equal(await process(legacy as never), 'applied');
  t.equal((await detail(h, ticket.id)).level, 'town', 'the red card of the old-format job');
  t.equal(await process({ id: deadlineJobId(ticket.id, 1, 'village', 'passed'), data: { countyId: h.county.countyId, dueAt: 0 } } as never), 'stale',
    'the sweep\'s new-format twin of it is a no-op');
  await t.rejects(process({ id: 'nonsense', data: {} } as never), /not a deadline job id/, 'a job naming no timer fails for good');
});

t.test('pause keeps the time used; extension moves the deadline; category policies apply', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { tick } = await harness(t, h);
  const send = async (id: string, payload: Record<string, unknown>, user = 'cadre') =>
    (await h.app.inject({ method: 'POST', url: `/v1/tickets/${id}/events`, headers: await h.auth(user), payload })).json();
  const proxy = await register(h, { householdId: h.county.households[2], category: 'insurance', description: '代办医保', mode: 'proxy' });
  t.equal(proxy.dueAt, '2026-11-24T02:00:00.000Z');
  h.clock.advance(10 * HOUR);
  const paused = await send(proxy.id, { type: 'PAUSE', reason: '等待群众补交身份证复印件' });
  t.ok(paused.allowedEvents.includes('RESUME'));
  h.clock.advance(48 * HOUR);
  t.same((await tick()).enqueued, 0, 'a paused clock does not run out');
  const resumed = await send(proxy.id, { type: 'RESUME' });
  t.equal(resumed.dueAt, '2026-11-26T02:00:00.000Z', 'the 48 h paused are added; 14 h remain');
  h.clock.advance(13 * HOUR);
  await tick();
  t.equal((await detail(h, proxy.id)).level, 'village', 'still within the remaining time (the warning may fire)');
  h.clock.advance(2 * HOUR);
  await tick();
  const escalated = await detail(h, proxy.id);
  t.equal(escalated.level, 'town', 'overdue once the remaining 14 h are used');
  t.equal(escalated.openMs, 25 * HOUR, 'whole-ticket clock: 73 h since registration less 48 h paused, not reset by escalation');

  const other = await register(h, { householdId: h.county.households[3], category: 'insurance', description: '补办社保卡', mode: 'proxy' });
  await send(other.id, { type: 'REQUEST_EXTENSION', until: '2026-12-09T10:00:00+08:00', reason: '县里制卡需两周' });
  await send(other.id, { type: 'APPROVE_EXTENSION' }, 'town-supervisor');
  h.clock.set('2026-12-05T00:00:00Z');
  await tick();
  t.equal((await detail(h, other.id)).level, 'village', 'the old deadline no longer fires');

  // Registered by 白水镇's town office: a cadre of 青山镇 registers only in their own village.
  const canal = await register(h, { unitId: h.county.units['village-2-1'], category: 'infrastructure', description: '水渠改造', mode: 'joint', leadUnitId: h.county.units['dept-water'] }, 'town2-office');
  const accepted = await send(canal.id, { type: 'ACCEPT' }, 'water');
  t.equal(accepted.dueAt, '2026-12-25T16:00:00.000Z', 'infrastructure: 15 working days from Saturday 5 December');
});

t.test('after a Redis wipe the last day’s notifications go out again under their delivery ids', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { settings, redis, sentinel, deadlines } = await harness(t, h);
  await register(h, {
    unitId: h.county.units['village-1-1'], category: 'road', description: '通组路塌方', mode: 'joint', leadUnitId: h.county.units['dept-transport'],
  });
  const relay = new OutboxRelay(h.db, settings, h.services.now);
  const notifications = new Queue(QUEUE.notifications, settings);
  t.teardown(async () => {
    await relay.close();
    await notifications.obliterate({ force: true });
    await notifications.close();
  });
  await relay.relayOnce();
  const [row] = await h.db.selectFrom('outbox').select(['job_id', 'relayed_at']).where('topic', '=', 'notification').execute();
  t.ok(row?.relayed_at, 'the department notice was relayed');
  await notifications.obliterate({ force: true });
  await redis.del(sentinel); // what FLUSHALL does to this prefix

  const swept = await sweep(h.services, deadlines, redis, sentinel, silent);
  t.equal(swept.rebuilt, true);
  t.equal(swept.notificationsResent, 1, 'the notice is handed back to the relay');
  t.equal(await relay.relayOnce(), 1);
  t.ok(await notifications.getJob(row?.job_id ?? ''), 'and queued again under the same job id, so receivers can tell');
});
