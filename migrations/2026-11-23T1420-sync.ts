// Offline sync: one record per client-generated id and staff member, so a retried batch never applies an item twice.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The primary key is the claim: a second send of the same item waits on the first one's insert and
  // then finds its committed record. A record commits in the same transaction as the item's effect
  // (applied), or alone after the effect rolled back (refused).
  await sql`
    create table sync_records (
      county_id uuid not null,
      staff_id uuid not null references staff(id),
      client_id text not null check (length(client_id) between 1 and 100),
      device_id text,
      kind text not null check (kind in ('visit', 'visit_ticket', 'ticket', 'event')),
      outcome text not null check (outcome in ('applied', 'refused')),
      code text,
      message text,
      request_hash text,
      ticket_id uuid references tickets(id),
      visit_id uuid references visits(id),
      version integer,
      device_time timestamptz not null,
      received_at timestamptz not null,
      primary key (staff_id, client_id),
      check ((outcome = 'refused') = (code is not null))
    )`.execute(db);
  // A visit's replay lists the tickets it opened with the client ids they were given.
  await sql`create index sync_records_visit on sync_records (visit_id) where kind = 'visit_ticket'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists sync_records`.execute(db);
}
