// Runs `npm run worker` as a real child process (node --import tsx, so SIGKILL reaches the worker itself), and cleans up its queues.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** The tail of what the worker wrote, for failure messages. */
  output(): string;
  alive(): boolean;
  /** Sends the signal and waits for the process to exit (SIGKILL after 10 s if it does not). */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface WorkerEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  QUEUE_PREFIX: string;
  SWEEP_INTERVAL_MS?: string;
  WORKER_LOCK_MS?: string;
  LOG_LEVEL?: string;
}

export function spawnWorker(env: WorkerEnv): WorkerProcess {
  // The worker's own settings must not leak in from the developer's shell (a webhook, a metrics port).
  const { NOTIFY_WEBHOOK_URL: _w, WORKER_METRICS_PORT: _m, NODE_ENV: _n, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/start.ts', '--worker'], {
    cwd: repoRoot,
    env: { ...inherited, LOG_LEVEL: 'warn', MIGRATE_ON_START: '0', SEED_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => tail,
    alive,
    async stop(signal) {
      if (!alive()) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Deletes every key under a queue prefix (queues, job schedulers, the timers sentinel). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `probe` every `everyMs` until it returns a value; throws `message()` after `timeoutMs`. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, opts: { timeoutMs: number; everyMs?: number; message: () => string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(opts.message());
    await new Promise((resolve) => setTimeout(resolve, opts.everyMs ?? 50));
  }
}
