// FLUSHALL under 1,000 pending deadlines: the reconcile sweep rebuilds them from PostgreSQL and every one fires once.
import t from 'tap';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestDatabase, TestClock } from '../helper.js';
import { provideInfra } from '../../src/cli/infra.js';
import { seedDemoCounty } from '../../src/services/seed.service.js';
import { createServiceContext } from '../../src/services/context.js';
import { registerTicket } from '../../src/services/register-ticket.service.js';
import type { Db } from '../../src/store/db.js';
import { OutboxRelay } from '../../src/workers/outbox-relay.js';
import { deadlineProcessor, type DeadlineOutcome } from '../../src/workers/processors/deadline.processor.js';
import { sweep } from '../../src/workers/processors/reconcile.processor.js';
import { QUEUE, redisOptions, type DeadlineJob } from '../../src/workers/queues.js';

const silent = pino({ level: 'silent' });
const N = 1000;
const HOUR = 3600_000;

/** Counts the worker's finished jobs; `until(n)` resolves once n more have finished. */
function tally(worker: Worker<DeadlineJob, DeadlineOutcome>) {
  const outcomes: Record<string, number> = { applied: 0, stale: 0, failed: 0 };
  let done = 0;
  let waiting: { target: number; resolve: () => void } | undefined;
  const bump = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    done += 1;
    if (waiting && done >= waiting.target) waiting.resolve();
  };
  worker.on('completed', (_job, outcome) => bump(outcome));
  worker.on('failed', () => bump('failed'));
  const until = (more: number, timeoutMs: number) => {
    const target = done + more;
    return new Promise<void>((resolve, reject) => {
      if (done >= target) return resolve();
      const timer = setTimeout(() => reject(new Error(`${done - target + more} of ${more} jobs finished in ${timeoutMs} ms`)), timeoutMs);
      waiting = { target, resolve: () => (clearTimeout(timer), resolve()) };
    });
  };
  return { outcomes, until };
}

const perTicket = async (db: Db) =>
  (
    await sql<{ level: string; passed: number; warnings: number }>`
      select t.level,
             count(e.*) filter (where e.type = 'DEADLINE_PASSED')::int as passed,
             count(e.*) filter (where e.type = 'DEADLINE_WARNING')::int as warnings
      from tickets t left join ticket_events e on e.ticket_id = t.id group by t.id, t.level`.execute(db)
  ).rows;

t.test('FLUSHALL with 1,000 pending deadlines, then every one still fires once', async (t) => {
  const { db, url } = await createTestDatabase(t.teardown);
  // FLUSHALL wipes a whole server: this test gets a private one, never the shared test Redis.
  const infra = await provideInfra({ DATABASE_URL: url, PATH: process.env.PATH }, silent);
  t.teardown(() => infra.stop());
  const settings = { connection: redisOptions(infra.redisUrl), prefix: 'wipe' };
  const county = await seedDemoCounty(db);
  const clock = new TestClock();
  const services = createServiceContext(db, { now: clock.now });
  for (let i = 0; i < N; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        registerTicket(services, {
          actor: { kind: 'staff', staffId: county.staff.cadre ?? '', countyId: county.countyId },
          input: { householdId: county.households[(i + j) % county.households.length], category: 'insurance', description: `代办 ${i + j}`, mode: 'proxy' },
        }),
      ),
    );
  }

  const relay = new OutboxRelay(db, settings, clock.now);
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, settings);
  const redis = new Redis(infra.redisUrl);
  const sentinel = `${settings.prefix}:timers-sentinel`;
  const worker = new Worker<DeadlineJob, DeadlineOutcome>(QUEUE.deadlines, deadlineProcessor(services, silent), { ...settings, concurrency: 8 });
  const finished = tally(worker);
  t.teardown(async () => {
    await worker.close();
    await Promise.all([relay.close(), deadlines.close()]);
    redis.disconnect();
  });
  while ((await relay.relayOnce()) > 0);
  t.equal(await deadlines.getDelayedCount(), 2 * N, 'a delayed warning and deadline per ticket');
  // Steady state before the wipe: a sweep has marked this Redis as holding our timers, adding nothing.
  const first = await sweep(services, deadlines, redis, sentinel, silent);
  const second = await sweep(services, deadlines, redis, sentinel, silent);
  t.same([first.rebuilt, first.enqueued, second.rebuilt], [true, 0, false], 'the first sweep checks every timer and finds it in Redis');

  await redis.flushall();
  t.equal(await redis.dbsize(), 0, 'Redis is empty: every timer is gone');

  // 20 h in: the yellow cards (80 % of 24 h) are due, the red cards are 4 h away.
  clock.advance(20 * HOUR);
  const rebuilt = await sweep(services, deadlines, redis, sentinel, silent);
  t.same([rebuilt.rebuilt, rebuilt.enqueued], [true, 2 * N], 'the sweep saw the wipe and rebuilt every pending timer, due or not');
  await finished.until(N, 30_000);
  t.equal(await deadlines.getDelayedCount(), N, 'the red cards wait as delayed jobs');

  // 25 h in: the red cards are due. The sweep finds their jobs already waiting; promoting them stands in
  // for the 4 real hours BullMQ would wait (the test clock moves, the job delays do not).
  clock.advance(5 * HOUR);
  t.equal((await sweep(services, deadlines, redis, sentinel, silent)).enqueued, 0, 'no duplicate of a rebuilt timer');
  await deadlines.promoteJobs();
  await finished.until(N, 30_000);
  t.same(finished.outcomes, { applied: 2 * N, stale: 0, failed: 0 }, 'each of the 2,000 rebuilt timers applied once');

  const rows = await perTicket(db);
  t.equal(rows.length, N);
  t.equal(rows.filter((r) => r.warnings === 1).length, N, 'every ticket got exactly one yellow card');
  t.equal(rows.filter((r) => r.passed === 1 && r.level === 'town').length, N, 'every ticket escalated exactly once, village → town');
  t.equal((await sweep(services, deadlines, redis, sentinel, silent)).enqueued, 0, 'and nothing is left due');
});
