// Webhook notifier: POSTs each notification as JSON, signed with HMAC-SHA256 over the timestamp and the raw body.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { Notifier } from './notifier.js';

export const SIGNATURE_HEADER = 'x-signature-256';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
export const DELIVERY_HEADER = 'x-delivery-id';
export const ATTEMPT_HEADER = 'x-delivery-attempt';

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Per request, connection included (default 5 s). */
  timeoutMs?: number;
  /** Wall clock for the signed timestamp; receivers compare it with theirs. */
  now?: () => Date;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature over the raw body and refuse stale timestamps, so a
 * captured request cannot be replayed later (changing the timestamp breaks the signature).
 */
export function verifyWebhook(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const age = Math.abs((input.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (age > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Worth another try: timeouts, throttling and server errors. Any other answer (a 4xx, a redirect)
// means the request or the configuration is wrong, and repeating it changes nothing.
const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const describe = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  const cause = err.cause instanceof Error ? ` (${'code' in err.cause ? String(err.cause.code) : err.cause.message})` : '';
  return `${err.message}${cause}`;
};

export function webhookNotifier(opts: WebhookOptions): Notifier {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? (() => new Date());
  return {
    async deliver(n, meta) {
      // The body stays the same on every attempt; receivers drop duplicates by deliveryId.
      const body = JSON.stringify({ deliveryId: meta.deliveryId, ...n });
      const timestamp = String(Math.floor(now().getTime() / 1000));
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'grassroots-ticket-engine',
            [SIGNATURE_HEADER]: signWebhook(opts.secret, timestamp, body),
            [TIMESTAMP_HEADER]: timestamp,
            [DELIVERY_HEADER]: meta.deliveryId,
            [ATTEMPT_HEADER]: String(meta.attempt),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        // The URL may carry a token: it stays out of the message.
        throw new Error(`webhook not reached: ${describe(err)}`, { cause: err });
      }
      if (res.ok) {
        await res.body?.cancel();
        return;
      }
      const detail = (await res.text().catch(() => '')).slice(0, 200);
      const message = `webhook answered ${res.status}${detail ? `: ${detail}` : ''}`;
      if (retryable(res.status)) throw new Error(message);
      throw new UnrecoverableError(message);
    },
  };
}
