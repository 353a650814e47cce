// CSV import: households get an external code (the county's own household number) so a re-import updates, not duplicates.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Nullable: households entered by hand or seeded have no external code; NULLs never collide in a unique index.
  await sql`alter table households add column code text check (code is null or length(code) between 1 and 64)`.execute(db);
  await sql`create unique index households_county_code on households (county_id, code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists households_county_code`.execute(db);
  await sql`alter table households drop column if exists code`.execute(db);
}
