// A county's own changes to the category list (事项类别): added, renamed or retired categories over the defaults in code.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table county_categories (
      county_id uuid not null references units (id),
      code text not null check (code ~ '^[a-z][a-z0-9_]{0,63}$'),
      name_zh text not null,
      name_en text not null,
      description text not null default '',
      group_name text not null default '',
      keywords text[] not null default '{}',
      attributes jsonb not null default '[]',
      -- A retired category stays for the tickets that carry it, but is no longer offered.
      active boolean not null default true,
      sort_order integer not null default 1000,
      updated_at timestamptz not null default now(),
      primary key (county_id, code)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists county_categories`.execute(db);
}
