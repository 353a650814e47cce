// Configuration from the environment, with the defaults the README's table lists.
import { loadOperationsConfig, type OperationsConfig } from './operations.config.js';
import { loadSecurityConfig, type SecurityConfig } from './security.config.js';
import { loadOpen311Config, type Open311Config } from './open311.config.js';

export interface Config extends OperationsConfig, SecurityConfig, Open311Config {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  jwtSecret: string;
  tokenTtl: string;
  migrateOnStart: boolean;
  /** Hot statements as named prepared statements (off behind a pooler that cannot keep them, e.g. PgBouncer in transaction mode). */
  preparedStatements: boolean;
  seedDemo: boolean;
  logLevel: string;
  queuePrefix: string;
  sweepEveryMs: number;
  lockDurationMs: number;
  /** Deadline jobs one worker process applies at once. */
  deadlineConcurrency: number;
  /** PostgreSQL connections of one process. */
  databasePoolMax: number;
  /** Days after a coverage period ends before its report is filed; the service's default (3) when unset. */
  coverageReportGraceDays?: number;
  production: boolean;
}

const DEV_JWT_SECRET = 'dev-only-secret-change-me-dev-only-secret';

function wholeDays(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number of days ≥ 0, not "${raw}"`);
  return Number(raw);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.JWT_SECRET ?? (production ? '' : DEV_JWT_SECRET);
  if (jwtSecret.length < 32) throw new Error('JWT_SECRET must be set to at least 32 characters');
  const flag = (name: string, fallback: boolean) => (env[name] === undefined ? fallback : ['1', 'true', 'yes'].includes(env[name] ?? ''));
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret,
    // Short-lived: a refresh token (REFRESH_TTL) renews it, logout or a disabled account ends it.
    tokenTtl: env.TOKEN_TTL ?? '15m',
    migrateOnStart: flag('MIGRATE_ON_START', !production),
    preparedStatements: flag('DATABASE_PREPARED_STATEMENTS', true),
    seedDemo: flag('SEED_DEMO', !production),
    logLevel: env.LOG_LEVEL ?? 'info',
    queuePrefix: env.QUEUE_PREFIX ?? 'tickets',
    sweepEveryMs: Number(env.SWEEP_INTERVAL_MS ?? 30_000),
    lockDurationMs: Number(env.WORKER_LOCK_MS ?? 30_000),
    deadlineConcurrency: Number(env.DEADLINE_CONCURRENCY ?? 64),
    databasePoolMax: Number(env.DATABASE_POOL_MAX ?? 20),
    coverageReportGraceDays: wholeDays(env, 'COVERAGE_REPORT_GRACE_DAYS'),
    production,
    ...loadOperationsConfig(env, production),
    ...loadSecurityConfig(env),
    ...loadOpen311Config(env),
  };
}
