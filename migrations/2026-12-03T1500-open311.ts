// Open311 GeoReport v2: token scopes, the request record beside each ticket filed through it (the client's
// contact data and location), residents' comments, unit locations for lat/long routing, requester reveals in the access log.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A token speaks either the engine's own /v1 API or Open311, never both.
  await sql`alter table api_tokens add column scope text not null default 'v1' check (scope in ('v1', 'open311'))`.execute(db);
  // FixMyStreet's extended statuses (IN_PROGRESS, FIXED...) for a client that cannot ask for them per call.
  await sql`alter table api_tokens add column extended_statuses boolean not null default false`.execute(db);

  await sql`
    create table open311_requests (
      ticket_id uuid primary key references tickets (id),
      county_id uuid not null,
      -- The integration account and token that filed it: "its own" requests are shown to it in full.
      client_id uuid not null references staff (id),
      token_id uuid not null references api_tokens (id),
      service_code text not null,
      first_name text,
      last_name text,
      phone text,
      email text,
      device_id text,
      account_id text,
      media_url text,
      address_string text,
      address_id text,
      lat double precision,
      long double precision,
      attributes jsonb not null default '{}',
      routed_by text not null check (routed_by in ('household', 'unit', 'location', 'address', 'triage')),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index open311_requests_county on open311_requests (county_id, created_at desc)`.execute(db);

  // A resident's comment (mySociety's POST servicerequestupdates): its text is a COMMENT event in the
  // ticket's timeline; who wrote it stays here. The client's own update_id makes a retry answer the first.
  await sql`
    create table open311_comments (
      event_id bigint primary key references ticket_events (id),
      county_id uuid not null,
      ticket_id uuid not null references tickets (id),
      client_id uuid not null references staff (id),
      client_update_id text,
      first_name text,
      last_name text,
      phone text,
      email text,
      media_url text,
      reported_status text,
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create unique index open311_comments_client_update on open311_comments (client_id, ticket_id, client_update_id)
    where client_update_id is not null`.execute(db);

  // Where a village or group lies, so a request with only lat/long reaches the nearest one.
  await sql`
    create table open311_places (
      unit_id uuid primary key references units (id),
      county_id uuid not null,
      lat double precision not null check (lat between -90 and 90),
      long double precision not null check (long between -180 and 180),
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index open311_places_county on open311_places (county_id)`.execute(db);

  // A reveal of an Open311 requester's number concerns no household.
  await sql`alter table access_log alter column household_id drop not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['open311_places', 'open311_comments', 'open311_requests']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`alter table api_tokens drop column if exists extended_statuses`.execute(db);
  await sql`alter table api_tokens drop column if exists scope`.execute(db);
  // The access log is append-only: reveals without a household stay, and so does the nullable column then.
  const { rows } = await sql<{ n: string }>`select count(*) as n from access_log where household_id is null`.execute(db);
  if (Number(rows[0]?.n ?? 0) === 0) await sql`alter table access_log alter column household_id set not null`.execute(db);
}
