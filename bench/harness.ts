// Benchmark plumbing: a throwaway database, the API in a child process, and cleanup on every way out.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../src/store/db.js';
import { migrateToLatest } from '../src/store/migrator.js';
import { DEMO_ACCOUNTS, seedDemoCounty, type DemoCounty } from '../src/services/seed.service.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Load shape of both sides of the comparison; the defaults are the documented ones. */
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
export const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Newest first, so the API child stops before its database is dropped.
const cleanups: Array<() => Promise<void>> = [];
const onCleanup = (fn: () => Promise<void>): void => {
  cleanups.unshift(fn);
};

// One teardown however many ways out race for it (an error and Ctrl-C arriving together).
let cleaning: Promise<void> | undefined;
function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (let fn = cleanups.shift(); fn; fn = cleanups.shift()) {
      try {
        await fn();
      } catch (err) {
        console.error('cleanup step failed:', err);
      }
    }
  })();
  return cleaning;
}

/** Runs a benchmark and always tears down what it made, on success, error or Ctrl-C. */
export async function runBench(name: string, main: () => Promise<void>): Promise<void> {
  const onSignal = (signal: string) => {
    console.error(`\n${signal}: stopping the API child and dropping the bench database`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await main();
  } catch (err) {
    process.exitCode = 1;
    console.error(`${name} failed:`, err);
  } finally {
    await runCleanups();
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  db: Db;
  county: DemoCounty;
  serverVersion: string;
}

/** A fresh `bench_<random>` database, migrated and seeded with the demo county; dropped at cleanup. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  onCleanup(() => adminQuery(`drop database if exists ${name} with (force)`));
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, { max: 4 });
  onCleanup(() => db.destroy());
  await migrateToLatest(db);
  const county = await seedDemoCounty(db);
  const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
  console.log(`database ${name} migrated and seeded`);
  return { url, db, county, serverVersion: rows[0]?.server_version ?? 'unknown' };
}

/** Fresh statistics and a clean checkpoint, so neither side pays for the other's leftovers. */
export async function settle(db: Db): Promise<void> {
  await sql`vacuum analyze`.execute(db);
  await sql`checkpoint`.execute(db);
}

export interface ApiChild {
  baseUrl: string;
  pid: number;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts bench/server.bench-child.ts with `node --import tsx` and waits for the port it prints. */
export async function startApiChild(databaseUrl: string): Promise<ApiChild> {
  // e.g. BENCH_CHILD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the API spends its CPU.
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/server.bench-child.ts'], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_CHILD_DATABASE_URL: databaseUrl, BENCH_JWT_SECRET: randomBytes(24).toString('hex'), REDIS_URL },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => stopChild(child));
  const stdout = child.stdout;
  if (!stdout) throw new Error('API child has no stdout');
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`API child exited (${code}) before listening`)));
    createInterface({ input: stdout }).on('line', (line) => {
      const m = /^port=(\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  if (child.pid === undefined) throw new Error('API child has no pid');
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid };
}

/** One JSON POST as a client sends it; anything but the expected status stops the benchmark. */
export async function request(api: ApiChild, authorization: string, route: string, body: unknown, expected: number): Promise<unknown> {
  const res = await fetch(`${api.baseUrl}${route}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== expected) throw new Error(`POST ${route} answered ${res.status}, not ${expected}: ${await res.text()}`);
  return res.json();
}

/** The login session a staff member's token runs under: the API checks it on every request. */
export async function sessionOf(db: Db, staffId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    select id from auth_sessions where staff_id = ${staffId} and revoked_at is null order by created_at desc limit 1`.execute(db);
  if (!rows[0]) throw new Error(`no open session for staff ${staffId}`);
  return rows[0].id;
}

/** Bearer header of a demo account, by logging in through the API like a client would. */
export async function login(api: ApiChild, username: (typeof DEMO_ACCOUNTS)[number]['username']): Promise<string> {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  const res = await fetch(`${api.baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: account?.password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return `Bearer ${token}`;
}
