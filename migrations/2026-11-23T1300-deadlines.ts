// Time limits as data (policies, escalation steps), county calendar overrides, and ticket clock columns.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table time_limit_policies (
      id bigint generated always as identity primary key,
      county_id uuid not null,
      state text not null,
      -- null matches every category / priority; the most specific row wins
      category text,
      priority text,
      unit text not null check (unit in ('hours', 'workdays', 'sameDay')),
      value numeric check (value is null or value > 0),
      warning_ratio numeric not null default 0.8 check (warning_ratio > 0 and warning_ratio < 1),
      updated_at timestamptz not null default now(),
      check ((unit = 'sameDay') = (value is null))
    )`.execute(db);
  await sql`
    create unique index time_limit_policies_key
    on time_limit_policies (county_id, state, coalesce(category, ''), coalesce(priority, ''))`.execute(db);

  await sql`
    create table escalation_steps (
      county_id uuid not null,
      level text not null check (level in ('town', 'county')),
      unit text not null check (unit in ('hours', 'workdays')),
      value numeric not null check (value > 0),
      primary key (county_id, level)
    )`.execute(db);

  await sql`
    create table calendar_days (
      county_id uuid not null,
      day date not null,
      kind text not null check (kind in ('holiday', 'workday')),
      note text,
      primary key (county_id, day)
    )`.execute(db);
  await sql`
    create table calendar_years (
      county_id uuid not null,
      year int not null,
      source text not null,
      loaded_at timestamptz not null default now(),
      primary key (county_id, year)
    )`.execute(db);

  await sql`
    alter table tickets
      add column clock int not null default 0,
      add column entered_at timestamptz,
      add column paused_at timestamptz,
      add column paused_ms bigint not null default 0,
      add column due_uncovered boolean not null default false`.execute(db);
  await sql`update tickets set entered_at = updated_at where entered_at is null`.execute(db);
  await sql`alter table tickets alter column entered_at set not null`.execute(db);
  // The reconcile sweep looks for open, running clocks whose warning or deadline has passed.
  await sql`create index tickets_sweep_due on tickets (due_at) where closed_at is null and paused_at is null`.execute(db);
  await sql`create index tickets_sweep_warn on tickets (warn_at) where closed_at is null and paused_at is null and not warned`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tickets_sweep_warn`.execute(db);
  await sql`drop index if exists tickets_sweep_due`.execute(db);
  await sql`
    alter table tickets
      drop column if exists clock,
      drop column if exists entered_at,
      drop column if exists paused_at,
      drop column if exists paused_ms,
      drop column if exists due_uncovered`.execute(db);
  for (const table of ['calendar_years', 'calendar_days', 'escalation_steps', 'time_limit_policies']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
