// Linkage (包联), cadre status board, household kinds and key-household tags (五必访), visits (民情日志).
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table households add column kind text not null default 'resident' check (kind in ('resident', 'migrant'))`.execute(db);
  await sql`alter table households add column key_tags text[] not null default '{}'
    check (key_tags <@ array['industry', 'flood_risk', 'dispute', 'low_income', 'left_behind']::text[])`.execute(db);
  await sql`create index households_county_unit on households (county_id, unit_id)`.execute(db);

  // History is kept: a re-link closes the old row (valid_to) and opens a new one.
  await sql`
    create table household_links (
      id uuid primary key,
      county_id uuid not null,
      household_id uuid not null references households(id),
      cadre_id uuid not null references staff(id),
      valid_from timestamptz not null,
      valid_to timestamptz,
      linked_by uuid references staff(id),
      check (valid_to is null or valid_to >= valid_from)
    )`.execute(db);
  // Exactly one active cadre per household, enforced by the database.
  await sql`create unique index household_links_one_active on household_links (household_id) where valid_to is null`.execute(db);
  await sql`create index household_links_cadre_active on household_links (county_id, cadre_id) where valid_to is null`.execute(db);
  // Coverage finds the link of each household in a period, history included.
  await sql`create index household_links_household on household_links (household_id, valid_from)`.execute(db);

  // The handling cadre of a ticket: its household's linked cadre when registered, moved on re-link.
  await sql`alter table tickets add column cadre_id uuid references staff(id)`.execute(db);
  await sql`create index tickets_cadre on tickets (county_id, cadre_id) where cadre_id is not null`.execute(db);

  await sql`
    create table cadre_statuses (
      staff_id uuid primary key references staff(id),
      county_id uuid not null,
      status text not null check (status in ('on_duty', 'in_village', 'training', 'meeting')),
      set_at timestamptz not null
    )`.execute(db);

  await sql`
    create table visits (
      id uuid primary key,
      county_id uuid not null,
      cadre_id uuid not null references staff(id),
      household_id uuid not null references households(id),
      visited_at timestamptz not null,
      channel text not null check (channel in ('in_person', 'phone', 'wechat')),
      notes text not null default '',
      confirmation_code text,
      photo_ref text,
      confirmed boolean not null,
      must_attend text check (must_attend in ('emergency', 'dispute', 'wedding_funeral')),
      device_time timestamptz,
      client_id text,
      ticket_ids uuid[] not null default '{}',
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index visits_client on visits (cadre_id, client_id) where client_id is not null`.execute(db);
  // Coverage reads visits of a county in a period, by household.
  await sql`create index visits_county_time on visits (county_id, visited_at, household_id)`.execute(db);
  await sql`create index visits_household_time on visits (household_id, visited_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['visits', 'cadre_statuses', 'household_links']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop index if exists tickets_cadre`.execute(db);
  await sql`alter table tickets drop column if exists cadre_id`.execute(db);
  await sql`drop index if exists households_county_unit`.execute(db);
  await sql`alter table households drop column if exists key_tags`.execute(db);
  await sql`alter table households drop column if exists kind`.execute(db);
}
