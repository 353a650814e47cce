// Starts the outbox relay and the queue workers; the returned function stops them after the jobs in hand.
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceContext } from '../services/context.js';
import { OutboxRelay } from './outbox-relay.js';
import { deadlineProcessor } from './processors/deadline.processor.js';
import { logNotifier, notificationProcessor, type Notifier } from './processors/notification.processor.js';
import { QUEUE, type QueueSettings } from './queues.js';

export interface WorkerOptions {
  services: ServiceContext;
  queues: QueueSettings;
  log: Logger;
  notifier?: Notifier;
  relayIntervalMs?: number;
}

export function startWorkers(opts: WorkerOptions): () => Promise<void> {
  const { services, queues, log } = opts;
  const common = { connection: queues.connection, prefix: queues.prefix };
  const workers = [
    new Worker(QUEUE.deadlines, deadlineProcessor(services, log), { ...common, concurrency: 8 }),
    new Worker(QUEUE.notifications, notificationProcessor(opts.notifier ?? logNotifier(log)), { ...common, concurrency: 8 }),
  ];
  for (const w of workers) w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, err }, 'job failed'));
  const stopRelay = new OutboxRelay(services.db, queues, services.now).start(log, opts.relayIntervalMs);
  return async () => {
    await stopRelay();
    await Promise.all(workers.map((w) => w.close()));
  };
}
