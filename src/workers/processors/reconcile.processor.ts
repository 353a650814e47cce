// The reconcile sweep: PostgreSQL is the source of truth, so every timer it says is due gets a job.
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { recomputeGuessedDeadlines } from '../../services/calendar.service.js';
import { timersToReconcile } from '../../services/reconcile.service.js';
import { unrelayNotificationsSince } from '../../store/outbox.repository.js';
import type { ServiceContext } from '../../services/context.js';
import { DEFAULT_RETRY, type DeadlineJob } from '../queues.js';

export interface SweepResult {
  /** True when Redis had lost its data and every pending timer was rebuilt. */
  rebuilt: boolean;
  enqueued: number;
  retried: number;
  /** Ids of the jobs added or retried. */
  jobIds: string[];
  /** Notification outbox rows handed back to the relay after a wipe. */
  notificationsResent: number;
  /** Deadlines guessed on plain weekdays that the calendar now covers, worked out again (calendar.service). */
  deadlinesRecomputed: number;
}

/** How far back notifications are sent again after a Redis wipe. */
const NOTIFICATION_REPLAY_MS = 24 * 3600_000;

/**
 * Whether each job exists and whether it failed, in one round trip: during a storm every due timer is
 * checked while its job waits, so one request per timer would cost the sweep seconds.
 */
async function jobStates(queue: Queue, redis: Redis, jobIds: string[]): Promise<Array<'missing' | 'failed' | 'present'>> {
  if (jobIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.exists(queue.toKey(id)).zscore(queue.keys.failed ?? queue.toKey('failed'), id);
  const replies = (await pipeline.exec()) ?? [];
  return jobIds.map((_, i) => {
    const [existsErr, exists] = replies[2 * i] ?? [null, 0];
    const [failedErr, failedScore] = replies[2 * i + 1] ?? [null, null];
    if (existsErr || failedErr) throw existsErr ?? failedErr;
    if (exists === 0) return 'missing';
    return failedScore === null ? 'present' : 'failed';
  });
}

/**
 * A sentinel key marks a Redis that holds our timers. When it is missing (a wiped or new Redis), the
 * sweep re-adds every pending timer, future ones delayed; otherwise only the ones already due.
 */
export async function sweep(services: ServiceContext, deadlines: Queue<DeadlineJob>, redis: Redis, sentinelKey: string, log: Logger): Promise<SweepResult> {
  const rebuilt = (await redis.exists(sentinelKey)) === 0;
  // Left over by a load whose pass was interrupted, or guessed by a process whose settings were not yet fresh.
  // Its failure must not keep the timers below from being reconciled.
  const deadlinesRecomputed = await recomputeGuessedDeadlines(services).then(
    (r) => r.recomputed,
    (err: unknown) => {
      log.error({ err }, 'could not look for guessed deadlines to work out again');
      return 0;
    },
  );
  const now = services.now().getTime();
  let enqueued = 0;
  let retried = 0;
  const jobIds: string[] = [];
  for await (const page of timersToReconcile(services, { all: rebuilt })) {
    const state = await jobStates(deadlines, redis, page.map((s) => s.jobId));
    const missing = page.filter((_, i) => state[i] === 'missing');
    // A job that used up its attempts (say, PostgreSQL was down) would block its id for ever: retry it.
    for (const [i, spec] of page.entries()) {
      if (state[i] !== 'failed') continue;
      const job = await deadlines.getJob(spec.jobId);
      if (job && (await job.isFailed())) {
        await job.retry('failed');
        retried += 1;
        jobIds.push(spec.jobId);
      }
    }
    if (missing.length > 0) {
      await deadlines.addBulk(
        missing.map((s) => ({
          name: 'deadline',
          data: s.data,
          // As the relay adds them (finished jobs are trimmed by the workers).
          opts: { jobId: s.jobId, delay: Math.max(0, s.runAt.getTime() - now), attempts: DEFAULT_RETRY.attempts, backoff: { type: 'exponential', delay: DEFAULT_RETRY.backoffMs } },
        })),
      );
      enqueued += missing.length;
      jobIds.push(...missing.map((s) => s.jobId));
    }
  }
  let notificationsResent = 0;
  if (rebuilt) {
    // Queued notifications went with the wipe: the last day's are relayed again from the outbox.
    notificationsResent = await unrelayNotificationsSince(services.db, new Date(now - NOTIFICATION_REPLAY_MS));
    await redis.set(sentinelKey, new Date(now).toISOString());
  }
  if (rebuilt || enqueued > 0 || retried > 0) log.warn({ rebuilt, enqueued, retried, notificationsResent }, 'reconcile sweep re-enqueued timers');
  return { rebuilt, enqueued, retried, jobIds, notificationsResent, deadlinesRecomputed };
}

export const reconcileProcessor =
  (services: ServiceContext, deadlines: Queue<DeadlineJob>, redis: Redis, sentinelKey: string, log: Logger) =>
  async (_job: Job): Promise<SweepResult> =>
    sweep(services, deadlines, redis, sentinelKey, log);
