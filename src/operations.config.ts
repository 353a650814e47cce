// Configuration of notifications, the queue dashboard and the worker metrics listener (README: Configuration).
export interface NotifyConfig {
  /** POST target of the webhook notifier; the log notifier when unset. */
  webhookUrl?: string;
  /** HMAC-SHA256 key for the X-Signature-256 header; required with the URL. */
  webhookSecret?: string;
  webhookTimeoutMs: number;
  /** Deliveries tried at most this many times, the first retry after backoffMs, doubling. */
  attempts: number;
  backoffMs: number;
}

export interface AdminQueuesConfig {
  /** Mount the dashboard at /admin/queues. */
  enabled: boolean;
  basicAuth?: { username: string; password: string };
  /** ADMIN_QUEUES=accounts: log in with a staff account; county admins only. */
  accounts: boolean;
}

export interface OperationsConfig {
  notify: NotifyConfig;
  adminQueues: AdminQueuesConfig;
  /** Port of the worker-only /metrics listener; off when unset. */
  workerMetricsPort?: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, not "${raw}"`);
  return value;
}

export function loadOperationsConfig(env: NodeJS.ProcessEnv, production: boolean): OperationsConfig {
  const webhookUrl = env.NOTIFY_WEBHOOK_URL || undefined;
  const webhookSecret = env.NOTIFY_WEBHOOK_SECRET || undefined;
  if (webhookUrl !== undefined) {
    if (!/^https?:\/\//.test(webhookUrl) || !URL.canParse(webhookUrl)) throw new Error('NOTIFY_WEBHOOK_URL must be an http(s) URL');
    // An unsigned webhook cannot be told from a forged one.
    if (webhookSecret === undefined) throw new Error('NOTIFY_WEBHOOK_SECRET must be set with NOTIFY_WEBHOOK_URL');
  }

  const username = env.ADMIN_QUEUES_USER || undefined;
  const password = env.ADMIN_QUEUES_PASSWORD || undefined;
  if ((username === undefined) !== (password === undefined)) {
    throw new Error('ADMIN_QUEUES_USER and ADMIN_QUEUES_PASSWORD go together');
  }
  const basicAuth = username !== undefined && password !== undefined ? { username, password } : undefined;
  const accounts = env.ADMIN_QUEUES === 'accounts';
  if (accounts && basicAuth) throw new Error('ADMIN_QUEUES=accounts logs in with staff accounts: leave ADMIN_QUEUES_USER and ADMIN_QUEUES_PASSWORD unset');
  const open = ['1', 'true', 'yes'].includes(env.ADMIN_QUEUES ?? '');
  // The dashboard can retry, remove and empty queues: never open to anyone in production.
  if (open && production && !basicAuth) {
    throw new Error('ADMIN_QUEUES in production needs ADMIN_QUEUES=accounts, or ADMIN_QUEUES_USER and ADMIN_QUEUES_PASSWORD');
  }

  const metricsPort = integer(env, 'WORKER_METRICS_PORT', 0, 0);
  return {
    notify: {
      webhookUrl,
      webhookSecret,
      webhookTimeoutMs: integer(env, 'NOTIFY_WEBHOOK_TIMEOUT_MS', 5000, 1),
      attempts: integer(env, 'NOTIFY_ATTEMPTS', 6, 1),
      backoffMs: integer(env, 'NOTIFY_BACKOFF_MS', 10_000, 0),
    },
    adminQueues: { enabled: open || accounts || basicAuth !== undefined, basicAuth, accounts },
    workerMetricsPort: metricsPort > 0 ? metricsPort : undefined,
  };
}
