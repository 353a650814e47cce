// Configuration from the environment, with the defaults the README's table lists.
export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  redisUrl?: string;
  jwtSecret: string;
  tokenTtl: string;
  migrateOnStart: boolean;
  seedDemo: boolean;
  logLevel: string;
  queuePrefix: string;
  production: boolean;
}

const DEV_JWT_SECRET = 'dev-only-secret-change-me-dev-only-secret';

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
    tokenTtl: env.TOKEN_TTL ?? '8h',
    migrateOnStart: flag('MIGRATE_ON_START', !production),
    seedDemo: flag('SEED_DEMO', !production),
    logLevel: env.LOG_LEVEL ?? 'info',
    queuePrefix: env.QUEUE_PREFIX ?? 'tickets',
    production,
  };
}
