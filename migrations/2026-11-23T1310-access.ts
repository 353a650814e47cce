// Access control: login lockout, sessions with rotating refresh tokens, integration API tokens, residents' ID numbers, the access log.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff add column failed_logins int not null default 0`.execute(db);
  await sql`alter table staff add column locked_until timestamptz`.execute(db);
  await sql`alter table households add column id_number text`.execute(db);

  // A session is one login; every refresh token it hands out belongs to it, so revoking it ends them all.
  await sql`
    create table auth_sessions (
      id uuid primary key,
      county_id uuid not null,
      staff_id uuid not null references staff(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoke_reason text
    )`.execute(db);
  await sql`create index auth_sessions_staff on auth_sessions (staff_id) where revoked_at is null`.execute(db);

  // Only the SHA-256 of a refresh token is kept; a used one presented again revokes its session.
  await sql`
    create table refresh_tokens (
      id uuid primary key,
      county_id uuid not null,
      session_id uuid not null references auth_sessions(id),
      token_hash text not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index refresh_tokens_session on refresh_tokens (session_id)`.execute(db);

  await sql`
    create table api_tokens (
      id uuid primary key,
      county_id uuid not null,
      staff_id uuid not null references staff(id),
      unit_id uuid not null references units(id),
      name text not null,
      routes text[] not null,
      token_hash text not null unique,
      created_by uuid not null references staff(id),
      created_at timestamptz not null,
      expires_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  // Every read of a resident's full phone or ID number, by whom and why; append-only like the audit trail.
  await sql`
    create table access_log (
      id bigint generated always as identity primary key,
      county_id uuid not null,
      staff_id uuid not null references staff(id),
      household_id uuid not null references households(id),
      ticket_id uuid references tickets(id),
      fields text[] not null,
      reason text,
      request_id text,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index access_log_county on access_log (county_id, id desc)`.execute(db);
  await sql`create index access_log_household on access_log (household_id)`.execute(db);
  await sql`
    create function access_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'access_log is append-only: % refused', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger access_log_no_update_delete before update or delete on access_log
    for each row execute function access_log_append_only()`.execute(db);
  await sql`
    create trigger access_log_no_truncate before truncate on access_log
    for each statement execute function access_log_append_only()`.execute(db);

  // Jurisdiction filters beyond the unit path: tickets a cadre created, and a department's cases.
  await sql`create index tickets_created_by on tickets (county_id, created_by)`.execute(db);
  await sql`create index tickets_lead_unit on tickets (county_id, lead_unit_id) where lead_unit_id is not null`.execute(db);
  await sql`create index tickets_co_units on tickets using gin (co_unit_ids)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['tickets_co_units', 'tickets_lead_unit', 'tickets_created_by']) {
    await sql`drop index if exists ${sql.ref(index)}`.execute(db);
  }
  for (const table of ['access_log', 'api_tokens', 'refresh_tokens', 'auth_sessions']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists access_log_append_only()`.execute(db);
  await sql`alter table households drop column if exists id_number`.execute(db);
  await sql`alter table staff drop column if exists locked_until`.execute(db);
  await sql`alter table staff drop column if exists failed_logins`.execute(db);
}
