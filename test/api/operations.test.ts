// Operations: the queue dashboard at /admin/queues (off, open, basic auth, authorize hook) and the worker metrics.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildTestApp, REDIS_URL, type TestApp } from '../helper.js';
import { buildServer } from '../../src/api/server.js';
import type { QueueBoardOptions } from '../../src/api/plugins/queue-board.plugin.js';
import { countyAdminGuard } from '../../src/api/plugins/queue-board.accounts.js';
import { loadOperationsConfig } from '../../src/operations.config.js';
import { OutboxRelay } from '../../src/workers/outbox-relay.js';
import { deadlineProcessor } from '../../src/workers/processors/deadline.processor.js';
import { startMetricsServer } from '../../src/workers/metrics.server.js';
import { registerWorkerMetrics } from '../../src/workers/worker.metrics.js';
import { QUEUE, redisOptions, type DeadlineJob, type QueueSettings } from '../../src/workers/queues.js';
import { deadlineJobId } from '../../src/services/effect-plan.service.js';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
type Teardown = { teardown: (fn: () => unknown) => void };

const queueSettings = (t: Teardown): QueueSettings => {
  const settings = { connection: redisOptions(REDIS_URL), prefix: `test${randomBytes(4).toString('hex')}` };
  t.teardown(async () => {
    for (const name of Object.values(QUEUE)) {
      const q = new Queue(name, settings);
      await q.obliterate({ force: true });
      await q.close();
    }
  });
  return settings;
};

async function appWithBoard(t: Teardown, h: TestApp, board: Omit<QueueBoardOptions, 'settings'>, metrics?: Registry) {
  const app = await buildServer(
    { services: h.services, redis: h.redis, jwtSecret: 'test-secret-test-secret-test-secret', queues: { settings: queueSettings(t), ...board }, metrics },
    false,
  );
  t.teardown(() => app.close());
  return app;
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

t.test('the queue dashboard is mounted only when enabled', async (t) => {
  const h = await buildTestApp(t.teardown);
  t.equal((await h.app.inject({ url: '/admin/queues' })).statusCode, 404, 'no queue settings: no dashboard');
  const off = await appWithBoard(t, h, { enabled: false });
  t.equal((await off.inject({ url: '/admin/queues' })).statusCode, 404, 'queues configured but not enabled: no dashboard');

  const open = await appWithBoard(t, h, { enabled: true });
  const page = await open.inject({ url: '/admin/queues' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.body, /\/admin\/queues/, 'the page knows its base path');
  const api = await open.inject({ url: '/admin/queues/api/queues' });
  t.equal(api.statusCode, 200);
  const names = (api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
  t.same(names, Object.values(QUEUE).sort(), 'every queue is on the board');
  const docs = (await open.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  t.notOk(Object.keys(docs.paths).some((p) => p.startsWith('/admin')), 'the dashboard stays out of the OpenAPI description');
});

t.test('basic auth and the authorize hook guard every dashboard route', async (t) => {
  const h = await buildTestApp(t.teardown);
  const guarded = await appWithBoard(t, h, { enabled: true, basicAuth: { username: 'ops', password: 'queue-pass' } });
  for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
    const none = await guarded.inject({ url });
    t.equal(none.statusCode, 401, `${url} without credentials`);
    t.match(none.headers['www-authenticate'], /^Basic realm="queues"/);
    t.match(none.json(), { code: 'unauthorized' });
    t.equal((await guarded.inject({ url, headers: basic('ops', 'wrong') })).statusCode, 401, `${url} with a wrong password`);
    t.equal((await guarded.inject({ url, headers: basic('ops', 'queue-pass') })).statusCode, 200, `${url} with the credentials`);
  }

  let asked = 0;
  const roles = await appWithBoard(t, h, {
    enabled: true,
    authorize: async (request, reply) => {
      asked++;
      if (request.headers['x-role'] !== 'county_admin') await reply.code(403).send({ code: 'forbidden', message: 'County admins only' });
    },
  });
  t.equal((await roles.inject({ url: '/admin/queues/api/queues' })).statusCode, 403, 'the hook refuses');
  t.equal((await roles.inject({ url: '/admin/queues/api/queues', headers: { 'x-role': 'county_admin' } })).statusCode, 200, 'the hook lets through');
  t.equal(asked, 2);
});

t.test('ADMIN_QUEUES=accounts: the dashboard takes a staff login and lets county admins in only', async (t) => {
  const h = await buildTestApp(t.teardown);
  const config = loadOperationsConfig({ ADMIN_QUEUES: 'accounts' }, true);
  t.match(config.adminQueues, { enabled: true, accounts: true, basicAuth: undefined }, 'allowed in production: it needs a login');
  t.throws(() => loadOperationsConfig({ ADMIN_QUEUES: '1' }, true), /ADMIN_QUEUES=accounts/, 'an open board is not');
  const board = await appWithBoard(t, h, { enabled: true, authorize: countyAdminGuard(h.services) });
  for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
    const none = await board.inject({ url });
    t.equal(none.statusCode, 401, `${url}: the browser is asked to log in`);
    t.match(none.headers['www-authenticate'], /^Basic realm="queues"/);
    t.equal((await board.inject({ url, headers: basic('admin', 'wrong') })).statusCode, 401, `${url}: a wrong password`);
    const cadre = await board.inject({ url, headers: basic('cadre', 'demo-cadre') });
    t.equal(cadre.statusCode, 403, `${url}: a cadre logs in but is no county admin`);
    t.match(cadre.json(), { code: 'forbidden' });
    t.equal((await board.inject({ url, headers: basic('admin', 'demo-admin') })).statusCode, 200, `${url}: the county admin`);
  }
  const failures = await h.db.selectFrom('staff').select('failed_logins').where('username', '=', 'admin').executeTakeFirstOrThrow();
  // Wrong, then right (the count starts again), then wrong again; the admin's second visit was trusted
  // from the first check (no second argon2), so nothing cleared the last failure.
  t.equal(failures.failed_logins, 1, 'wrong passwords count towards the lockout; a checked login is trusted for a while');

  // Its logins spend the address's login budget, as /v1/auth/login does.
  const strict = await buildServer(
    {
      services: h.services, redis: h.redis, jwtSecret: 'test-secret-test-secret-test-secret', access: { authAddressRateLimit: 2 },
      queues: { settings: queueSettings(t), enabled: true, authorize: countyAdminGuard(h.services) },
    },
    false,
  );
  t.teardown(() => strict.close());
  const guesses = [];
  for (const user of ['water', 'transport', 'village']) guesses.push((await strict.inject({ url: '/admin/queues/api/queues', headers: basic(user, 'guess') })).statusCode);
  t.same(guesses, [401, 401, 429], 'the third guess from the address waits');
});

t.test('/metrics shows deadlines pending, escalations by level, lateness and notification failures', async (t) => {
  const h = await buildTestApp(t.teardown);
  const settings = queueSettings(t);
  // As `npm start` wires them: one registry for the API and the workers.
  const registry = new Registry();
  const app = await appWithBoard(t, h, { enabled: false }, registry);
  const metrics = registerWorkerMetrics(registry, settings, silent);
  t.teardown(() => metrics.close());
  const ticket = (await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { householdId: h.county.households[0], category: 'insurance', description: '代办医保', mode: 'proxy' },
  })).json();
  const relay = new OutboxRelay(h.db, settings, h.services.now);
  t.teardown(() => relay.close());
  await relay.relayOnce();

  const scrape = async () => (await app.inject({ url: '/metrics' })).body;
  let text = await scrape();
  t.match(text, /^ticket_deadlines_pending 2$/m, 'warning and deadline timers wait in Redis');
  t.match(text, /^ticket_escalations_total\{level="town"\} 0$/m);
  t.match(text, /# TYPE ticket_notification_failures_total counter/);

  // The red card 2.5 s after the due time, through the worker's own processor.
  const deadlines = new Queue<DeadlineJob>(QUEUE.deadlines, settings);
  t.teardown(() => deadlines.close());
  const passed = await deadlines.getJob(deadlineJobId(ticket.id, 1, 'village', 'passed'));
  h.clock.advance(24 * 3600_000 + 2500);
  t.equal(await deadlineProcessor(h.services, silent, metrics)(passed as Job<DeadlineJob>), 'applied');
  t.equal(await deadlineProcessor(h.services, silent, metrics)(passed as Job<DeadlineJob>), 'stale', 'a duplicate counts nothing');
  await relay.relayOnce();

  text = await scrape();
  t.match(text, /^ticket_escalations_total\{level="town"\} 1$/m);
  t.match(text, /^ticket_escalations_total\{level="county"\} 0$/m);
  t.match(text, /^ticket_escalation_lateness_seconds_count\{level="town"\} 1$/m);
  t.match(text, /^ticket_escalation_lateness_seconds_sum\{level="town"\} 2.5$/m, 'now minus the due time');
  t.match(text, /^ticket_escalation_lateness_seconds_bucket\{le="5",level="town"\} 1$/m);
  t.match(text, /^ticket_escalation_lateness_seconds_bucket\{le="1",level="town"\} 0$/m);
  t.match(text, /^ticket_deadlines_pending 3$/m, 'the town deadline joined the two first timers');
  t.match(text, /^http_requests_total/m, 'beside the API\'s own metrics');
});

t.test('a worker alone serves /metrics on its own port', async (t) => {
  const registry = new Registry();
  const metrics = registerWorkerMetrics(registry, queueSettings(t), silent);
  metrics.notificationFailed('handler', 'exhausted');
  const server = await startMetricsServer(registry, 0, '127.0.0.1', silent);
  t.teardown(async () => {
    await server.close();
    await metrics.close();
  });
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /text\/plain/);
  const text = await res.text();
  t.match(text, /^ticket_notification_failures_total\{audience="handler",reason="exhausted"\} 1$/m);
  t.match(text, /^ticket_deadlines_pending 0$/m);
  t.equal((await fetch(`http://127.0.0.1:${server.port}/other`)).status, 404);
});
