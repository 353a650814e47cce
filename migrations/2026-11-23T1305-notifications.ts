// Notification deliveries that gave up (attempts exhausted or refused for good), kept for follow-up.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table notification_failures (
      id bigint generated always as identity primary key,
      county_id uuid not null,
      ticket_id uuid references tickets(id),
      -- one row per queue job: a job recorded twice (a worker crash after recording) updates it
      job_id text not null unique,
      audience text not null,
      topic text not null,
      attempts int not null check (attempts > 0),
      last_error text not null,
      failed_at timestamptz not null
    )`.execute(db);
  await sql`create index notification_failures_county_failed on notification_failures (county_id, failed_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists notification_failures`.execute(db);
}
