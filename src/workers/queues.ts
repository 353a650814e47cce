// Queue names, job data and the connection settings every queue and worker shares.
import type { RedisOptions } from 'bullmq';

export const QUEUE = {
  deadlines: 'deadlines',
  notifications: 'notifications',
  maintenance: 'maintenance',
  coverage: 'coverage',
} as const;

/**
 * A deadline job's data. The ticket, clock, level and kind are in its id (deadlineJobId / parseDeadlineJobId in
 * services/effect-plan.service.ts); the data stays small because Redis keeps one hash per pending timer.
 */
export interface DeadlineJob {
  countyId: string;
  /** When the timer was due (ms since the epoch): the lateness metric measures from it. */
  dueAt: number;
}

export interface NotificationJob {
  ticketId: string;
  number: string;
  audience: string;
  topic: string;
  state: string;
  level: string;
  unitId: string;
  leadUnitId: string | null;
  coUnitIds: string[];
}

/**
 * How many finished jobs the workers keep (for the dashboard), set on the workers rather than on each job:
 * job options are stored in every pending job's hash.
 */
export const JOB_RETENTION = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } as const;

/**
 * BullMQ's per-queue events stream (read by QueueEvents listeners, which only tests use) keeps 10,000
 * entries by default, about 100 bytes each: 1,000 is plenty for a live listener.
 */
export const EVENT_STREAM = { events: { maxLen: 1000 } } as const;

/** Attempts and the first backoff delay (doubling after each failure) of a queue's jobs. */
export interface RetrySettings {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { attempts: 5, backoffMs: 1000 };
/** Six tries over about five minutes: 10 s, 20 s, 40 s, 80 s, 160 s apart. */
export const DEFAULT_NOTIFY_RETRY: RetrySettings = { attempts: 6, backoffMs: 10_000 };

export interface QueueSettings {
  connection: RedisOptions;
  /** Key prefix; tests give each file its own so queues never meet. */
  prefix: string;
  /** Retries of notification deliveries (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS); DEFAULT_NOTIFY_RETRY when absent. */
  notifyRetry?: RetrySettings;
}

export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    // Workers block on Redis; BullMQ requires unlimited retries for them.
    maxRetriesPerRequest: null,
  };
}

/** The stored coverage reports' job scheduler: daily at 00:30 Beijing time (ids may not contain ':'). */
export const COVERAGE_SCHEDULER = { id: 'coverage-reports', pattern: '30 0 * * *', tz: 'Asia/Shanghai' } as const;
/** A one-off run at worker start, deduplicated while it waits. */
export const COVERAGE_CATCH_UP_JOB_ID = 'coverage-catch-up';
