// Test harness: a fresh PostgreSQL database per test file, the real Redis, a settable clock, the app.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino, { type DestinationStream } from 'pino';
import { buildServer, REDACT_PATHS } from '../src/api/server.js';
import type { AccessOptions, AppOptions } from '../src/api/app.js';
import { createDb, type Db } from '../src/store/db.js';
import { migrateToLatest } from '../src/store/migrator.js';
import { seedDemoCounty, type DemoCounty } from '../src/services/seed.service.js';
import { createServiceContext, type ServiceContext } from '../src/services/context.js';

type Teardown = (fn: () => unknown) => void;

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Creates an empty, migrated database that is dropped when the test ends. */
export async function createTestDatabase(teardown: Teardown): Promise<{ db: Db; url: string }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(ADMIN_URL, name);
  const db = createDb(url, { max: 10 });
  teardown(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  await migrateToLatest(db);
  return { db, url };
}

/** A clock tests move by hand; nothing waits for real time. */
export class TestClock {
  constructor(private t: number = Date.parse('2026-11-23T02:00:00Z')) {}
  now = (): Date => new Date(this.t);
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  services: ServiceContext;
  county: DemoCounty;
  clock: TestClock;
  redis: Redis;
  /** Bearer header for a demo account (see DEMO_ACCOUNTS); `b-cadre` is the cadre of a county seeded with prefix `b-`. */
  auth: (username: string) => Promise<{ authorization: string }>;
}

export interface TestAppOptions {
  /** Access token lifetime; tests move the clock by days, so the default outlives any of them. */
  tokenTtl?: string;
  access?: AccessOptions;
  /** The Open311 endpoint's rate limits. */
  open311?: AppOptions['open311'];
  /** Log lines go here (at `logLevel`, default info) instead of nowhere. */
  logStream?: DestinationStream;
  logLevel?: string;
}

const YEAR_MS = 365 * 86_400_000;

export async function buildTestApp(teardown: Teardown, options: TestAppOptions = {}): Promise<TestApp> {
  const { db } = await createTestDatabase(teardown);
  const county = await seedDemoCounty(db);
  const clock = new TestClock();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  teardown(() => redis.disconnect());
  // With a log stream, the services log there too, through the same redaction as `npm start`'s logger.
  const log = options.logStream ? pino({ level: options.logLevel ?? 'info', redact: REDACT_PATHS }, options.logStream) : undefined;
  const services: ServiceContext = createServiceContext(db, { now: clock.now, log });
  const app = await buildServer(
    {
      services,
      redis,
      jwtSecret: 'test-secret-test-secret-test-secret',
      tokenTtl: options.tokenTtl ?? '365d',
      access: { refreshTtlMs: YEAR_MS, authRateLimit: 1000, authAddressRateLimit: 1000, ...options.access },
      open311: options.open311,
    },
    options.logStream ? { level: options.logLevel ?? 'info' } : false,
    options.logStream,
  );
  teardown(() => app.close());
  const tokens = new Map<string, string>();
  const { DEMO_ACCOUNTS } = await import('../src/services/seed.service.js');
  const auth = async (username: string) => {
    let token = tokens.get(username);
    if (!token) {
      // `b-cadre` logs in as the cadre of the county seeded with usernamePrefix 'b-'.
      const acct = DEMO_ACCOUNTS.find((a) => a.username === username) ?? DEMO_ACCOUNTS.find((a) => a.username === username.replace(/^[a-z0-9]+-/, ''));
      const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: acct?.password ?? '' } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
      token = (res.json() as { token: string }).token;
      tokens.set(username, token);
    }
    return { authorization: `Bearer ${token}` };
  };
  return { app, db, services, county, clock, redis, auth };
}

/** Row counts of the tables a request may write, to prove a refusal wrote nothing. */
export async function writeCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['tickets', 'ticket_events', 'outbox', 'idempotency_keys', 'ticket_counters'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}
