// The notifier contract: a notification job with its recipients resolved, and the delivery it belongs to.
import type { Recipient } from '../../services/recipients.service.js';
import type { NotificationJob } from '../queues.js';

export type { Recipient } from '../../services/recipients.service.js';

export interface Notification extends NotificationJob {
  countyId: string;
  /** Units (and, for the cadre, the person) the audience resolved to; empty when nobody matched. */
  recipients: Recipient[];
}

export interface DeliveryMeta {
  /** Stable across retries (the queue job id): receivers use it to drop duplicates. */
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * Delivers one notification. Throwing makes the queue retry with backoff; throwing BullMQ's
 * `UnrecoverableError` gives up at once. Either way the last failure is recorded.
 */
export interface Notifier {
  deliver(n: Notification, meta: DeliveryMeta): Promise<void>;
}
