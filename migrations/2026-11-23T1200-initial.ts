// Initial schema: units, staff, households, tickets, the append-only ticket_events, outbox, idempotency.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists ltree`.execute(db);

  await sql`
    create table units (
      id uuid primary key,
      county_id uuid not null,
      parent_id uuid references units(id),
      kind text not null check (kind in ('county', 'town', 'village', 'group', 'department')),
      code text not null,
      name text not null,
      path ltree not null,
      created_at timestamptz not null default now(),
      unique (county_id, code)
    )`.execute(db);
  await sql`create index units_path_gist on units using gist (path)`.execute(db);
  await sql`create index units_parent on units (parent_id)`.execute(db);

  await sql`
    create table staff (
      id uuid primary key,
      county_id uuid not null,
      unit_id uuid not null references units(id),
      username text not null unique,
      display_name text not null,
      password_hash text not null,
      roles text[] not null,
      active boolean not null default true,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table households (
      id uuid primary key,
      county_id uuid not null,
      unit_id uuid not null references units(id),
      head_name text not null,
      phone text,
      address text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index households_unit on households (unit_id)`.execute(db);

  await sql`
    create table ticket_counters (
      county_id uuid not null,
      year int not null,
      last_value int not null,
      primary key (county_id, year)
    )`.execute(db);

  await sql`
    create table tickets (
      id uuid primary key,
      county_id uuid not null,
      number text not null,
      unit_id uuid not null references units(id),
      unit_path ltree not null,
      household_id uuid references households(id),
      category text not null,
      priority text not null,
      description text not null,
      source text not null,
      mode text,
      state text not null,
      snapshot jsonb not null,
      machine_version int not null,
      level text not null,
      warned boolean not null default false,
      overdue boolean not null default false,
      due_at timestamptz,
      warn_at timestamptz,
      lead_unit_id uuid references units(id),
      co_unit_ids uuid[] not null default '{}',
      reopen_count int not null default 0,
      version int not null,
      created_by uuid not null references staff(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz,
      unique (county_id, number)
    )`.execute(db);
  // Keyset pagination walks UUIDv7 ids (time ordered) newest first within a county.
  await sql`create index tickets_county_id on tickets (county_id, id desc)`.execute(db);
  await sql`create index tickets_unit_path_gist on tickets using gist (unit_path)`.execute(db);
  await sql`create index tickets_county_state on tickets (county_id, state)`.execute(db);
  await sql`create index tickets_open_due on tickets (county_id, due_at) where closed_at is null`.execute(db);

  await sql`
    create table ticket_events (
      id bigint generated always as identity primary key,
      county_id uuid not null,
      ticket_id uuid not null references tickets(id),
      version int not null,
      type text not null,
      actor_kind text not null,
      actor_id uuid references staff(id),
      actor_name text,
      payload jsonb not null,
      from_state text,
      to_state text not null,
      level text not null,
      created_at timestamptz not null,
      unique (ticket_id, version)
    )`.execute(db);
  // The audit trail is append-only, enforced by the database itself, not by convention.
  await sql`
    create function ticket_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ticket_events is append-only: % refused', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger ticket_events_no_update_delete before update or delete on ticket_events
    for each row execute function ticket_events_append_only()`.execute(db);
  await sql`
    create trigger ticket_events_no_truncate before truncate on ticket_events
    for each statement execute function ticket_events_append_only()`.execute(db);

  await sql`
    create table outbox (
      id bigint generated always as identity primary key,
      county_id uuid not null,
      ticket_id uuid references tickets(id),
      topic text not null check (topic in ('deadline', 'notification', 'agenda')),
      job_id text not null,
      payload jsonb not null,
      run_at timestamptz not null,
      created_at timestamptz not null default now(),
      relayed_at timestamptz
    )`.execute(db);
  await sql`create index outbox_pending on outbox (id) where relayed_at is null`.execute(db);

  await sql`
    create table idempotency_keys (
      county_id uuid not null,
      staff_id uuid not null references staff(id),
      key text not null,
      request_hash text not null,
      ticket_id uuid not null references tickets(id),
      created_at timestamptz not null default now(),
      primary key (staff_id, key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'outbox', 'ticket_events', 'tickets', 'ticket_counters', 'households', 'staff', 'units']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists ticket_events_append_only()`.execute(db);
}
