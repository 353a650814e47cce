// Webhook notifications: signed deliveries, retries with exponential backoff, and recorded give-ups.
import t from 'tap';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, QueueEvents, UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildTestApp, REDIS_URL, type TestApp } from '../helper.js';
import { startWorkers } from '../../src/workers/index.js';
import { verifyWebhook, webhookNotifier } from '../../src/workers/notifiers/webhook.notifier.js';
import type { Notification } from '../../src/workers/notifiers/notifier.js';
import { QUEUE, redisOptions, type QueueSettings } from '../../src/workers/queues.js';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const SECRET = 'webhook-test-secret';
type Teardown = { teardown: (fn: () => unknown) => void };

interface Hit {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver answering each request with `status(n)` for the n-th hit (1-based). */
async function receiver(t: Teardown, status: (n: number) => number) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ at: performance.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const code = status(hits.length);
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code < 300 ? 'ok' : `refused ${code}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

const sample: Notification = {
  ticketId: '0190f0f0-0000-7000-8000-000000000001', number: '2026-000001', audience: 'townSupervision', topic: 'escalated',
  state: 'proxy', level: 'town', unitId: '0190f0f0-0000-7000-8000-000000000002', leadUnitId: null, coUnitIds: [],
  countyId: '0190f0f0-0000-7000-8000-000000000003',
  recipients: [{ role: 'townSupervision', unitId: '0190f0f0-0000-7000-8000-000000000004', unitName: '青山镇', unitKind: 'town' }],
};

t.test('a delivery is signed over the timestamp and the raw body', async (t) => {
  const { url, hits } = await receiver(t, () => 204);
  await webhookNotifier({ url, secret: SECRET }).deliver(sample, { deliveryId: 'notify-1', attempt: 1 });
  t.equal(hits.length, 1);
  const hit = hits[0] as Hit;
  const timestamp = String(hit.headers['x-signature-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${hit.body}`).digest('hex')}`;
  t.equal(hit.headers['x-signature-256'], expected, 'HMAC-SHA256 of "<timestamp>.<body>"');
  t.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 5, 'timestamp is now, in seconds');
  t.equal(hit.headers['content-type'], 'application/json');
  t.equal(hit.headers['x-delivery-id'], 'notify-1');
  t.match(JSON.parse(hit.body), { deliveryId: 'notify-1', ticketId: sample.ticketId, audience: 'townSupervision', recipients: [{ unitName: '青山镇' }] });

  const check = (over: Partial<Parameters<typeof verifyWebhook>[0]>) =>
    verifyWebhook({ secret: SECRET, body: hit.body, timestamp, signature: String(hit.headers['x-signature-256']), ...over });
  t.ok(check({}), 'the receiver-side check accepts it');
  t.notOk(check({ body: hit.body.replace('青山镇', '白水镇') }), 'a changed body fails');
  t.notOk(check({ secret: 'another-secret' }), 'another secret fails');
  t.notOk(check({ timestamp: String(Number(timestamp) + 1) }), 'a changed timestamp fails');
  t.notOk(check({ now: new Date(Number(timestamp) * 1000 + 10 * 60_000) }), 'a replay ten minutes later is refused');
});

t.test('what the webhook answers decides whether the queue retries', async (t) => {
  const statuses = [503, 500, 429, 408, 400, 404, 410, 302];
  const { url } = await receiver(t, (n) => statuses[n - 1] ?? 200);
  const notifier = webhookNotifier({ url, secret: SECRET });
  for (const status of statuses) {
    const err = await notifier.deliver(sample, { deliveryId: `d-${status}`, attempt: 1 }).then(() => undefined, (e: unknown) => e);
    const retried = status >= 500 || status === 429 || status === 408;
    t.ok(err instanceof Error && err.message.includes(String(status)), `${status} fails the attempt`);
    t.equal(err instanceof UnrecoverableError, !retried, `${status} ${retried ? 'is retried' : 'is not retried'}`);
  }
  const closed = await webhookNotifier({ url: 'http://127.0.0.1:9/hook', secret: SECRET })
    .deliver(sample, { deliveryId: 'd-closed', attempt: 1 })
    .then(() => undefined, (e: unknown) => e);
  t.ok(closed instanceof Error && !(closed instanceof UnrecoverableError), 'an unreachable receiver is retried');
  t.match((closed as Error).message, /not reached/);
});

/** Workers on a private prefix with small backoff; `outcome` resolves when the ticket's notification job settles. */
async function pipeline(t: Teardown, h: TestApp, url: string, retry: { attempts: number; backoffMs: number }) {
  const settings: QueueSettings = { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}`, notifyRetry: retry };
  const events = new QueueEvents(QUEUE.notifications, settings);
  await events.waitUntilReady();
  const metrics = new Registry();
  t.teardown(async () => {
    await events.close();
    for (const name of Object.values(QUEUE)) {
      const q = new Queue(name, settings);
      await q.obliterate({ force: true });
      await q.close();
    }
  });
  // A joint case tells its departments that it was dispatched: one notification row.
  const ticket = (await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { unitId: h.county.units['village-1-1'], category: 'road', description: '道路塌方', mode: 'joint', leadUnitId: h.county.units['dept-transport'] },
  })).json();
  const row = await h.db.selectFrom('outbox').select('job_id').where('ticket_id', '=', ticket.id).where('topic', '=', 'notification').executeTakeFirstOrThrow();
  const outcome = new Promise<string>((resolve) => {
    events.on('completed', ({ jobId }) => jobId === row.job_id && resolve('completed'));
    events.on('failed', ({ jobId, failedReason }) => jobId === row.job_id && resolve(`failed: ${failedReason}`));
  });
  const stop = startWorkers({ services: h.services, queues: settings, log: silent, relayIntervalMs: 20, notifier: webhookNotifier({ url, secret: SECRET }), metrics });
  return { ticket, jobId: row.job_id, outcome, stop, metrics };
}

t.test('a failing webhook is retried with exponential backoff until it answers', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { url, hits } = await receiver(t, (n) => (n <= 2 ? 503 : 200));
  const p = await pipeline(t, h, url, { attempts: 4, backoffMs: 50 });
  t.equal(await p.outcome, 'completed');
  await p.stop();
  t.equal(hits.length, 3, 'two failures, then success');
  t.same(hits.map((x) => x.headers['x-delivery-attempt']), ['1', '2', '3']);
  t.same(new Set(hits.map((x) => x.headers['x-delivery-id'])), new Set([p.jobId]), 'one delivery id across attempts');
  const [a, b, c] = hits.map((x) => x.at) as [number, number, number];
  t.ok(b - a >= 45, `first retry after the backoff (${Math.round(b - a)} ms)`);
  t.ok(c - b >= 95, `second retry after twice the backoff (${Math.round(c - b)} ms)`);
  t.match(JSON.parse((hits[2] as Hit).body), {
    audience: 'departments', topic: 'dispatched', countyId: h.county.countyId,
    recipients: [{ role: 'lead', unitId: h.county.units['dept-transport'], unitName: '县交通运输局', unitKind: 'department' }],
  });
  t.equal((await h.db.selectFrom('notification_failures').selectAll().execute()).length, 0, 'nothing recorded as failed');
});

t.test('a webhook that never answers is given up after the bounded attempts, recorded and counted', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { url, hits } = await receiver(t, () => 503);
  const p = await pipeline(t, h, url, { attempts: 3, backoffMs: 10 });
  t.match(await p.outcome, /^failed: webhook answered 503/);
  const text = await p.metrics.metrics();
  await p.stop();
  t.equal(hits.length, 3, 'exactly the configured number of attempts');
  const rows = await h.db.selectFrom('notification_failures').selectAll().execute();
  t.match(rows, [{
    county_id: h.county.countyId, ticket_id: p.ticket.id, job_id: p.jobId, audience: 'departments', topic: 'dispatched',
    attempts: 3, last_error: /webhook answered 503/,
  }]);
  t.equal(rows[0]?.failed_at.toISOString(), h.clock.now().toISOString(), 'failed_at from the service clock');
  t.match(text, /ticket_notification_failures_total\{audience="departments",reason="exhausted"\} 1/);
});

t.test('a webhook that refuses the request (4xx) is not retried, and the refusal is recorded', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { url, hits } = await receiver(t, () => 400);
  const p = await pipeline(t, h, url, { attempts: 5, backoffMs: 10 });
  t.match(await p.outcome, /^failed: webhook answered 400/);
  const text = await p.metrics.metrics();
  await p.stop();
  t.equal(hits.length, 1, 'one attempt only');
  t.match(await h.db.selectFrom('notification_failures').selectAll().execute(), [{ job_id: p.jobId, attempts: 1, last_error: /400/ }]);
  t.match(text, /ticket_notification_failures_total\{audience="departments",reason="refused"\} 1/);
});
