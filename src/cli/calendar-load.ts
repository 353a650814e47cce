// `npm run calendar:load -- FILE [--county ID]`: loads a year's holidays into every county's calendar (or one).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { createDb } from '../store/db.js';
import { migrateToLatest } from '../store/migrator.js';
import { createServiceContext } from '../services/context.js';
import { loadCalendarYear, type CalendarYearInput } from '../services/calendar.service.js';
import { provideInfra } from './infra.js';

const log = pino();
const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--county');
const countyId = args.includes('--county') ? args[args.indexOf('--county') + 1] : undefined;
if (!file) {
  log.error('usage: npm run calendar:load -- FILE.json [--county COUNTY_ID]  (FILE: {"year":2027,"holidays":[...],"workdays":[...]})');
  process.exit(2);
}
const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CalendarYearInput>;
// chinese-days' per-year files carry no year field: take it from a name like 2027.json.
const year = parsed.year ?? Number(path.basename(file).slice(0, 4));
const infra = await provideInfra({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' }, log);
const db = createDb(infra.databaseUrl);
try {
  await migrateToLatest(db);
  const result = await loadCalendarYear(
    createServiceContext(db, { log }),
    { year, holidays: parsed.holidays ?? [], workdays: parsed.workdays ?? [] },
    { countyId, source: `file:${path.basename(file)}` },
  );
  log.info({ year, ...result }, 'calendar year loaded');
} finally {
  await db.destroy();
  await infra.stop();
}
