// `npm run import -- <units|staff|households> <file.csv> [--county <id or code>]`: a county's CSV files into the database.
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { createDb, type Db } from '../store/db.js';
import { migrateToLatest } from '../store/migrator.js';
import { listCounties } from '../store/import.repository.js';
import { createServiceContext } from '../services/context.js';
import { DomainError } from '../services/errors.js';
import { IMPORT_KINDS, importCsv, type ImportKind } from '../services/import.service.js';
import type { RowError } from '../services/import.columns.js';
import { provideInfra } from './infra.js';

const USAGE = 'usage: npm run import -- <units|staff|households> <file.csv> [--county <county id or code>]';
const log = pino();

const isKind = (k: string | undefined): k is ImportKind => (IMPORT_KINDS as readonly string[]).includes(k ?? '');

/** The county named by --county, the only one there is, or none yet (a units file then creates it). */
async function resolveCounty(db: Db, wanted: string | undefined): Promise<string | null> {
  const counties = await listCounties(db);
  if (wanted) {
    const matches = counties.filter((c) => c.id === wanted || c.code === wanted);
    if (matches.length !== 1) throw new Error(matches.length === 0 ? `no county "${wanted}"` : `several counties have code "${wanted}": give its id`);
    return (matches[0] as { id: string }).id;
  }
  if (counties.length > 1) throw new Error(`the database holds ${counties.length} counties: say which with --county <id or code>`);
  return counties[0]?.id ?? null;
}

const args = process.argv.slice(2);
const countyFlag = args.indexOf('--county');
const county = countyFlag >= 0 ? args.splice(countyFlag, 2)[1] : undefined;
const [kind, file] = args;
if (!isKind(kind) || !file || (countyFlag >= 0 && !county)) {
  log.error(USAGE);
  process.exit(2);
}

let exitCode = 0;
const bytes = await readFile(file);
const infra = await provideInfra({ ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://unused' }, log);
const db = createDb(infra.databaseUrl, { max: 4 });
try {
  await migrateToLatest(db);
  const countyId = await resolveCounty(db, county);
  const started = Date.now();
  const summary = await importCsv(createServiceContext(db, { log }), { countyId, actor: { kind: 'system', name: 'CSV import' } }, kind, bytes);
  log.info({ file, ...summary, ms: Date.now() - started }, 'import done');
} catch (err) {
  exitCode = 1;
  if (err instanceof DomainError && err.code === 'invalid_csv') {
    const { errors, total } = err.details.details as { errors: RowError[]; total: number };
    // One readable line per problem on stderr, for the person fixing the spreadsheet.
    for (const e of errors) process.stderr.write(`${file}:${e.line}${e.column ? ` [${e.column}]` : ''}: ${e.message}\n`);
    if (total > errors.length) process.stderr.write(`... and ${total - errors.length} more\n`);
    log.error({ file, problems: total }, err.message);
  } else {
    log.error({ err, file }, 'import failed');
  }
} finally {
  await db.destroy();
  await infra.stop();
}
process.exit(exitCode);
