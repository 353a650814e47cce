// `npm run seed`: adds the demo county (refused when NODE_ENV=production).
import pino from 'pino';
import { createDb } from '../store/db.js';
import { migrateToLatest } from '../store/migrator.js';
import { DEMO_ACCOUNTS, isEmpty, seedDemoCounty } from '../services/seed.service.js';
import { provideInfra } from './infra.js';

const log = pino();
if (process.env.NODE_ENV === 'production') {
  log.error('demo data is never seeded in production');
  process.exit(1);
}
const infra = await provideInfra({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' }, log);
const db = createDb(infra.databaseUrl);
try {
  await migrateToLatest(db);
  if (!(await isEmpty(db))) throw new Error('the database already holds units; the demo county goes only into an empty one');
  // One transaction: a crash half-way must not leave a county that is never seeded again.
  const county = await db.transaction().execute((trx) => seedDemoCounty(trx));
  log.info({ countyId: county.countyId, accounts: DEMO_ACCOUNTS.map((a) => a.username) }, 'demo county seeded (passwords: see README)');
} finally {
  await db.destroy();
  await infra.stop();
}
