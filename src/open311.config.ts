// Configuration of the Open311 endpoint (README: Configuration and Open311).
export interface Open311Config {
  /** Requests a minute per Open311 api_key (OPEN311_RATE_LIMIT). */
  open311RateLimit: number;
  /** Requests a minute to /open311 per client address, keyed or not (OPEN311_RATE_LIMIT_PER_ADDRESS). */
  open311AddressRateLimit: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

export function loadOpen311Config(env: NodeJS.ProcessEnv): Open311Config {
  return {
    open311RateLimit: positive(env, 'OPEN311_RATE_LIMIT', 120),
    open311AddressRateLimit: positive(env, 'OPEN311_RATE_LIMIT_PER_ADDRESS', 300),
  };
}
