// `npm start`: API and workers in one process (or one of them with --api / --worker), on given or embedded services.
import { countyAdminGuard } from '../api/plugins/queue-board.accounts.js';
import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadConfig } from '../config.js';
import { buildServer, REDACT_PATHS } from '../api/server.js';
import { createServiceContext } from '../services/context.js';
import { createDb } from '../store/db.js';
import { migrateToLatest } from '../store/migrator.js';
import { isEmpty, seedDemoCounty, DEMO_ACCOUNTS } from '../services/seed.service.js';
import { startWorkers } from '../workers/index.js';
import { redisOptions, type QueueSettings } from '../workers/queues.js';
import { createNotifier } from '../workers/notifiers/index.js';
import { startMetricsServer } from '../workers/metrics.server.js';
import { provideInfra } from './infra.js';

const args = new Set(process.argv.slice(2));
const runApi = args.has('--api') || !args.has('--worker');
const runWorker = args.has('--worker') || !args.has('--api');

const config = loadConfig();
const log = pino({ level: config.logLevel, redact: REDACT_PATHS });
const infra = await provideInfra(process.env, log);
const db = createDb(infra.databaseUrl, { max: config.databasePoolMax, preparedStatements: config.preparedStatements });
const services = createServiceContext(db, { log });

if (config.migrateOnStart) log.info({ migrations: await migrateToLatest(db) }, 'migrated');
if (config.seedDemo && !config.production && (await isEmpty(db))) {
  // One transaction: a crash half-way must not leave a county that is never seeded again.
  const county = await db.transaction().execute((trx) => seedDemoCounty(trx));
  log.info({ countyId: county.countyId, accounts: DEMO_ACCOUNTS.map((a) => a.username) }, 'seeded the demo county (passwords: see README)');
}

const redis = new Redis(infra.redisUrl, { maxRetriesPerRequest: 2 });
const queues: QueueSettings = {
  connection: redisOptions(infra.redisUrl),
  prefix: config.queuePrefix,
  notifyRetry: { attempts: config.notify.attempts, backoffMs: config.notify.backoffMs },
};
// One registry: the API's /metrics shows the workers' too when both run here; a worker alone serves it when asked.
const metrics = new Registry();
const app = runApi
  ? await buildServer(
      {
        services,
        redis,
        jwtSecret: config.jwtSecret,
        tokenTtl: config.tokenTtl,
        access: {
          refreshTtlMs: config.refreshTtlMs,
          previousJwtSecrets: config.previousJwtSecrets,
          corsOrigins: config.corsOrigins,
          authRateLimit: config.authRateLimit,
          authAddressRateLimit: config.authAddressRateLimit,
          sharedRateLimits: config.sharedRateLimits ? { nameSpace: `${config.queuePrefix}:rate-limit:` } : undefined,
          trustProxy: config.trustProxy,
          login: { maxFailures: config.loginMaxFailures, lockMs: config.loginLockMs },
        },
        queues: {
          settings: queues,
          enabled: config.adminQueues.enabled,
          basicAuth: config.adminQueues.basicAuth,
          authorize: config.adminQueues.accounts ? countyAdminGuard(services, { maxFailures: config.loginMaxFailures, lockMs: config.loginLockMs }) : undefined,
        },
        metrics,
        open311: { rateLimit: config.open311RateLimit, addressRateLimit: config.open311AddressRateLimit },
      },
      { level: config.logLevel },
    )
  : undefined;
if (!app) collectDefaultMetrics({ register: metrics });
const metricsServer =
  !app && runWorker && config.workerMetricsPort !== undefined
    ? await startMetricsServer(metrics, config.workerMetricsPort, config.host, log)
    : undefined;
const stopWorkers = runWorker ? startWorkers({
      services,
      queues,
      log,
      notifier: createNotifier(config.notify, log),
      metrics,
      sweepEveryMs: config.sweepEveryMs,
      lockDurationMs: config.lockDurationMs,
      deadlineConcurrency: config.deadlineConcurrency,
      coverageReportGraceDays: config.coverageReportGraceDays,
    }) : undefined;

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'shutting down after an error');
  else log.info({ signal }, 'shutting down');
  await app?.close();
  // Workers finish the jobs in hand before their connections close.
  await stopWorkers?.();
  await metricsServer?.close();
  redis.disconnect();
  await db.destroy();
  await infra.stop();
});

if (app) {
  const address = await app.listen({ port: config.port, host: config.host });
  log.info({ url: address, docs: `${address}/docs` }, 'ticket engine API listening');
}
if (runWorker) log.info({ prefix: config.queuePrefix }, 'workers running');
