// Coverage periods (入户率考核周期): a calendar month or half a month, bounded at 00:00 Beijing time. Pure date math.
import type { Label } from './ticket.labels.js';

export const PERIOD_KINDS = ['month', 'half_month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const isPeriodKind = (k: string): k is PeriodKind => (PERIOD_KINDS as readonly string[]).includes(k);

export const PERIOD_LABELS: Record<PeriodKind, Label> = {
  month: { zh: '按月', en: 'Monthly' },
  half_month: { zh: '按半月（1–15日、16日–月末）', en: 'Half-monthly (1st–15th, 16th–end of month)' },
};

/** A period of a kind: `from` inclusive, `to` exclusive, both instants at 00:00 Beijing time. */
export interface Period {
  kind: PeriodKind;
  from: Date;
  to: Date;
}

// China has kept UTC+8 all year since 1991: a fixed offset is exact for every date we handle.
const BEIJING_MS = 8 * 3600_000;
/** The instant of 00:00 Beijing time on year-month-day (month 0-based; Date.UTC rolls over months and years). */
const beijingMidnight = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month, day) - BEIJING_MS);

export function periodContaining(at: Date, kind: PeriodKind): Period {
  const local = new Date(at.getTime() + BEIJING_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  if (kind === 'month') return { kind, from: beijingMidnight(y, m, 1), to: beijingMidnight(y, m + 1, 1) };
  return local.getUTCDate() <= 15
    ? { kind, from: beijingMidnight(y, m, 1), to: beijingMidnight(y, m, 16) }
    : { kind, from: beijingMidnight(y, m, 16), to: beijingMidnight(y, m + 1, 1) };
}

export const previousPeriod = (p: Period): Period => periodContaining(new Date(p.from.getTime() - 1), p.kind);
export const nextPeriod = (p: Period): Period => periodContaining(p.to, p.kind);

/**
 * The instant by which a period must have ended to be filed at `at`: `graceDays` whole days earlier, so visits
 * synced late (a cadre out of signal syncs days later, each visit keeping its own time) are in the filed report.
 * Whole days are exact in Beijing time, which has no daylight saving: a period ending at midnight is filed from
 * midnight `graceDays` days later.
 */
export const filingCutoff = (at: Date, graceDays: number): Date => new Date(at.getTime() - graceDays * 24 * 3600_000);

/** The last period that has ended by `at` (the one before the period containing it). */
export const lastEndedPeriod = (at: Date, kind: PeriodKind): Period => previousPeriod(periodContaining(at, kind));

/**
 * Periods of a kind whose end lies in (after, upTo], oldest first: what a job that last looked at `after`
 * has to catch up on at `upTo`. At most `limit` of them, the most recent ones.
 */
export function periodsEndedBetween(after: Date, upTo: Date, kind: PeriodKind, limit = Number.POSITIVE_INFINITY): Period[] {
  const out: Period[] = [];
  for (let p = lastEndedPeriod(upTo, kind); p.to.getTime() > after.getTime() && out.length < limit; p = previousPeriod(p)) {
    out.push(p);
  }
  return out.reverse();
}
