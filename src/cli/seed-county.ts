// `npm run seed:county`: adds a synthetic county at real scale (refused when NODE_ENV=production); prints how long it took.
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { createDb } from '../store/db.js';
import { migrateToLatest } from '../store/migrator.js';
import { COUNTY_ACCOUNTS, FULL_COUNTY, seedCounty, type CountyScale } from '../services/seed-county.service.js';
import { provideInfra } from './infra.js';

const log = pino();
if (process.env.NODE_ENV === 'production') {
  log.error('demo data is never seeded in production');
  process.exit(1);
}
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 'yl' },
    towns: { type: 'string' },
    'villages-per-town': { type: 'string' },
    'groups-per-village': { type: 'string' },
    'households-per-group': { type: 'string' },
    months: { type: 'string' },
  },
});
const int = (v: string | undefined, fallback: number): number => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
};
const scale: CountyScale = {
  towns: int(values.towns, FULL_COUNTY.towns),
  villagesPerTown: int(values['villages-per-town'], FULL_COUNTY.villagesPerTown),
  groupsPerVillage: int(values['groups-per-village'], FULL_COUNTY.groupsPerVillage),
  householdsPerGroup: int(values['households-per-group'], FULL_COUNTY.householdsPerGroup),
  months: int(values.months, FULL_COUNTY.months),
};

const started = process.hrtime.bigint();
const infra = await provideInfra({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' }, log);
const db = createDb(infra.databaseUrl);
try {
  await migrateToLatest(db);
  const seedStart = process.hrtime.bigint();
  // One transaction: a failure leaves nothing behind, so the same command can simply be run again.
  const county = await db.transaction().execute((trx) => seedCounty(trx, { scale, seed: int(values.seed, 1), prefix: values.prefix, now: new Date() }));
  const seeded = process.hrtime.bigint();
  // Fresh statistics and visibility maps, so the first reports are planned on the real sizes (autovacuum may be off).
  for (const table of ['units', 'staff', 'households', 'household_links', 'visits', 'tickets', 'ticket_events', 'ticket_counters']) {
    await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
  }
  const done = process.hrtime.bigint();
  const s = (a: bigint, b: bigint) => Number(b - a) / 1e9;
  log.info(
    {
      countyId: county.countyId, ...county.counts,
      accounts: COUNTY_ACCOUNTS.map((a) => `${values.prefix}-${a.username} / ${a.password}`),
      seconds: { seed: s(seedStart, seeded), vacuumAnalyze: s(seeded, done), total: s(started, done) },
    },
    'synthetic county seeded (more accounts: README)',
  );
  process.stdout.write(`seed:county done in ${s(started, done).toFixed(1)} s (seed ${s(seedStart, seeded).toFixed(1)} s, vacuum analyze ${s(seeded, done).toFixed(1)} s)\n`);
} finally {
  await db.destroy();
  await infra.stop();
}
