// Stored coverage reports (入户率台账): the job that files each town's ended periods, and reading them back.
import type { Logger } from 'pino';
import { filingCutoff, lastEndedPeriod, periodsEndedBetween, type Period } from '../engine/coverage-period.js';
import { coverageByCadre } from '../store/coverage.repository.js';
import {
  cadreRows,
  findReport,
  insertReport,
  listReports,
  reportRows,
  staffUnitPaths,
  townPeriodOf,
  townsToReport,
  type TownPeriod,
} from '../store/coverage-reports.repository.js';
import type { CoverageReportCadreRow } from '../store/coverage-reports.tables.js';
import { findUnit } from '../store/directory.repository.js';
import { uuidv7 } from '../store/uuidv7.js';
import { inPlaceScope, isUnder, type Caller } from './access.service.js';
import { periodView } from './coverage-period.service.js';
import { figures, READERS } from './coverage.service.js';
import type { ServiceContext } from './context.js';
import { DomainError } from './errors.js';

/** A worker down longer than this many periods catches up on the most recent ones only (a year of half months). */
export const CATCH_UP_LIMIT = 24;

/**
 * Days a period stays open for late visits before it is filed (November: at 00:30 on 4 December). A cadre out of
 * signal syncs days later; filed at once, such a visit would be missing from the stored report for good.
 */
export const REPORT_GRACE_DAYS = 3;

export interface StoreReportsOptions {
  /** Whole days after a period's end before it is filed (default REPORT_GRACE_DAYS; 0 files it at its end). */
  graceDays?: number;
}

export interface StoredReport {
  reportId: string;
  townId: string;
  period: Period;
  cadres: number;
  flagged: number;
}

/** Below 100 %: fewer resident households visited and confirmed than linked. A cadre with none is not flagged. */
const isFlagged = (c: { resident_visited: number; resident_total: number }): boolean => c.resident_visited < c.resident_total;

async function storeTownPeriod(ctx: ServiceContext, town: TownPeriod, period: Period): Promise<StoredReport | null> {
  const cadres = await coverageByCadre(ctx.db, { countyId: town.county_id, path: town.path, from: period.from, to: period.to });
  const paths = await staffUnitPaths(ctx.db, cadres.map((c) => c.cadre_id));
  const rows = cadres.map(({ cadre_id, name, ...counts }) => ({
    cadre_id,
    cadre_name: name,
    cadre_unit_path: paths.get(cadre_id) ?? town.path,
    ...counts,
    flagged: isFlagged(counts),
  }));
  const report = {
    id: uuidv7(ctx.now().getTime()),
    county_id: town.county_id,
    town_id: town.town_id,
    period_kind: period.kind,
    period_from: period.from,
    period_to: period.to,
    computed_at: ctx.now(),
  };
  const id = await ctx.db.transaction().execute((trx) => insertReport(trx, report, rows));
  if (!id) return null;
  return { reportId: id, townId: town.town_id, period, cadres: rows.length, flagged: rows.filter((r) => r.flagged).length };
}

/**
 * For every town, stores each period of its kind that ended at least the grace days ago and is not stored yet:
 * after the town's latest report, or only the last such period for a town with none. Safe to run twice or concurrently.
 */
export async function storeEndedReports(ctx: ServiceContext, log?: Logger, opts: StoreReportsOptions = {}): Promise<StoredReport[]> {
  const graceDays = opts.graceDays ?? REPORT_GRACE_DAYS;
  if (!Number.isInteger(graceDays) || graceDays < 0) throw new RangeError(`graceDays must be a whole number of days ≥ 0, not ${graceDays}`);
  const cutoff = filingCutoff(ctx.now(), graceDays);
  const stored: StoredReport[] = [];
  for (const town of await townsToReport(ctx.db)) {
    const due = town.last_to ? periodsEndedBetween(town.last_to, cutoff, town.kind, CATCH_UP_LIMIT) : [lastEndedPeriod(cutoff, town.kind)];
    for (const period of due) {
      const report = await storeTownPeriod(ctx, town, period);
      if (report) {
        stored.push(report);
        log?.info({ townId: town.town_id, kind: period.kind, from: period.from, to: period.to, flagged: report.flagged }, 'coverage report stored');
      }
    }
  }
  return stored;
}

// ---- Reading stored reports ----

function assertReader(caller: Caller): void {
  if (caller.kind !== 'staff' || !caller.roles.some((r) => READERS.includes(r))) {
    throw new DomainError('forbidden', 'Your role does not read coverage reports');
  }
}

const cadreView = (r: CoverageReportCadreRow) => ({ cadreId: r.cadre_id, name: r.cadre_name, ...figures(r), flagged: r.flagged });
const storedPeriod = (r: { period_kind: Period['kind']; period_from: Date; period_to: Date }) =>
  periodView({ kind: r.period_kind, from: r.period_from, to: r.period_to });

/** The stored reports of the town a unit (town, village or group) lies in; counts cover the unit's cadres. */
export async function listStoredReports(ctx: ServiceContext, caller: Caller, q: { unitId: string; limit?: number }) {
  assertReader(caller);
  const unit = await findUnit(ctx.db, caller.countyId, q.unitId);
  if (!unit || unit.kind === 'department') throw new DomainError('unknown_unit', `No town, village or group ${q.unitId} in this county`);
  if (!inPlaceScope(caller, unit)) throw new DomainError('outside_jurisdiction', `Unit ${unit.id} is outside your jurisdiction`);
  const town = await townPeriodOf(ctx.db, caller.countyId, unit.path);
  if (!town) throw new DomainError('invalid_payload', 'Reports are stored per town: give a town, village or group');
  const reports = await listReports(ctx.db, caller.countyId, town.town_id, unit.path, q.limit ?? 24);
  return {
    unitId: unit.id,
    townId: town.town_id,
    currentKind: town.kind,
    reports: reports.map((r) => ({
      id: r.id,
      townId: r.town_id,
      townName: r.town_name,
      period: storedPeriod(r),
      computedAt: r.computed_at.toISOString(),
      cadres: r.cadres,
      flagged: r.flagged,
    })),
  };
}

/**
 * One report with its cadre rows: all of them for the town's offices and the county, the rows of the
 * caller's own village for a village secretary. A report the caller may not see does not exist for them.
 */
export async function getStoredReport(ctx: ServiceContext, caller: Caller, id: string) {
  assertReader(caller);
  const report = await findReport(ctx.db, caller.countyId, id);
  const under = !report
    ? null
    : inPlaceScope(caller, { county_id: report.county_id, path: report.town_path })
      ? report.town_path
      : isUnder(caller.unitPath, report.town_path)
        ? caller.unitPath
        : null;
  if (!report || !under) throw new DomainError('not_found', `No coverage report ${id}`);
  const cadres = (await reportRows(ctx.db, report.id, under)).map(cadreView);
  return {
    id: report.id,
    townId: report.town_id,
    townName: report.town_name,
    period: storedPeriod(report),
    computedAt: report.computed_at.toISOString(),
    cadres,
    flagged: cadres.filter((c) => c.flagged),
  };
}

/** A cadre's own stored figures, newest period first. */
export async function myStoredCoverage(ctx: ServiceContext, caller: Caller, q: { limit?: number }) {
  if (caller.kind !== 'staff' || !caller.roles.includes('cadre')) throw new DomainError('forbidden', 'Only a cadre has coverage figures of their own');
  const rows = await cadreRows(ctx.db, caller.countyId, caller.staffId, q.limit ?? 24);
  return {
    cadreId: caller.staffId,
    reports: rows.map((r) => ({
      reportId: r.report_id,
      townId: r.town_id,
      townName: r.town_name,
      period: storedPeriod(r),
      computedAt: r.computed_at.toISOString(),
      ...figures(r),
      flagged: r.flagged,
    })),
  };
}
