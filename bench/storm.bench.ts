// 100,000 red cards due in the same second, escalated by the real worker processes, against pgbench on the escalation's SQL; `npm run bench:storm`.
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { DEFAULT_TIMER_BATCH } from '../src/workers/processors/deadline.processor.js';
import { redisOptions, type QueueSettings } from '../src/workers/queues.js';
import { CONNECTIONS, DURATION_S, createBenchDatabase, runBench, settle } from './harness.js';
import { runPgbench } from './load.js';
import {
  cloneTicket, coresBetween, drained, escalationReadyTicket, escalationTally, relayAll, sampleCpu, sleep, startPrivateRedis, startWorkerPool,
} from './timers.harness.js';

const TICKETS = Number(process.env.BENCH_STORM_TICKETS ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
/** Seconds from the start to the shared due time: cloning, relaying and worker start-up must fit. */
const LEAD_S = Number(process.env.BENCH_STORM_LEAD_S ?? 75);
const TIMEOUT_S = Number(process.env.BENCH_STORM_TIMEOUT_S ?? 1800);
const PGBENCH_TICKETS = Number(process.env.BENCH_PGBENCH_TICKETS ?? 150_000);
const TARGET_RATIO = 0.5;
// What the worker processes read from the same environment.
const workerConfig = loadConfig();

// What one escalation costs PostgreSQL, statement for statement as transitionTicket issues them for
// one DEADLINE_PASSED village → town on a warned proxy ticket, one transaction per escalation (the worker
// applies the timers in hand in batches, which is how it gets past half of this rate): lock
// (the pool lookup stands in for the ticket id the job id carries), versioned update, event, and two outbox rows
// (the town supervision office's notification, the town-level deadline). Settings come from the cache.
const SCRIPT = `
\\set k :k + 1
\\set n :client_id * :per_client + :k
BEGIN;
select * from tickets where county_id = :county and id = (select id from bench_pool where n = :n) for update \\gset t_
update tickets set state = 'proxy', snapshot = :snapshot, mode = 'proxy', level = 'town', warned = true, overdue = true, clock = 1, entered_at = :t_entered_at, due_at = :due_at, warn_at = null, paused_at = null, paused_ms = 0, due_uncovered = false, lead_unit_id = null, co_unit_ids = '{}', reopen_count = 0, updated_at = now(), closed_at = null, version = :t_version::int + 1 where id = :t_id and version = :t_version returning *;
insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at) values (:county, :t_id, :t_version::int + 1, 'DEADLINE_PASSED', 'system', null, 'deadline-worker', '{"clock":1,"level":"village"}', 'proxy', 'proxy', 'town', now());
insert into outbox (county_id, ticket_id, topic, job_id, payload, run_at) values (:county, :t_id, 'notification', concat('notify-', :t_id::text, '-', :t_version::int + 1, '-1'), jsonb_build_object('ticketId', :t_id::text, 'number', :t_number::text, 'audience', 'townSupervision', 'topic', 'escalated', 'state', 'proxy', 'level', 'town', 'unitId', :t_unit_id::text, 'leadUnitId', null, 'coUnitIds', '[]'::jsonb), now()), (:county, :t_id, 'deadline', concat(translate(encode(uuid_send(:t_id::uuid), 'base64'), '+/=', '-_'), '.1.t.p'), jsonb_build_object('countyId', :county::text, 'dueAt', (extract(epoch from :due_at::timestamptz) * 1000)::bigint), :due_at);
END;
`;

const s1 = (ms: number) => (ms / 1000).toFixed(1);

await runBench('bench:storm', async () => {
  const started = Date.now();
  const { url, db, county, serverVersion } = await createBenchDatabase();
  const redis = await startPrivateRedis(url);
  let stopWorkers: (() => Promise<void>) | undefined;
  try {
    const settings: QueueSettings = { connection: redisOptions(redis.url), prefix: 'storm' };
    const dueAt = new Date(Math.ceil((Date.now() + LEAD_S * 1000) / 1000) * 1000);
    const template = await escalationReadyTicket(db, county, dueAt);
    await cloneTicket(db, template, TICKETS - 1, 0);
    console.log(`${TICKETS} warned proxy tickets, all due at ${dueAt.toISOString()}, ready in ${s1(Date.now() - started)} s`);
    await settle(db);
    const relayStart = Date.now();
    const relayed = await relayAll(db, settings);
    console.log(`${relayed} delayed jobs relayed in ${s1(Date.now() - relayStart)} s`);
    // A Redis in steady state carries the sweep's sentinel; without it the first sweep would re-check every timer.
    const r = new Redis(redis.url);
    await r.set('storm:timers-sentinel', new Date().toISOString());
    r.disconnect();
    const pool = await startWorkerPool(WORKERS, { DATABASE_URL: url, REDIS_URL: redis.url, QUEUE_PREFIX: 'storm' }, settings);
    stopWorkers = pool.stop;
    const idle = dueAt.getTime() - Date.now();
    if (idle < 0) throw new Error(`setup overran the due time by ${s1(-idle)} s: raise BENCH_STORM_LEAD_S`);
    console.log(`${WORKERS} worker process(es) up; the storm breaks in ${s1(idle)} s`);
    await sleep(idle - 200);
    const cpuBefore = sampleCpu(pool.pids, redis.port, url);

    const giveUp = dueAt.getTime() + TIMEOUT_S * 1000;
    for (let last = -1; ; ) {
      await sleep(1000);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from tickets where level <> 'village'`.execute(db);
      const n = rows[0]?.n ?? 0;
      if (n !== last) console.log(`  +${s1(Date.now() - dueAt.getTime())} s: ${n} escalated`);
      last = n;
      if (n >= TICKETS) break;
      if (Date.now() > giveUp) throw new Error(`only ${n} of ${TICKETS} escalated after ${TIMEOUT_S} s`);
    }
    const cpuAfter = sampleCpu(pool.pids, redis.port, url);
    const counts = await drained(settings, 120_000);
    await pool.stop();
    stopWorkers = undefined;

    const { rows: times } = await sql<{ first_ms: number; last_ms: number }>`
      select extract(epoch from min(created_at) - ${dueAt}::timestamptz) * 1000 as first_ms,
             extract(epoch from max(created_at) - ${dueAt}::timestamptz) * 1000 as last_ms
      from ticket_events where type = 'DEADLINE_PASSED'`.execute(db);
    const firstMs = Number(times[0]?.first_ms);
    const lastMs = Number(times[0]?.last_ms);
    const tally = await escalationTally(db);
    const rate = TICKETS / (lastMs / 1000);

    // pgbench: fresh warned proxy tickets, each escalated once with the values the service wrote above.
    const { rows: samples } = await sql<{ snapshot: string; due_at: string }>`
      select snapshot::text as snapshot, due_at::text as due_at from tickets where level = 'town' limit 1`.execute(db);
    const sample = samples[0];
    if (!sample) throw new Error('no escalated ticket to copy');
    const poolTemplate = await escalationReadyTicket(db, county, new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000));
    const poolIds = await cloneTicket(db, poolTemplate, PGBENCH_TICKETS, 0);
    await sql`create table bench_pool (n int primary key, id uuid not null)`.execute(db);
    await sql`insert into bench_pool select ord, id from unnest(${poolIds}::uuid[]) with ordinality as u(id, ord)`.execute(db);
    await settle(db);
    const base = await runPgbench(url, SCRIPT, {
      k: 0,
      per_client: Math.floor(PGBENCH_TICKETS / CONNECTIONS),
      county: county.countyId,
      snapshot: sample.snapshot,
      due_at: sample.due_at,
    });
    const ratio = rate / base.tps;

    const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
    const rows: Array<[string, string, string, string]> = [
      ['tickets due in the same second', String(TICKETS), '', ''],
      [`worker processes (deadline concurrency ${workerConfig.deadlineConcurrency} each, batches of ≤ ${DEFAULT_TIMER_BATCH.maxBatch})`, String(WORKERS), '', ''],
      ['first escalation after the due time (s)', s1(firstMs), '', ''],
      ['time to escalate all (s)', s1(lastMs), '', ''],
      ['escalations per second', rate.toFixed(0), '', ''],
      [`pgbench tps, same SQL (${CONNECTIONS} clients, ${DURATION_S} s)`, base.tps.toFixed(0), '', ''],
      ['ratio workers / pgbench', ratio.toFixed(2), `≥ ${TARGET_RATIO}`, yes(ratio >= TARGET_RATIO)],
      ['lost escalations', String(tally.lost), '0', yes(tally.lost === 0)],
      ['doubled escalations', String(tally.doubled), '0', yes(tally.doubled === 0)],
    ];
    const header: [string, string, string, string] = ['figure', 'measured', 'target', 'met'];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((row) => row[i]?.length ?? 0)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    console.log(`\nbench:storm — PostgreSQL ${serverVersion}, ${new Date().toISOString()}\n`);
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) console.log(line(row));
    console.log(`\nDuring the storm: ${coresBetween(cpuBefore, cpuAfter)}; during pgbench: machine ${base.machineCpu.toFixed(2)} cores.`);
    console.log(`Deadlines queue after the storm: ${JSON.stringify(counts)}; ${tally.once} tickets escalated exactly once.`);
    console.log(`pgbench: ${base.transactions} transactions, latency average ${base.latencyMs.toFixed(2)} ms.`);
    if (tally.lost > 0 || tally.doubled > 0) process.exitCode = 1;
  } finally {
    await stopWorkers?.();
    await redis.stop();
  }
});
