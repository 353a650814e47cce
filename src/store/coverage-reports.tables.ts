// Row types of the coverage period settings and the stored coverage reports (入户率台账).
import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { PeriodKind } from '../engine/coverage-period.js';
import type { CoverageCounts } from './coverage.repository.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface CoveragePeriodsTable {
  /** A town; towns without a row report by month. */
  town_id: string;
  county_id: string;
  kind: PeriodKind;
  set_by: string | null;
  set_at: Timestamp;
}

export interface CoverageReportsTable {
  id: string;
  county_id: string;
  town_id: string;
  period_kind: PeriodKind;
  period_from: Timestamp;
  /** Exclusive; unique with the town and period_from. */
  period_to: Timestamp;
  computed_at: Timestamp;
}

/** One cadre's figures of a filed period: the live report's counts (coverage.repository) as they were. */
export interface CoverageReportRowsTable extends CoverageCounts {
  report_id: string;
  county_id: string;
  cadre_id: string;
  /** As it was when the report was computed. */
  cadre_name: string;
  /** ltree path of the cadre's unit when computed: a village reads its own cadres' rows. */
  cadre_unit_path: string;
  /** Fewer resident households visited and confirmed than linked: below 100 %. */
  flagged: boolean;
}

export type CoveragePeriodRow = Selectable<CoveragePeriodsTable>;
export type CoverageReportRow = Selectable<CoverageReportsTable>;
export type NewCoverageReportRow = Insertable<CoverageReportRowsTable>;
export type CoverageReportCadreRow = Selectable<CoverageReportRowsTable>;
