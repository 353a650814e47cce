// Benchmark of the county coverage report (GET /v1/coverage as the county supervisor) on the synthetic county, against pgbench running the same SQL; `npm run bench:coverage`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { buildServer } from '../src/api/server.js';
import { createServiceContext } from '../src/services/context.js';
import { FULL_COUNTY, monthStarts, seedCounty } from '../src/services/seed-county.service.js';
import type { Database } from '../src/store/database.js';
import { createDb } from '../src/store/db.js';
import { createBenchDatabase, REDIS_URL, runBench, settle, startApiChild, type ApiChild } from './harness.js';

const CONNECTIONS = Number(process.env.BENCH_COVERAGE_CONNECTIONS ?? 2);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const REUSE_URL = process.env.BENCH_COVERAGE_DATABASE_URL;
/** `last-month` (default): a whole month, as the monthly assessment reads it; `current`: the report as opened, for the period running now. */
const PERIOD = process.env.BENCH_COVERAGE_PERIOD ?? 'last-month';
const PREFIX = 'yl';
const TARGET_P95_MS = 200;

interface Report {
  cadres: unknown[];
  villages: unknown[];
  towns: Array<{ residentTotal: number; migrantTotal: number }>;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** A fixed number of clients, each sending the next request when the last one answered; latencies of every request. */
async function drive(url: string, authorization: string, seconds: number): Promise<{ latencies: number[]; failures: number; elapsed: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const res = await fetch(url, { headers: { authorization } });
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t);
        else failures++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), failures, elapsed: (performance.now() - start) / 1000 };
}

/**
 * The statements one report request sends, with their parameters, read off the real code: the same
 * app (buildServer) in this process on a Kysely that records every query, answering one request.
 */
async function captureStatements(url: string, username: string, password: string, route: string): Promise<{ queries: CompiledQuery[]; body: string }> {
  const queries: CompiledQuery[] = [];
  let capturing = false;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (capturing && e.level === 'query') queries.push(e.query); } });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const app = await buildServer({ services: createServiceContext(db), redis, jwtSecret: randomBytes(24).toString('hex') }, false);
  try {
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
    if (login.statusCode !== 200) throw new Error(`login ${username}: ${login.body}`);
    const authorization = `Bearer ${(login.json() as { token: string }).token}`;
    capturing = true;
    const res = await app.inject({ method: 'GET', url: route, headers: { authorization } });
    capturing = false;
    if (res.statusCode !== 200) throw new Error(`GET ${route}: ${res.statusCode} ${res.body}`);
    return { queries, body: res.body };
  } finally {
    await app.close();
    await db.destroy();
    redis.disconnect();
  }
}

/** pgbench's script: each captured statement with `$n` turned into a `-D` variable of the value it was sent with. */
function toScript(queries: CompiledQuery[]): { script: string; vars: Record<string, string> } {
  const vars: Record<string, string> = {};
  const statements = queries.map((q, i) =>
    `${q.sql.replace(/\$(\d+)/g, (_, n: string) => {
      const value = q.parameters[Number(n) - 1];
      vars[`q${i}_${n}`] = value instanceof Date ? value.toISOString() : String(value);
      return `:q${i}_${n}`;
    })};`);
  return { script: `${statements.join('\n')}\n`, vars };
}

const pgbenchBin = (): string =>
  process.env.PGBENCH ?? path.join(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(), 'pgbench');

/**
 * `pgbench -c N -j N -T s -n -M prepared -l`: throughput and per-transaction latencies from its log. The
 * report statement carries its scope as literals (coverage.repository.ts), so preparing it changes nothing
 * about its plan; the session and unit lookups are prepared like the API's pool prepares them.
 */
async function pgbench(url: string, script: string, vars: Record<string, string>): Promise<{ tps: number; latencies: number[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-coverage-'));
  try {
    await writeFile(path.join(dir, 'script.sql'), script);
    const args = ['-c', String(CONNECTIONS), '-j', String(CONNECTIONS), '-T', String(DURATION_S), '-n', '-M', 'prepared', '-l',
      '--log-prefix', path.join(dir, 'log'), '-f', path.join(dir, 'script.sql'), ...Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]), url];
    const child = spawn(pgbenchBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => child.once('exit', resolve).once('error', reject));
    const tps = Number(/^tps = ([\d.]+)/m.exec(out)?.[1] ?? Number.NaN);
    if (code !== 0 || Number.isNaN(tps) || /aborted/i.test(out)) throw new Error(`pgbench failed (exit ${code}):\n${out}`);
    const latencies: number[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('log'))) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const us = Number(line.split(' ')[2]);
        if (line && Number.isFinite(us)) latencies.push(us / 1000);
      }
    }
    return { tps, latencies: latencies.sort((a, b) => a - b) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function seededDatabase(): Promise<{ url: string; seconds: number | null }> {
  if (REUSE_URL) return { url: REUSE_URL, seconds: null };
  const { url, db } = await createBenchDatabase();
  const t = performance.now();
  const county = await db.transaction().execute((trx) => seedCounty(trx, { scale: FULL_COUNTY, seed: 1, prefix: PREFIX, now: new Date() }));
  await settle(db);
  const seconds = (performance.now() - t) / 1000;
  console.log(`synthetic county seeded in ${seconds.toFixed(1)} s (vacuum analyze included): ${JSON.stringify(county.counts)}`);
  return { url, seconds };
}

await runBench('bench:coverage', async () => {
  const { url } = await seededDatabase();
  const db = createDb(url, { max: 2 });
  const { rows: [county] } = await sql<{ id: string }>`select county_id as id from staff where username = ${`${PREFIX}-county-supervisor`}`.execute(db);
  const households = Number((await sql<{ n: string }>`select count(*) as n from households where county_id = ${county?.id ?? null}`.execute(db)).rows[0]?.n);
  await db.destroy();
  if (!county) throw new Error(`no ${PREFIX}-county-supervisor in the database: seed it with npm run seed:county`);

  // The last whole month (Beijing time): a full month of visits, as the monthly assessment reads it.
  const [from, to] = monthStarts(new Date(), 2) as [Date, Date];
  const route = PERIOD === 'current' ? `/v1/coverage?unitId=${county.id}` : `/v1/coverage?unitId=${county.id}&from=${from.toISOString()}&to=${to.toISOString()}`;
  console.log(`period: ${PERIOD === 'current' ? 'the one running now (no from/to)' : `${from.toISOString()} – ${to.toISOString()}`}`);
  const { queries, body } = await captureStatements(url, `${PREFIX}-county-supervisor`, 'demo-county-supervisor', route);

  const api: ApiChild = await startApiChild(url);
  const login = await fetch(`${api.baseUrl}/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `${PREFIX}-county-supervisor`, password: 'demo-county-supervisor' }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${await login.text()}`);
  const authorization = `Bearer ${((await login.json()) as { token: string }).token}`;
  const first = await fetch(`${api.baseUrl}${route}`, { headers: { authorization } });
  const firstBody = await first.text();
  if (first.status !== 200) throw new Error(`GET ${route}: ${first.status} ${firstBody}`);
  const report = JSON.parse(firstBody) as Report;
  const reported = report.towns.reduce((n, t) => n + t.residentTotal + t.migrantTotal, 0);
  console.log(`report: ${report.cadres.length} cadres, ${report.villages.length} villages, ${report.towns.length} towns, ${reported} of ${households} households`);
  if (reported !== households) throw new Error('the report does not count every household of the county');
  if (firstBody !== body) throw new Error('the in-process capture answered differently from the API child: the captured statements are not the request\'s');

  const { script, vars } = toScript(queries);
  console.log(`statements per request (${queries.length}), as pgbench runs them:\n${queries.map((q) => `  - ${q.sql.replace(/\s+/g, ' ').slice(0, 110)}…`).join('\n')}`);

  if (WARMUP_S > 0) await drive(`${api.baseUrl}${route}`, authorization, WARMUP_S);
  const run = await drive(`${api.baseUrl}${route}`, authorization, DURATION_S);
  const base = await pgbench(url, script, vars);

  const reqPerSec = run.latencies.length / run.elapsed;
  const f = (ms: number) => ms.toFixed(1);
  const p95 = percentile(run.latencies, 95);
  console.log(`\nbench:coverage — GET /v1/coverage (county, ${households} households, ${PERIOD === 'current' ? 'the period running now' : `${from.toISOString()} – ${to.toISOString()}`}), ${CONNECTIONS} concurrent clients, ${DURATION_S} s`);
  console.log('| side | req/s (tps) | p50 ms | p95 ms | p99 ms | failures |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| API | ${reqPerSec.toFixed(1)} | ${f(percentile(run.latencies, 50))} | ${f(p95)} | ${f(percentile(run.latencies, 99))} | ${run.failures} |`);
  console.log(`| pgbench, same SQL | ${base.tps.toFixed(1)} | ${f(percentile(base.latencies, 50))} | ${f(percentile(base.latencies, 95))} | ${f(percentile(base.latencies, 99))} | 0 |`);
  console.log(`ratio API / pgbench: ${(reqPerSec / base.tps).toFixed(2)}; p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'yes' : '**no**'}`);
});
