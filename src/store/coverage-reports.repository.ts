// Coverage periods per town and the stored coverage reports of ended periods (one row per cadre).
import { sql } from 'kysely';
import type { PeriodKind } from '../engine/coverage-period.js';
import type { Executor } from './db.js';
import type { CoverageReportCadreRow, CoverageReportRow, NewCoverageReportRow } from './coverage-reports.tables.js';

export interface TownPeriod {
  town_id: string;
  county_id: string;
  name: string;
  path: string;
  kind: PeriodKind;
  set_by: string | null;
  set_at: Date | null;
}

const townPeriods = (ex: Executor) =>
  ex
    .selectFrom('units as u')
    .leftJoin('coverage_periods as cp', 'cp.town_id', 'u.id')
    .select(['u.id as town_id', 'u.county_id', 'u.name', 'u.path', 'cp.set_by', 'cp.set_at'])
    .select(sql<PeriodKind>`coalesce(cp.kind, 'month')`.as('kind'))
    .where('u.kind', '=', 'town');

/** Every town of a county with its period kind (month when never set). */
export async function listTownPeriods(ex: Executor, countyId: string): Promise<TownPeriod[]> {
  return townPeriods(ex).where('u.county_id', '=', countyId).orderBy('u.path').execute();
}

/** The town at or above a unit path (none for the county itself), with its period kind. */
export async function townPeriodOf(ex: Executor, countyId: string, unitPath: string): Promise<TownPeriod | undefined> {
  return townPeriods(ex)
    .where('u.county_id', '=', countyId)
    .where(sql<boolean>`u.path = subpath(${unitPath}::ltree, 0, 2) and nlevel(${unitPath}::ltree) >= 2`)
    .executeTakeFirst();
}

export async function setTownPeriod(ex: Executor, row: { town_id: string; county_id: string; kind: PeriodKind; set_by: string; set_at: Date }): Promise<void> {
  await ex
    .insertInto('coverage_periods')
    .values(row)
    .onConflict((oc) => oc.column('town_id').doUpdateSet({ kind: row.kind, set_by: row.set_by, set_at: row.set_at }))
    .execute();
}

/** Every town of every county, its period kind and the end of its latest stored report: what the job catches up from. */
export async function townsToReport(ex: Executor): Promise<Array<TownPeriod & { last_to: Date | null }>> {
  return townPeriods(ex)
    .select((eb) =>
      eb.selectFrom('coverage_reports as r').whereRef('r.town_id', '=', 'u.id').select((e) => e.fn.max<Date | null>('r.period_to').as('m')).as('last_to'),
    )
    .orderBy('u.county_id')
    .orderBy('u.path')
    .execute();
}

/** The paths of the cadres' units now, to file each row under its village. */
export async function staffUnitPaths(ex: Executor, staffIds: string[]): Promise<Map<string, string>> {
  if (staffIds.length === 0) return new Map();
  const rows = await ex.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id').select(['s.id', 'u.path']).where('s.id', 'in', staffIds).execute();
  return new Map(rows.map((r) => [r.id, r.path]));
}

/**
 * Stores a report and its rows unless the town already has one for the period (then nothing is written
 * and null is returned). Run it in a transaction: a concurrent twin waits on the unique index, then skips.
 */
export async function insertReport(
  ex: Executor,
  report: CoverageReportRow,
  rows: Array<Omit<NewCoverageReportRow, 'report_id' | 'county_id'>>,
): Promise<string | null> {
  const inserted = await ex
    .insertInto('coverage_reports')
    .values(report)
    .onConflict((oc) => oc.columns(['town_id', 'period_from', 'period_to']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  if (rows.length > 0) {
    await ex
      .insertInto('coverage_report_rows')
      .values(rows.map((r) => ({ ...r, report_id: report.id, county_id: report.county_id })))
      .execute();
  }
  return report.id;
}

export interface ReportSummary extends CoverageReportRow {
  town_name: string;
  cadres: number;
  flagged: number;
}

/** A town's reports, newest first, counting only the cadres whose unit is under `underPath`. */
export async function listReports(ex: Executor, countyId: string, townId: string, underPath: string, limit: number): Promise<ReportSummary[]> {
  return ex
    .selectFrom('coverage_reports as r')
    .innerJoin('units as t', 't.id', 'r.town_id')
    .leftJoin('coverage_report_rows as x', (j) => j.onRef('x.report_id', '=', 'r.id').on(sql<boolean>`x.cadre_unit_path <@ ${underPath}::ltree`))
    .selectAll('r')
    .select('t.name as town_name')
    .select(sql<number>`count(x.cadre_id)::int`.as('cadres'))
    .select(sql<number>`count(x.cadre_id) filter (where x.flagged)::int`.as('flagged'))
    .where('r.county_id', '=', countyId)
    .where('r.town_id', '=', townId)
    .groupBy(['r.id', 't.name'])
    .orderBy('r.period_from', 'desc')
    .orderBy('r.period_to', 'desc')
    .limit(limit)
    .execute();
}

export async function findReport(ex: Executor, countyId: string, id: string): Promise<(CoverageReportRow & { town_name: string; town_path: string }) | undefined> {
  return ex
    .selectFrom('coverage_reports as r')
    .innerJoin('units as t', 't.id', 'r.town_id')
    .selectAll('r')
    .select(['t.name as town_name', 't.path as town_path'])
    .where('r.county_id', '=', countyId)
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/** A report's cadre rows under a unit path, in name order. */
export async function reportRows(ex: Executor, reportId: string, underPath: string): Promise<CoverageReportCadreRow[]> {
  return ex
    .selectFrom('coverage_report_rows')
    .selectAll()
    .where('report_id', '=', reportId)
    .where(sql<boolean>`cadre_unit_path <@ ${underPath}::ltree`)
    .orderBy('cadre_name')
    .orderBy('cadre_id')
    .execute();
}

/** One cadre's stored rows, newest period first, with the report each belongs to. */
export async function cadreRows(
  ex: Executor,
  countyId: string,
  cadreId: string,
  limit: number,
): Promise<Array<CoverageReportCadreRow & CoverageReportRow & { town_name: string }>> {
  return ex
    .selectFrom('coverage_report_rows as x')
    .innerJoin('coverage_reports as r', 'r.id', 'x.report_id')
    .innerJoin('units as t', 't.id', 'r.town_id')
    .selectAll('x')
    .selectAll('r')
    .select('t.name as town_name')
    .where('x.county_id', '=', countyId)
    .where('x.cadre_id', '=', cadreId)
    .orderBy('r.period_to', 'desc')
    .orderBy('r.period_from', 'desc')
    .limit(limit)
    .execute();
}
