// Drives the two sides of a comparison (autocannon on the API, pgbench on its SQL) and prints the table.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Options } from 'autocannon';
import { sql } from 'kysely';
import type { Db } from '../src/store/db.js';
import { CONNECTIONS, DURATION_S, WARMUP_S, type ApiChild } from './harness.js';

export const TARGETS = { ratio: 0.6, p99Ms: 25 };

// Linux accounts process and machine CPU in USER_HZ ticks, 100 per second on every mainstream build.
const TICKS = 100;
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}
function machineBusySeconds(): number {
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((a, b) => a + b, 0) - idle) / TICKS;
}
const selfCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface ApiFigures {
  requestsPerSec: number;
  p99Ms: number;
  p50Ms: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Cores used during the measured run. */
  cpu: { server: number; loadGenerator: number; rest: number; machine: number };
}

/** A short unmeasured run first (JIT, pool, caches), then the measured one with CPU accounting. */
export async function driveApi(api: ApiChild, route: string, options: Omit<Options, 'url' | 'connections' | 'duration'>): Promise<ApiFigures> {
  const base = { ...options, url: `${api.baseUrl}${route}`, connections: CONNECTIONS };
  if (WARMUP_S > 0) await autocannon({ ...base, duration: WARMUP_S });
  const before = { server: processCpuSeconds(api.pid), self: selfCpuSeconds(), machine: machineBusySeconds() };
  const r = await autocannon({ ...base, duration: DURATION_S });
  const server = processCpuSeconds(api.pid) - before.server;
  const loadGenerator = selfCpuSeconds() - before.self;
  const machine = machineBusySeconds() - before.machine;
  const per = (s: number) => s / r.duration;
  return {
    requestsPerSec: r.requests.average,
    p99Ms: r.latency.p99,
    p50Ms: r.latency.p50,
    total: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpu: { server: per(server), loadGenerator: per(loadGenerator), rest: per(machine - server - loadGenerator), machine: per(machine) },
  };
}

export interface PgbenchFigures {
  tps: number;
  latencyMs: number;
  transactions: number;
  machineCpu: number;
}

const pgbenchBin = (): string =>
  process.env.PGBENCH ?? path.join(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(), 'pgbench');

/** `pgbench -c 32 -j 2 -T 20 -n -f script.sql -M prepared` with `-D` variables; a failed run throws. */
export async function runPgbench(url: string, script: string, vars: Record<string, string | number>): Promise<PgbenchFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
  try {
    const file = path.join(dir, 'script.sql');
    await writeFile(file, script);
    const defines = Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
    const args = ['-c', String(CONNECTIONS), '-j', '2', '-T', String(DURATION_S), '-n', '-f', file, '-M', 'prepared', ...defines, url];
    const before = machineBusySeconds();
    const child = spawn(pgbenchBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => child.once('exit', resolve).once('error', reject));
    const machineCpu = (machineBusySeconds() - before) / DURATION_S;
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
    const figures = {
      tps: num(/^tps = ([\d.]+)/m),
      latencyMs: num(/^latency average = ([\d.]+) ms/m),
      transactions: num(/^number of transactions actually processed: (\d+)/m),
      machineCpu,
    };
    if (code !== 0 || Number.isNaN(figures.tps) || /aborted/i.test(out)) throw new Error(`pgbench failed (exit ${code}):\n${out}`);
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Values that differ between any two tickets, however they were written.
const VOLATILE = /(^|\.)(id|number|created_at|updated_at|entered_at|run_at|due_at|warn_at|dueAt)$/;
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (!VOLATILE.test(prefix)) out.set(prefix, JSON.stringify(value));
  return out;
}

/**
 * Compares a ticket the baseline wrote with one the service wrote (row, events, outbox; ids, numbers
 * and times aside) and says where they differ: a pgbench script gone stale after a repository change.
 */
export async function checkBaseline(db: Db, serviceTicketId: string, pgbenchTicketId: string): Promise<boolean> {
  const load = async (id: string) => {
    const { rows } = await sql<{ doc: unknown }>`
      select json_build_object(
        'ticket', (select row_to_json(t) from tickets t where t.id = ${id}),
        'events', (select json_agg(e order by e.version) from ticket_events e where e.ticket_id = ${id}),
        'outbox', (select json_agg(o order by o.id) from outbox o where o.ticket_id = ${id})) as doc`.execute(db);
    // Deadline job ids carry the ticket id in base64url (deadlineJobId).
    const text = JSON.stringify(rows[0]?.doc ?? null).replaceAll(id, 'ID').replaceAll(Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url'), 'ID');
    return flatten(JSON.parse(text), '', new Map());
  };
  const [service, baseline] = [await load(serviceTicketId), await load(pgbenchTicketId)];
  const keys = new Set([...service.keys(), ...baseline.keys()]);
  const differ = [...keys].filter((k) => service.get(k) !== baseline.get(k));
  console.log(
    differ.length === 0
      ? 'pgbench wrote the same rows as the service (ids, numbers and times aside)'
      : `pgbench rows DIFFER from the service's, update the script: ${differ.map((k) => `${k} ${service.get(k)} vs ${baseline.get(k)}`).join('; ')}`,
  );
  return differ.length === 0;
}

const f1 = (n: number) => n.toFixed(1);
const yesNo = (ok: boolean) => (ok ? 'yes' : '**no**');

/** The comparison as a Markdown table (paste-ready for docs/PERFORMANCE.md); true when both targets are met. */
export function printReport(title: string, api: ApiFigures, base: PgbenchFigures): boolean {
  const ratio = api.requestsPerSec / base.tps;
  const rows: Array<[string, string, string, string]> = [
    ['API requests/s', f1(api.requestsPerSec), '', ''],
    ['API p99 latency (ms)', String(api.p99Ms), `≤ ${TARGETS.p99Ms}`, yesNo(api.p99Ms <= TARGETS.p99Ms)],
    ['API p50 latency (ms)', String(api.p50Ms), '', ''],
    ['API non-2xx responses / errors', `${api.non2xx} / ${api.errors}`, '0 / 0', yesNo(api.non2xx === 0 && api.errors === 0)],
    ['pgbench tps, same SQL (baseline)', f1(base.tps), '', ''],
    ['pgbench latency average (ms)', base.latencyMs.toFixed(2), '', ''],
    ['ratio API / pgbench', ratio.toFixed(2), `≥ ${TARGETS.ratio}`, yesNo(ratio >= TARGETS.ratio)],
  ];
  const header: [string, string, string, string] = ['figure', 'measured', 'target', 'met'];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n${title} (${CONNECTIONS} connections, ${DURATION_S} s each side)\n`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  const c = api.cpu;
  const f2 = (n: number) => n.toFixed(2);
  console.log(
    `\nCores busy during the API run: API process ${f2(c.server)}, autocannon ${f2(c.loadGenerator)}, ` +
      `rest (PostgreSQL) ${f2(c.rest)}, machine ${f2(c.machine)}; during pgbench: machine ${f2(base.machineCpu)}.`,
  );
  console.log(`API: ${api.total} requests, ${api.ok} 2xx; pgbench: ${base.transactions} transactions.`);
  return ratio >= TARGETS.ratio && api.p99Ms <= TARGETS.p99Ms && api.non2xx === 0;
}
