// Worker metrics for Prometheus, on a registry the caller owns (the API's when one process runs both).
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { QUEUE, type QueueSettings } from './queues.js';

export const METRIC = {
  deadlinesPending: 'ticket_deadlines_pending',
  escalations: 'ticket_escalations_total',
  lateness: 'ticket_escalation_lateness_seconds',
  notificationFailures: 'ticket_notification_failures_total',
} as const;

/** Where a 红牌 took the ticket: the next level, or the county's joint-meeting agenda. */
export type EscalatedTo = 'town' | 'county' | 'agenda';

export interface WorkerMetrics {
  /** `lateSeconds`: now minus the due time that passed, when it is known. */
  escalated(to: EscalatedTo, lateSeconds: number | null): void;
  /** `exhausted`: every attempt failed; `refused`: an error that is not retried. */
  notificationFailed(audience: string, reason: 'exhausted' | 'refused'): void;
  /** Unregisters the metrics and closes the queue the gauge reads. */
  close(): Promise<void>;
}

// A scrape must answer even when Redis does not.
const COUNT_TIMEOUT_MS = 2000;

export function registerWorkerMetrics(registry: Registry, queues: QueueSettings, log?: Logger): WorkerMetrics {
  // Opened on the first scrape: registering stays free of I/O, and a failed registration leaks nothing.
  let deadlines: Queue | undefined;
  new Gauge({
    name: METRIC.deadlinesPending,
    help: 'Deadline timers waiting in the queue (delayed and waiting jobs), read at scrape time',
    registers: [registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('queue count timed out')), COUNT_TIMEOUT_MS);
      });
      try {
        deadlines ??= new Queue(QUEUE.deadlines, { connection: queues.connection, prefix: queues.prefix });
        const counts = await Promise.race([deadlines.getJobCounts('delayed', 'waiting'), timeout]);
        this.set((counts.delayed ?? 0) + (counts.waiting ?? 0));
      } catch (err) {
        log?.warn({ err }, 'could not count pending deadlines');
      } finally {
        clearTimeout(timer);
      }
    },
  });
  const escalations = new Counter({
    name: METRIC.escalations,
    help: 'Escalations (红牌) applied, by the level the ticket went to (agenda: the county joint meeting)',
    labelNames: ['level'],
    registers: [registry],
  });
  for (const level of ['town', 'county', 'agenda']) escalations.inc({ level }, 0);
  const lateness = new Histogram({
    name: METRIC.lateness,
    help: 'Seconds between a due time and the escalation it caused',
    labelNames: ['level'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [registry],
  });
  const failures = new Counter({
    name: METRIC.notificationFailures,
    help: 'Notifications given up on (recorded in notification_failures), by audience and reason',
    labelNames: ['audience', 'reason'],
    registers: [registry],
  });

  return {
    escalated(to, lateSeconds) {
      escalations.inc({ level: to });
      if (lateSeconds !== null) lateness.observe({ level: to }, lateSeconds);
    },
    notificationFailed(audience, reason) {
      failures.inc({ audience, reason });
    },
    async close() {
      for (const name of Object.values(METRIC)) registry.removeSingleMetric(name);
      await deadlines?.close();
    },
  };
}
