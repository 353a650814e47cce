// Plumbing for the timer benches: a private Redis, worker child processes, escalation-ready tickets cloned in SQL, CPU by role.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import pino from 'pino';
import { provideInfra } from '../src/cli/infra.js';
import { createServiceContext } from '../src/services/context.js';
import { registerTicket } from '../src/services/register-ticket.service.js';
import type { DemoCounty } from '../src/services/seed.service.js';
import { transitionTicket } from '../src/services/transition-ticket.service.js';
import type { Db } from '../src/store/db.js';
import { uuidv7 } from '../src/store/uuidv7.js';
import { OutboxRelay } from '../src/workers/outbox-relay.js';
import { QUEUE, type QueueSettings } from '../src/workers/queues.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const HOUR = 3600_000;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A redis-server of its own (the system binary), so memory figures and FLUSH-free cleanup are clean. */
export async function startPrivateRedis(databaseUrl: string): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const infra = await provideInfra({ DATABASE_URL: databaseUrl, PATH: process.env.PATH }, pino({ level: 'silent' }));
  return { url: infra.redisUrl, port: Number(new URL(infra.redisUrl).port), stop: () => infra.stop() };
}

export interface WorkerPool {
  pids: number[];
  /** SIGTERM (the clean shutdown that finishes the jobs in hand), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** `npm run worker` × count, as `node --import tsx src/cli/start.ts --worker`; resolves once all are registered in Redis. */
export async function startWorkerPool(count: number, env: Record<string, string>, settings: QueueSettings): Promise<WorkerPool> {
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  // e.g. BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where a worker spends its CPU.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  for (let i = 0; i < count; i++) {
    children.push(
      spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/start.ts', '--worker'], {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: 'warn', MIGRATE_ON_START: '0', SEED_DEMO: '0', ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
  }
  const queue = new Queue(QUEUE.deadlines, settings);
  try {
    const deadline = Date.now() + 60_000;
    while ((await queue.getWorkersCount()) < count) {
      if (children.some((c) => c.exitCode !== null)) throw new Error('a worker exited during start-up');
      if (Date.now() > deadline) throw new Error('workers did not register within 60 s');
      await sleep(100);
    }
  } finally {
    await queue.close();
  }
  return {
    pids: children.map((c) => c.pid ?? 0),
    async stop() {
      await Promise.all(
        children.map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return;
          const exited = once(c, 'exit');
          c.kill('SIGTERM');
          const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }),
      );
      process.removeListener('exit', killAll);
    },
  };
}

/**
 * One proxy ticket as production holds it just before its red card: registered through the service
 * 24 h before `dueAt`, warned (黄牌) through the transition service at 80 %, every outbox row relayed
 * except the village deadline itself, which the bench relays as a delayed job.
 */
export async function escalationReadyTicket(db: Db, county: DemoCounty, dueAt: Date): Promise<{ id: string; number: string }> {
  let now = dueAt.getTime() - 24 * HOUR;
  const services = createServiceContext(db, { now: () => new Date(now) });
  const { ticket } = await registerTicket(services, {
    actor: { kind: 'staff', staffId: county.staff.cadre ?? '', countyId: county.countyId },
    actorName: '王包联（包联干部）',
    input: { householdId: county.households[0], category: 'insurance', description: '代办新农合医保报销，群众行动不便。', mode: 'proxy' },
  });
  if (ticket.due_at?.getTime() !== dueAt.getTime() || ticket.warn_at === null) throw new Error('the template did not get the expected deadline');
  now = ticket.warn_at.getTime();
  await transitionTicket(services, {
    countyId: county.countyId,
    ticketId: ticket.id,
    event: { type: 'DEADLINE_WARNING', clock: 1, level: 'village' },
    actor: { kind: 'system', name: 'deadline-worker' },
  });
  await db.updateTable('outbox').set({ relayed_at: new Date(now) }).where('ticket_id', '=', ticket.id).where('job_id', 'not like', '%.v.p').execute();
  return { id: ticket.id, number: ticket.number };
}

/**
 * `count` copies of a ticket (row, events, outbox rows) with fresh UUIDv7 ids and numbers from the
 * county counter; copy i has every timestamp moved by (offset + i) × stepMs, so its due time too.
 */
export async function cloneTicket(db: Db, template: { id: string; number: string }, count: number, stepMs: number, offset = 0): Promise<string[]> {
  const all: string[] = [];
  const BATCH = 10_000;
  for (let done = 0; done < count; done += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, count - done) }, () => uuidv7());
    const first = offset + done;
    await db.transaction().execute(async (trx) => {
      await sql`
        with c as (
          update ticket_counters k set last_value = k.last_value + ${ids.length}
          from tickets t where t.id = ${template.id} and k.county_id = t.county_id and k.year = split_part(t.number, '-', 1)::int
          returning k.last_value, k.year),
        u as (select id, ord, (${first}::int + ord) * ${stepMs}::float8 * interval '1 millisecond' as shift
              from unnest(${ids}::uuid[]) with ordinality as x(id, ord))
        insert into tickets
        select (jsonb_populate_record(t, jsonb_build_object('id', u.id,
          'number', concat(c.year, '-', lpad((c.last_value - ${ids.length} + u.ord)::text, 6, '0')),
          'due_at', t.due_at + u.shift, 'warn_at', t.warn_at + u.shift, 'entered_at', t.entered_at + u.shift,
          'created_at', t.created_at + u.shift, 'updated_at', t.updated_at + u.shift))).*
        from tickets t, c, u where t.id = ${template.id} order by u.ord`.execute(trx);
      const copies = sql`(select n.id, n.number, n.created_at - t.created_at as shift from tickets n, tickets t
                          where t.id = ${template.id} and n.id = any(${ids}::uuid[]))`;
      await sql`
        insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at)
        select e.county_id, n.id, e.version, e.type, e.actor_kind, e.actor_id, e.actor_name, e.payload, e.from_state, e.to_state, e.level, e.created_at + n.shift
        from ticket_events e, ${copies} n where e.ticket_id = ${template.id} order by n.id, e.version`.execute(trx);
      await sql`
        insert into outbox (county_id, ticket_id, topic, job_id, payload, run_at, created_at, relayed_at)
        select o.county_id, n.id, o.topic,
               replace(replace(o.job_id, ${template.id}, n.id::text), translate(encode(uuid_send(${template.id}::uuid), 'base64'), '+/=', '-_'), translate(encode(uuid_send(n.id), 'base64'), '+/=', '-_')),
               (replace(replace(o.payload::text, ${template.id}, n.id::text), ${template.number}, n.number)::jsonb
                 || case when o.payload ? 'dueAt' then jsonb_build_object('dueAt', (extract(epoch from o.run_at + n.shift) * 1000)::bigint) else '{}' end),
               o.run_at + n.shift, o.created_at + n.shift, o.relayed_at + n.shift
        from outbox o, ${copies} n where o.ticket_id = ${template.id} order by n.id, o.id`.execute(trx);
    });
    all.push(...ids);
  }
  return all;
}

/** Relays the whole outbox with the production relay (500 rows a batch). */
export async function relayAll(db: Db, settings: QueueSettings): Promise<number> {
  const relay = new OutboxRelay(db, settings, () => new Date());
  let total = 0;
  try {
    for (let n = await relay.relayOnce(); n > 0; n = await relay.relayOnce()) total += n;
  } finally {
    await relay.close();
  }
  return total;
}

/** Tickets by how many DEADLINE_PASSED events they have: none (lost), one, more (doubled). */
export async function escalationTally(db: Db): Promise<{ tickets: number; lost: number; once: number; doubled: number }> {
  const { rows } = await sql<{ tickets: number; lost: number; once: number; doubled: number }>`
    select count(*)::int as tickets, count(*) filter (where n = 0)::int as lost,
           count(*) filter (where n = 1)::int as once, count(*) filter (where n > 1)::int as doubled
    from (select t.id, count(e.id) as n from tickets t
          left join ticket_events e on e.ticket_id = t.id and e.type = 'DEADLINE_PASSED' group by t.id) x`.execute(db);
  const r = rows[0];
  if (!r) throw new Error('no tally');
  return r;
}

/** Waits until the deadlines queue has nothing waiting or running (delayed jobs for later levels may stay). */
export async function drained(settings: QueueSettings, timeoutMs: number): Promise<Record<string, number>> {
  const queue = new Queue(QUEUE.deadlines, settings);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await queue.getJobCounts('active', 'wait', 'prioritized', 'delayed', 'failed');
      if ((c.active ?? 0) + (c.wait ?? 0) + (c.prioritized ?? 0) === 0) return c;
      if (Date.now() > deadline) throw new Error(`deadlines queue not drained: ${JSON.stringify(c)}`);
      await sleep(250);
    }
  } finally {
    await queue.close();
  }
}

// CPU seconds by role, read from /proc (Linux accounts in USER_HZ ticks, 100 per second).
const TICKS = 100;
const cpuOf = (pid: string): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
};

export interface CpuSample {
  at: number;
  /** CPU seconds so far and role, by pid. */
  pids: Map<string, { role: string; cpu: number }>;
  machine: number;
}

/** CPU used so far by the workers, this database's PostgreSQL backends, the rest of PostgreSQL, the private Redis, this process. */
export function sampleCpu(workerPids: number[], redisPort: number, databaseUrl: string): CpuSample {
  const database = new URL(databaseUrl).pathname.slice(1);
  const pids = new Map<string, { role: string; cpu: number }>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = () => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let role: string | undefined;
      if (workerPids.includes(Number(pid))) role = 'workers';
      else if (Number(pid) === process.pid) role = 'bench';
      else if (comm === 'postgres') role = cmdline().includes(` ${database} `) ? 'postgres (bench db)' : 'postgres (other)';
      else if (comm === 'redis-server' && cmdline().includes(String(redisPort))) role = 'redis';
      if (role) pids.set(pid, { role, cpu: cpuOf(pid) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  const machine = (ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / TICKS;
  return { at: Date.now(), pids, machine };
}

/**
 * Cores each role kept busy between two samples, over the processes alive at the second one (a process
 * that ended in between is missed); "else" is the machine minus them: other processes and the kernel.
 */
export function coresBetween(a: CpuSample, b: CpuSample): string {
  const s = (b.at - a.at) / 1000;
  const roles = new Map<string, number>(['workers', 'postgres (bench db)', 'postgres (other)', 'redis', 'bench'].map((r) => [r, 0]));
  for (const [pid, now] of b.pids) roles.set(now.role, (roles.get(now.role) ?? 0) + (now.cpu - (a.pids.get(pid)?.cpu ?? 0)) / s);
  const machine = (b.machine - a.machine) / s;
  const rest = machine - [...roles.values()].reduce((sum, v) => sum + v, 0);
  const parts = [...roles, ['else', rest] as const].map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `${parts.join(', ')}; machine ${machine.toFixed(2)} of ${cpus().length} cores`;
}
