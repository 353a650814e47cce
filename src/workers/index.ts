// Starts the outbox relay and the queue workers; the returned function stops them after the jobs in hand.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { ServiceContext } from '../services/context.js';
import { OutboxRelay } from './outbox-relay.js';
import { deadlineProcessor } from './processors/deadline.processor.js';
import { logNotifier, notificationProcessor, type Notifier } from './processors/notification.processor.js';
import { reconcileProcessor } from './processors/reconcile.processor.js';
import { coverageProcessor, scheduleCoverageReports } from './processors/coverage.processor.js';
import { EVENT_STREAM, JOB_RETENTION, QUEUE, type DeadlineJob, type QueueSettings } from './queues.js';
import { registerWorkerMetrics } from './worker.metrics.js';

export interface WorkerOptions {
  services: ServiceContext;
  queues: QueueSettings;
  log: Logger;
  /** Where notifications go (default: the log); see createNotifier in ./notifiers. */
  notifier?: Notifier;
  /** Registry for the worker metrics: the API's when one process runs both; a private one when absent. */
  metrics?: Registry;
  relayIntervalMs?: number;
  /** How often the reconcile sweep runs (default 30 s). */
  sweepEveryMs?: number;
  /** How long a job's lock lasts; a worker killed mid-job has its jobs retried after this (default 30 s). */
  lockDurationMs?: number;
  /**
   * Deadline jobs in hand at once (default 64). They are applied in batches (DEFAULT_TIMER_BATCH: up to 32 a
   * transaction, two transactions at a time), so this bounds the batch size, not the database connections.
   */
  deadlineConcurrency?: number;
  /** Days after a coverage period ends before its report is filed (default 3). */
  coverageReportGraceDays?: number;
}

export function startWorkers(opts: WorkerOptions): () => Promise<void> {
  const { services, queues, log } = opts;
  const common = { connection: queues.connection, prefix: queues.prefix };
  const locking = opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs } : {};
  const metrics = registerWorkerMetrics(opts.metrics ?? new Registry(), queues, log);
  const notifier = opts.notifier ?? logNotifier(log);
  const workers: Worker[] = [
    new Worker(QUEUE.deadlines, deadlineProcessor(services, log, metrics), { ...common, ...locking, ...JOB_RETENTION, concurrency: opts.deadlineConcurrency ?? 64 }),
    new Worker(QUEUE.notifications, notificationProcessor({ services, notifier, log, metrics }), { ...common, ...JOB_RETENTION, concurrency: 8 }),
  ];
  for (const w of workers) w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, err }, 'job failed'));
  const stopRelay = new OutboxRelay(services.db, queues, services.now).start(log, opts.relayIntervalMs);

  // The reconcile sweep runs as a BullMQ job scheduler, so one worker of many runs each tick.
  const sweepEveryMs = opts.sweepEveryMs ?? 30_000;
  const redis = new Redis(queues.connection);
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, { ...common, streams: EVENT_STREAM });
  const maintenance = new Queue(QUEUE.maintenance, common);
  const sentinelKey = `${queues.prefix}:timers-sentinel`;
  workers.push(new Worker(QUEUE.maintenance, reconcileProcessor(services, deadlines, redis, sentinelKey, log), { ...common, ...JOB_RETENTION, concurrency: 1 }));
  // Upserted again every interval: a wiped Redis loses the scheduler with everything else.
  const schedule = () =>
    maintenance.upsertJobScheduler('reconcile-sweep', { every: sweepEveryMs }, { name: 'sweep' }).catch((err: unknown) => {
      log.error({ err }, 'could not schedule the reconcile sweep');
    });
  void schedule();
  const rescheduler = setInterval(() => void schedule(), sweepEveryMs);

  // Stored coverage reports (入户率台账): a daily job scheduler plus a catch-up run, both re-added hourly after a wipe.
  const coverage = new Queue(QUEUE.coverage, common);
  const coverageWorker = new Worker(QUEUE.coverage, coverageProcessor(services, log, { graceDays: opts.coverageReportGraceDays }), { ...common, concurrency: 1 });
  coverageWorker.on('failed', (job, err) => log.warn({ queue: QUEUE.coverage, jobId: job?.id, err }, 'job failed'));
  workers.push(coverageWorker);
  void scheduleCoverageReports(coverage, log);
  const coverageRescheduler = setInterval(() => void scheduleCoverageReports(coverage, log), 3600_000);

  return async () => {
    clearInterval(rescheduler);
    clearInterval(coverageRescheduler);
    await stopRelay();
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([deadlines.close(), maintenance.close(), metrics.close()]);
    await coverage.close();
    redis.disconnect();
  };
}
