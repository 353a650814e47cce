// Delivers a notification job to the configured notifier (a log line for now; webhooks come with #3).
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { NotificationJob } from '../queues.js';

export interface Notifier {
  deliver(n: NotificationJob): Promise<void>;
}

export const logNotifier = (log: Logger): Notifier => ({
  async deliver(n) {
    log.info({ ticketId: n.ticketId, number: n.number, audience: n.audience, topic: n.topic, level: n.level }, 'notification');
  },
});

export const notificationProcessor = (notifier: Notifier) => async (job: Job<NotificationJob>) => {
  await notifier.deliver(job.data);
};
