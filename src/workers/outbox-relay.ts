// Moves committed outbox rows into BullMQ jobs (delayed until their run time), with the row's job id.
import { Queue, type JobsOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { claimPending, markRelayed, type OutboxRow } from '../store/outbox.repository.js';
import { DEFAULT_NOTIFY_RETRY, DEFAULT_RETRY, EVENT_STREAM, QUEUE, type QueueSettings } from './queues.js';

const queueFor: Record<OutboxRow['topic'], string> = {
  deadline: QUEUE.deadlines,
  notification: QUEUE.notifications,
  agenda: QUEUE.notifications,
};

export class OutboxRelay {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly db: Db,
    private readonly settings: QueueSettings,
    private readonly now: () => Date,
  ) {}

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.settings.connection, prefix: this.settings.prefix, streams: EVENT_STREAM });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Notifications retry as configured (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS); other jobs as before. */
  private retryFor(name: string): Pick<JobsOptions, 'attempts' | 'backoff'> {
    const r = name === QUEUE.notifications ? (this.settings.notifyRetry ?? DEFAULT_NOTIFY_RETRY) : DEFAULT_RETRY;
    return { attempts: r.attempts, backoff: { type: 'exponential', delay: r.backoffMs } };
  }

  /**
   * Relays one batch. Jobs are added before the rows are marked; if the commit then fails the rows
   * are sent again under the same job ids, which BullMQ ignores while the first job exists.
   */
  async relayOnce(limit = 500): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await claimPending(trx, limit);
      if (rows.length === 0) return 0;
      const now = this.now().getTime();
      const byQueue = new Map<string, OutboxRow[]>();
      for (const row of rows) byQueue.set(queueFor[row.topic], [...(byQueue.get(queueFor[row.topic]) ?? []), row]);
      for (const [name, batch] of byQueue) {
        await this.queue(name).addBulk(
          batch.map((row) => ({
            name: row.topic,
            data: row.payload,
            opts: {
              jobId: row.job_id,
              delay: Math.max(0, row.run_at.getTime() - now),
              // Finished jobs are trimmed by the workers (JOB_RETENTION): options stored on every job cost Redis memory.
              ...this.retryFor(name),
            },
          })),
        );
      }
      await markRelayed(trx, rows.map((r) => r.id), this.now());
      return rows.length;
    });
  }

  /** Polls until stopped; a full batch is followed at once by the next. */
  start(log: Logger, intervalMs = 250): () => Promise<void> {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      let sent = 0;
      try {
        sent = await this.relayOnce();
        if (sent > 0) log.debug({ sent }, 'outbox relayed');
      } catch (err) {
        log.error({ err }, 'outbox relay failed; will retry');
      }
      if (!stopped) timer = setTimeout(() => (running = tick()), sent >= 500 ? 0 : intervalMs);
    };
    running = tick();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await this.close();
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
