// Configuration of sessions, login protection and browser access (README: Configuration; docs/SECURITY.md).
export interface SecurityConfig {
  /** Lifetime of a login session and its refresh tokens, in ms (REFRESH_TTL). */
  refreshTtlMs: number;
  /** Old JWT secrets still accepted (not used to sign) while a rotation settles (JWT_SECRET_PREVIOUS). */
  previousJwtSecrets: string[];
  /** Browser origins allowed by CORS (CORS_ORIGINS); none when empty. */
  corsOrigins: string[];
  /** Requests per minute to the login and token endpoints, per client address and username (AUTH_RATE_LIMIT). */
  authRateLimit: number;
  /** Requests per minute to the login and token endpoints from one client address, all usernames (AUTH_RATE_LIMIT_PER_ADDRESS). */
  authAddressRateLimit: number;
  /** Failed logins in a row that lock an account (LOGIN_MAX_FAILURES), and for how long (LOGIN_LOCK_MINUTES). */
  loginMaxFailures: number;
  loginLockMs: number;
  /** TRUST_PROXY: unset (no proxy), `true`, a hop count, or the proxies' addresses / CIDR ranges, comma-separated. */
  trustProxy: boolean | number | string[];
  /** RATE_LIMIT_STORE: `redis` (default) counts in Redis, one budget for every API instance; `memory` per process. */
  sharedRateLimits: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '15m', '8h', '14d', '30s' or plain milliseconds. */
export function parseDuration(value: string, name: string): number {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m?.[1]) throw new Error(`${name} must be a duration like 15m, 8h or 14d, not "${value}"`);
  return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  const list = (name: string) => (env[name] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const corsOrigins = list('CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) throw new Error(`CORS_ORIGINS: "${origin}" is not an origin like https://town.example.cn`);
  }
  const previousJwtSecrets = list('JWT_SECRET_PREVIOUS');
  if (previousJwtSecrets.some((s) => s.length < 32)) throw new Error('JWT_SECRET_PREVIOUS secrets must be at least 32 characters');
  return {
    refreshTtlMs: parseDuration(env.REFRESH_TTL ?? '14d', 'REFRESH_TTL'),
    previousJwtSecrets,
    corsOrigins,
    authRateLimit: positive(env, 'AUTH_RATE_LIMIT', 10),
    authAddressRateLimit: positive(env, 'AUTH_RATE_LIMIT_PER_ADDRESS', 60),
    loginMaxFailures: positive(env, 'LOGIN_MAX_FAILURES', 5),
    loginLockMs: positive(env, 'LOGIN_LOCK_MINUTES', 15) * 60_000,
    sharedRateLimits: rateLimitStore(env),
    trustProxy: trustProxy(env),
  };
}

function rateLimitStore(env: NodeJS.ProcessEnv): boolean {
  const store = env.RATE_LIMIT_STORE ?? 'redis';
  if (store !== 'redis' && store !== 'memory') throw new Error(`RATE_LIMIT_STORE must be redis or memory, not "${store}"`);
  return store === 'redis';
}

function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
