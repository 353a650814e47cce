// Resolves who a notification job is for, hands it to the notifier, and records it when delivery gives up.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceContext } from '../../services/context.js';
import { DomainError } from '../../services/errors.js';
import { resolveRecipients } from '../../services/recipients.service.js';
import { findNoticeCounty, recordNotificationFailure } from '../../store/notifications.repository.js';
import type { Notifier } from '../notifiers/notifier.js';
import type { NotificationJob } from '../queues.js';
import type { WorkerMetrics } from '../worker.metrics.js';

export type { Notifier } from '../notifiers/notifier.js';
export { logNotifier } from '../notifiers/log.notifier.js';

export interface NotificationDeps {
  services: ServiceContext;
  notifier: Notifier;
  log: Logger;
  metrics?: Pick<WorkerMetrics, 'notificationFailed'>;
}

const isUnrecoverable = (err: unknown): boolean =>
  err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError');

/** Mirrors BullMQ's own rule (Job#shouldRetryJob): this failure is the job's last. */
const isLastAttempt = (job: Job, err: unknown): boolean => isUnrecoverable(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

export const notificationProcessor = (deps: NotificationDeps) => async (job: Job<NotificationJob>): Promise<void> => {
  const { services, notifier, log } = deps;
  // Agenda rows ride this queue too; the county supervision office hears of them through the
  // notification the same transition wrote, and the agenda itself is the ticket's `onAgenda` flag.
  if (job.name !== 'notification') {
    log.info({ jobId: job.id, name: job.name, ticketId: job.data.ticketId }, 'queue item logged');
    return;
  }
  const n = job.data;
  const deliveryId = job.id ?? `${n.ticketId}-${job.timestamp}`;
  try {
    const { countyId, recipients } = await resolveRecipients(services.db, n).catch((err: unknown) => {
      // Outbox rows commit with their ticket, so this is a foreign job: asking again will not help.
      throw err instanceof DomainError && err.code === 'ticket_not_found' ? new UnrecoverableError(err.message) : err;
    });
    if (recipients.length === 0) log.warn({ ticketId: n.ticketId, audience: n.audience, topic: n.topic }, 'notification has no recipients');
    await notifier.deliver({ ...n, countyId, recipients }, { deliveryId, attempt: job.attemptsMade + 1 });
  } catch (err) {
    if (isLastAttempt(job, err)) await recordFailure(deps, job, deliveryId, err);
    throw err;
  }
};

async function recordFailure(deps: NotificationDeps, job: Job<NotificationJob>, jobId: string, err: unknown): Promise<void> {
  const { services, log } = deps;
  const n = job.data;
  const reason = isUnrecoverable(err) ? 'refused' : 'exhausted';
  const attempts = job.attemptsMade + 1;
  const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
  deps.metrics?.notificationFailed(n.audience, reason);
  try {
    const owner = await findNoticeCounty(services.db, n.ticketId, n.unitId);
    if (!owner) throw new Error(`no county for ticket ${n.ticketId}`);
    await recordNotificationFailure(services.db, {
      county_id: owner.countyId,
      ticket_id: owner.ticketId,
      job_id: jobId,
      audience: n.audience,
      topic: n.topic,
      attempts,
      last_error: lastError,
      failed_at: services.now(),
    });
    log.error({ jobId, ticketId: n.ticketId, audience: n.audience, topic: n.topic, attempts, reason, err }, 'notification given up');
  } catch (recordErr) {
    // The job still fails with its own error; the record is what is lost, so say so loudly.
    log.error({ jobId, ticketId: n.ticketId, err: recordErr, deliveryError: lastError }, 'could not record a failed notification');
  }
}
