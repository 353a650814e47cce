// A worker process SIGKILLed in the middle of a batch of overdue tickets, then restarted, escalates each exactly once.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { createTestDatabase, REDIS_URL } from '../helper.js';
import { seedDemoCounty } from '../../src/services/seed.service.js';
import { createServiceContext } from '../../src/services/context.js';
import { registerTicket } from '../../src/services/register-ticket.service.js';
import type { Db } from '../../src/store/db.js';
import { QUEUE, redisOptions } from '../../src/workers/queues.js';
import { deleteQueueKeys, pollUntil, spawnWorker, type WorkerProcess } from './worker-process.js';

const N = 400;
const DAY = 86_400_000;
/** Kill once this many are escalated: well inside the batch, with jobs in hand. */
const KILL_AT = N / 4;

const escalatedCount = async (db: Db): Promise<number> => {
  const { rows } = await sql<{ n: string }>`select count(*) as n from tickets where level <> 'village'`.execute(db);
  return Number(rows[0]?.n ?? 0);
};

t.test('a worker killed with SIGKILL mid-batch, then restarted, escalates every overdue ticket exactly once', async (t) => {
  const { db, url } = await createTestDatabase(t.teardown);
  const county = await seedDemoCounty(db);
  const staffId = county.staff.cadre ?? '';
  const household = county.households[0] ?? '';
  // Registered three days ago with a 24 h proxy limit: warning and deadline both passed in real time.
  const services = createServiceContext(db, { now: () => new Date(Date.now() - 3 * DAY) });
  const ids: string[] = [];
  for (let i = 0; i < N; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, N - i) }, (_, j) =>
        registerTicket(services, {
          actor: { kind: 'staff', staffId, countyId: county.countyId },
          input: { householdId: household, category: 'insurance', description: `代办医保 ${i + j}`, mode: 'proxy' },
        }),
      ),
    );
    ids.push(...batch.map((r) => r.ticket.id));
  }
  // The outbox rows stay unrelayed (the workers were down): the child's relay turns them into due jobs
  // while its first sweep finds the same timers in PostgreSQL; both use the same job ids.
  const { rows: pending } = await sql<{ n: string }>`select count(*) as n from outbox where relayed_at is null and topic = 'deadline'`.execute(db);
  t.equal(Number(pending[0]?.n), 2 * N, 'a warning and a deadline per ticket wait in the outbox');

  const prefix = `crash${randomBytes(4).toString('hex')}`;
  const env = { DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, SWEEP_INTERVAL_MS: '500', WORKER_LOCK_MS: '2000', LOG_LEVEL: 'warn' };
  const deadlines = new Queue(QUEUE.deadlines, { connection: redisOptions(REDIS_URL), prefix });
  const workers: WorkerProcess[] = [];
  t.teardown(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await deadlines.close();
    await deleteQueueKeys(REDIS_URL, prefix);
  });

  const first = spawnWorker(env);
  workers.push(first);
  const seen = await pollUntil(
    async () => {
      if (!first.alive()) throw new Error(`the worker exited on its own:\n${first.output()}`);
      const n = await escalatedCount(db);
      return n >= KILL_AT ? n : undefined;
    },
    { timeoutMs: 60_000, message: () => `no escalation within 60 s; worker output:\n${first.output()}` },
  );
  const heldJobs = await deadlines.getActiveCount();
  await first.stop('SIGKILL');
  t.equal(first.child.signalCode, 'SIGKILL', 'the worker died by SIGKILL, with no chance to finish its jobs');
  const atKill = await escalatedCount(db);
  t.ok(atKill > 0 && atKill < N, `killed mid-batch: ${atKill} of ${N} escalated (${seen} seen before the kill)`);
  t.comment(`deadline jobs active in Redis at the kill: ${heldJobs}`);

  const second = spawnWorker(env);
  workers.push(second);
  await pollUntil(
    async () => {
      if (!second.alive()) throw new Error(`the restarted worker exited:\n${second.output()}`);
      return (await escalatedCount(db)) === N ? true : undefined;
    },
    { timeoutMs: 60_000, message: () => `not every ticket escalated within 60 s of the restart; worker output:\n${second.output()}` },
  );
  // Let every job of the batch run out (stalled ones are redelivered after the lock), so a second application would show.
  const counts = await pollUntil(
    async () => {
      const c = await deadlines.getJobCounts('active', 'wait', 'prioritized', 'failed');
      return (c.active ?? 0) + (c.wait ?? 0) + (c.prioritized ?? 0) === 0 ? c : undefined;
    },
    { timeoutMs: 30_000, message: () => `the deadlines queue did not drain; worker output:\n${second.output()}` },
  );
  await second.stop('SIGTERM');
  t.equal(counts.failed, 0, 'no deadline job failed');

  const { rows } = await sql<{ id: string; level: string; passed: number; warnings: number }>`
    select t.id, t.level,
           count(e.*) filter (where e.type = 'DEADLINE_PASSED')::int as passed,
           count(e.*) filter (where e.type = 'DEADLINE_WARNING')::int as warnings
    from tickets t left join ticket_events e on e.ticket_id = t.id
    group by t.id, t.level`.execute(db);
  t.equal(rows.length, N);
  t.same(rows.filter((r) => r.passed !== 1), [], 'every ticket has exactly one DEADLINE_PASSED event');
  t.same(rows.filter((r) => r.level !== 'town'), [], 'every ticket climbed one level, village → town, and no further');
  t.same(rows.filter((r) => r.warnings > 1), [], 'no ticket was warned twice');
  t.same(new Set(rows.map((r) => r.id)), new Set(ids), 'the escalated tickets are the registered ones');
});
