// Picks the notifier the configuration asks for: the webhook when a URL is set, else the log.
import type { Logger } from 'pino';
import { logNotifier } from './log.notifier.js';
import type { Notifier } from './notifier.js';
import { webhookNotifier } from './webhook.notifier.js';

export type { DeliveryMeta, Notification, Notifier, Recipient } from './notifier.js';
export { logNotifier } from './log.notifier.js';
export { signWebhook, verifyWebhook, webhookNotifier } from './webhook.notifier.js';

export interface NotifierConfig {
  webhookUrl?: string;
  webhookSecret?: string;
  webhookTimeoutMs?: number;
}

export function createNotifier(config: NotifierConfig, log: Logger): Notifier {
  if (!config.webhookUrl) return logNotifier(log);
  if (!config.webhookSecret) throw new Error('NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL');
  return webhookNotifier({ url: config.webhookUrl, secret: config.webhookSecret, timeoutMs: config.webhookTimeoutMs });
}
