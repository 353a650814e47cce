// Coverage (入户率) at county scale: the period's confirmed and unconfirmed visits, read from the index alone.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The report asks "which households (and which cadre's) had a confirmed visit in the period" and
  // "which had unconfirmed ones": two partial indexes carrying exactly those columns answer both with
  // index-only scans, so a month of a 70,000-household county is read without touching the table.
  await sql`create index visits_coverage_confirmed on visits (county_id, visited_at) include (household_id, cadre_id) where confirmed`.execute(db);
  await sql`create index visits_coverage_unconfirmed on visits (county_id, visited_at) include (household_id, cadre_id) where not confirmed`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists visits_coverage_unconfirmed`.execute(db);
  await sql`drop index if exists visits_coverage_confirmed`.execute(db);
}
