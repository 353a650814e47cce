// What a deadline guessed on plain weekdays was worked out from, so loading its year can work it out again.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Set only while due_uncovered is true: {from, limit, ratio, shiftMs} (engine/deadline.policy.ts DueBasis).
  await sql`alter table tickets add column due_basis jsonb`.execute(db);
  // Every reconcile sweep looks for open guessed deadlines that the calendar may cover now: usually none.
  await sql`create index tickets_guessed_deadlines on tickets (county_id) where due_uncovered and closed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tickets_guessed_deadlines`.execute(db);
  await sql`alter table tickets drop column if exists due_basis`.execute(db);
}
