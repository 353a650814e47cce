// Checks that a local run gets a working embedded PostgreSQL and private Redis, that they stop and the cluster is reused, and that given URLs are used as they are.
import t, { type Test } from 'tap';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { provideInfra } from '../../src/cli/infra.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

async function tempDataDir(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'infra-test-'));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as the `postgres` user, who must reach dir/pg.
  await chmod(dir, 0o755);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** 'connected', or the error code the connection attempt failed with. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function localEnv(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // A developer's own DATABASE_URL / REDIS_URL must not turn this into a test of their servers.
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
  return { ...rest, ...overrides };
}

async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

t.test('without URLs: embedded PostgreSQL and private Redis that stop and keep their data', async (t) => {
  const dataDir = await tempDataDir(t);
  const pgPort = await freePort();
  const env = localEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });

  const first = await provideInfra(env, log);
  t.teardown(() => first.stop());
  t.equal(first.databaseUrl, `postgres://postgres:postgres@127.0.0.1:${pgPort}/tickets`, 'URL of the tickets database');
  t.match(first.redisUrl, /^redis:\/\/127\.0\.0\.1:\d+$/, 'loopback Redis URL');
  const redisPort = Number(new URL(first.redisUrl).port);

  t.same(await queryOnce(first.databaseUrl, 'select 1 as one'), [{ one: 1 }], 'PostgreSQL answers');
  // Jurisdiction queries rely on ltree, so the embedded build must ship the contrib extension.
  await queryOnce(first.databaseUrl, 'create extension if not exists ltree');
  const subtree = await queryOnce(first.databaseUrl, "select 'county.town.village'::ltree <@ 'county.town' as inside");
  t.same(subtree, [{ inside: true }], 'ltree works');
  await queryOnce(first.databaseUrl, "create table kept (note text); insert into kept values ('from first run')");

  const redis = new Redis(first.redisUrl);
  t.equal(await redis.ping(), 'PONG', 'Redis answers');
  await redis.quit();

  await first.stop();
  await first.stop();
  t.equal(await connectOutcome(pgPort), 'ECONNREFUSED', 'PostgreSQL port closed after stop');
  t.equal(await connectOutcome(redisPort), 'ECONNREFUSED', 'Redis port closed after stop');

  const second = await provideInfra(env, log);
  t.teardown(() => second.stop());
  t.equal(second.databaseUrl, first.databaseUrl, 'same URL on restart');
  t.same(await queryOnce(second.databaseUrl, 'select note from kept'), [{ note: 'from first run' }], 'cluster reused');
  await second.stop();
});

t.test('with DATABASE_URL and REDIS_URL: returns them unchanged and starts nothing', async (t) => {
  const dataDir = await tempDataDir(t);
  const env = localEnv({
    DATA_DIR: dataDir,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: 'redis://127.0.0.1:6379',
  });

  const infra = await provideInfra(env, log);
  t.equal(infra.databaseUrl, 'postgres://postgres@127.0.0.1:5432/test', 'DATABASE_URL unchanged');
  t.equal(infra.redisUrl, 'redis://127.0.0.1:6379', 'REDIS_URL unchanged');
  await infra.stop();
  t.same(await readdir(dataDir), [], 'no embedded cluster was created');
});
