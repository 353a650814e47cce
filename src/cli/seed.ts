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
  const county = await seedDemoCounty(db);
  log.info({ countyId: county.countyId, accounts: DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`) }, 'demo county seeded');
} finally {
  await db.destroy();
  await infra.stop();
}
