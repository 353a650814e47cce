// `npm run migrate` (to latest) or `npm run migrate -- down` (one step back), on DATABASE_URL or the embedded database.
import pino from 'pino';
import { createDb } from '../store/db.js';
import { migrateDown, migrateToLatest } from '../store/migrator.js';
import { provideInfra } from './infra.js';

const log = pino();
// Migrations need no Redis; a dummy URL keeps provideInfra from starting one.
const infra = await provideInfra({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' }, log);
const db = createDb(infra.databaseUrl);
try {
  const results = process.argv.includes('down') ? await migrateDown(db) : await migrateToLatest(db);
  log.info({ results }, results.length ? 'migrations applied' : 'already up to date');
} finally {
  await db.destroy();
  await infra.stop();
}
