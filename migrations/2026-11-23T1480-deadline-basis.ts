// What a deadline guessed on plain weekdays was worked out from, so loading its year can work it out again.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Set only while due_uncovered is true: {from, limit, ratio, shiftMs} (engine/deadline.policy.ts DueBasis).
  await sql`alter table tickets add column due_basis jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tickets drop column if exists due_basis`.execute(db);
}
