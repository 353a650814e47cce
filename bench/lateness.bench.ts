// A steady 200 red cards a second for 60 s through the real worker: lateness percentiles and Redis bytes per pending deadline; `npm run bench:lateness`.
import { loadConfig } from '../src/config.js';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { redisOptions, type QueueSettings } from '../src/workers/queues.js';
import { createBenchDatabase, runBench, settle } from './harness.js';
import {
  cloneTicket, coresBetween, drained, escalationReadyTicket, escalationTally, relayAll, sampleCpu, sleep, startPrivateRedis, startWorkerPool,
} from './timers.harness.js';

const RATE = Number(process.env.BENCH_LATENESS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_LATENESS_SECONDS ?? 60);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const LEAD_S = Number(process.env.BENCH_LATENESS_LEAD_S ?? 30);
const TARGETS = { p99Ms: 1000, bytesPerJob: 1024 };
/** e.g. 256: Redis keeps job hashes with values up to this many bytes as compact listpacks (default 64). */
const LISTPACK_VALUE = process.env.BENCH_REDIS_HASH_LISTPACK_VALUE;

const usedMemory = async (redis: Redis): Promise<number> => Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? Number.NaN);

await runBench('bench:lateness', async () => {
  const { url, db, county, serverVersion } = await createBenchDatabase();
  const redisServer = await startPrivateRedis(url);
  const redis = new Redis(redisServer.url);
  let stopWorkers: (() => Promise<void>) | undefined;
  try {
    const settings: QueueSettings = { connection: redisOptions(redisServer.url), prefix: 'lateness' };
    const total = RATE * SECONDS;
    const stepMs = 1000 / RATE;
    const firstDue = new Date(Math.ceil((Date.now() + LEAD_S * 1000) / 1000) * 1000);
    const template = await escalationReadyTicket(db, county, firstDue);
    await cloneTicket(db, template, total - 1, stepMs);
    await settle(db);
    console.log(`${total} warned proxy tickets due from ${firstDue.toISOString()}, one every ${stepMs} ms for ${SECONDS} s`);

    if (LISTPACK_VALUE) await redis.config('SET', 'hash-max-listpack-value', LISTPACK_VALUE);
    const listpack = ((await redis.config('GET', 'hash-max-listpack-value')) as string[])[1];
    await redis.set('lateness:timers-sentinel', new Date().toISOString());
    const memBefore = await usedMemory(redis);
    const relayed = await relayAll(db, settings);
    const memAfter = await usedMemory(redis);
    const perJob = (memAfter - memBefore) / relayed;
    console.log(`${relayed} delayed red-card jobs relayed; Redis used_memory ${memBefore} → ${memAfter} bytes (hash-max-listpack-value ${listpack})`);

    const pool = await startWorkerPool(WORKERS, { DATABASE_URL: url, REDIS_URL: redisServer.url, QUEUE_PREFIX: 'lateness' }, settings);
    stopWorkers = pool.stop;
    const idle = firstDue.getTime() - Date.now();
    if (idle < 0) throw new Error(`setup overran the first due time by ${(-idle / 1000).toFixed(1)} s: raise BENCH_LATENESS_LEAD_S`);
    await sleep(idle - 200);
    const cpuBefore = sampleCpu(pool.pids, redisServer.port, url);
    const lastDue = firstDue.getTime() + (total - 1) * stepMs;
    await sleep(lastDue - Date.now());
    for (let n = 0; n < total; ) {
      await sleep(500);
      n = (await sql<{ n: number }>`select count(*)::int as n from tickets where level <> 'village'`.execute(db)).rows[0]?.n ?? 0;
      if (Date.now() > lastDue + 120_000) throw new Error(`only ${n} of ${total} escalated two minutes after the last due time`);
    }
    const cpuAfter = sampleCpu(pool.pids, redisServer.port, url);
    await drained(settings, 60_000);
    await pool.stop();
    stopWorkers = undefined;

    // Lateness: when the escalation was applied (its event, stamped with the worker's clock) minus the due time it answered.
    const { rows } = await sql<{ n: number; p50: number; p99: number; max: number; min: number }>`
      select count(*)::int as n,
             percentile_disc(0.5) within group (order by l) as p50, percentile_disc(0.99) within group (order by l) as p99,
             max(l) as max, min(l) as min
      from (select extract(epoch from e.created_at - o.run_at) * 1000 as l
            from ticket_events e join outbox o on o.ticket_id = e.ticket_id and o.job_id like '%.1.v.p'
            where e.type = 'DEADLINE_PASSED') x`.execute(db);
    const l = rows[0];
    if (!l) throw new Error('no lateness figures');
    const tally = await escalationTally(db);

    const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
    const table: Array<[string, string, string, string]> = [
      ['deadlines per second × seconds', `${RATE} × ${SECONDS} = ${total}`, '', ''],
      [`worker processes (deadline concurrency ${loadConfig().deadlineConcurrency} each)`, String(WORKERS), '', ''],
      ['lateness p50 (ms)', Number(l.p50).toFixed(0), '', ''],
      ['lateness p99 (ms)', Number(l.p99).toFixed(0), `≤ ${TARGETS.p99Ms}`, yes(Number(l.p99) <= TARGETS.p99Ms)],
      ['lateness max (ms)', Number(l.max).toFixed(0), '', ''],
      ['lateness min (ms)', Number(l.min).toFixed(0), '', ''],
      [`Redis bytes per pending deadline (listpack value ${listpack})`, perJob.toFixed(0), `≤ ${TARGETS.bytesPerJob}`, yes(perJob <= TARGETS.bytesPerJob)],
      ['lost / doubled escalations', `${tally.lost} / ${tally.doubled}`, '0 / 0', yes(tally.lost === 0 && tally.doubled === 0)],
    ];
    const header: [string, string, string, string] = ['figure', 'measured', 'target', 'met'];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...table].map((row) => row[i]?.length ?? 0)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    console.log(`\nbench:lateness — PostgreSQL ${serverVersion}, ${new Date().toISOString()}\n`);
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of table) console.log(line(row));
    console.log(`\nWhile the deadlines fell due: ${coresBetween(cpuBefore, cpuAfter)}.`);
    if (tally.lost > 0 || tally.doubled > 0 || l.n !== total) process.exitCode = 1;
  } finally {
    await stopWorkers?.();
    redis.disconnect();
    await redisServer.stop();
  }
});
