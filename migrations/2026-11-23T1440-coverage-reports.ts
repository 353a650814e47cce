// Coverage periods per town (month or half month) and the stored coverage reports of ended periods, per cadre.
// Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A town without a row reports by calendar month.
  await sql`
    create table coverage_periods (
      town_id uuid primary key references units(id),
      county_id uuid not null,
      kind text not null check (kind in ('month', 'half_month')),
      set_by uuid references staff(id),
      set_at timestamptz not null
    )`.execute(db);

  await sql`
    create table coverage_reports (
      id uuid primary key,
      county_id uuid not null,
      town_id uuid not null references units(id),
      period_kind text not null check (period_kind in ('month', 'half_month')),
      period_from timestamptz not null,
      period_to timestamptz not null,
      computed_at timestamptz not null,
      check (period_from < period_to)
    )`.execute(db);
  // One report per town and period: a job that runs twice, or two workers at once, store it once.
  await sql`create unique index coverage_reports_town_period on coverage_reports (town_id, period_from, period_to)`.execute(db);
  await sql`create index coverage_reports_county on coverage_reports (county_id, period_to)`.execute(db);

  await sql`
    create table coverage_report_rows (
      report_id uuid not null references coverage_reports(id) on delete cascade,
      county_id uuid not null,
      cadre_id uuid not null references staff(id),
      cadre_name text not null,
      cadre_unit_path ltree not null,
      resident_total int not null,
      resident_visited int not null,
      migrant_total int not null,
      migrant_contacted int not null,
      key_total int not null,
      key_visited int not null,
      never_reached int not null,
      unconfirmed_visits int not null,
      flagged boolean not null,
      primary key (report_id, cadre_id)
    )`.execute(db);
  // A cadre reads their own figures across reports.
  await sql`create index coverage_report_rows_cadre on coverage_report_rows (cadre_id, report_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['coverage_report_rows', 'coverage_reports', 'coverage_periods']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
