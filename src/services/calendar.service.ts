// Loading a year's official schedule (or local closures) into a county calendar, and the calendar's health.
import { sql } from 'kysely';
import { countyIds, replaceCalendarYear } from '../store/county-settings.repository.js';
import { DomainError } from './errors.js';
import type { ServiceContext } from './context.js';

/** The file format: lists of days, or chinese-days' own `{ "YYYY-MM-DD": "note" }` maps. */
export interface CalendarYearInput {
  year: number;
  holidays: string[] | Record<string, string>;
  workdays: string[] | Record<string, string>;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function days(list: string[] | Record<string, string>, year: number, kind: 'holiday' | 'workday') {
  const entries: Array<[string, string | null]> = Array.isArray(list) ? list.map((d) => [d, null]) : Object.entries(list);
  return entries.map(([day, note]) => {
    const m = DAY.exec(day);
    const valid = m !== null && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
    if (!valid) throw new DomainError('validation_failed', `${day} is not a date of the form YYYY-MM-DD`);
    if (Number(m[1]) !== year) throw new DomainError('validation_failed', `${day} is not in ${year}`);
    return { day, kind, note };
  });
}

export async function loadCalendarYear(
  ctx: ServiceContext,
  input: CalendarYearInput,
  options: { countyId?: string; source: string },
): Promise<{ counties: number; holidays: number; workdays: number }> {
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) {
    throw new DomainError('validation_failed', 'year must be a whole number between 2000 and 2100');
  }
  const holidays = days(input.holidays, input.year, 'holiday');
  const workdays = days(input.workdays, input.year, 'workday');
  const both = holidays.filter((h) => workdays.some((w) => w.day === h.day));
  if (both.length > 0) throw new DomainError('validation_failed', `${both[0]?.day} is listed as a holiday and a workday`);
  const counties = await ctx.db.transaction().execute(async (trx) => {
    const ids = options.countyId ? [options.countyId] : await countyIds(trx);
    for (const id of ids) await replaceCalendarYear(trx, id, input.year, [...holidays, ...workdays], options.source);
    return ids.length;
  });
  ctx.settings.invalidate(options.countyId);
  return { counties, holidays: holidays.length, workdays: workdays.length };
}

export interface CalendarHealth {
  status: 'ok' | 'degraded';
  /** Years within the look-ahead that neither the package nor every county's own data covers. */
  uncoveredYears: number[];
  /** Open tickets whose deadline was computed on plain weekdays. */
  openTicketsOnPlainWeekdays: number;
}

const LOOK_AHEAD_MS = 90 * 86_400_000;

export async function calendarHealth(ctx: ServiceContext): Promise<CalendarHealth> {
  const now = ctx.now();
  const years = [...new Set([now, new Date(now.getTime() + LOOK_AHEAD_MS)].map((d) => d.getUTCFullYear()))];
  const base = ctx.settings.baseCalendar;
  const [counties, loaded, uncovered] = await Promise.all([
    sql<{ n: string }>`select count(*) as n from units where kind = 'county'`.execute(ctx.db),
    ctx.db.selectFrom('calendar_years').select(['year', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('year').execute(),
    sql<{ n: string }>`select count(*) as n from tickets where due_uncovered and closed_at is null`.execute(ctx.db),
  ]);
  const countyCount = Number(counties.rows[0]?.n ?? 0);
  const everyCounty = new Set(loaded.filter((r) => Number(r.n) >= countyCount).map((r) => r.year));
  const uncoveredYears = years.filter((y) => !base.covers(y) && !everyCounty.has(y));
  const openTicketsOnPlainWeekdays = Number(uncovered.rows[0]?.n ?? 0);
  return {
    status: uncoveredYears.length > 0 || openTicketsOnPlainWeekdays > 0 ? 'degraded' : 'ok',
    uncoveredYears,
    openTicketsOnPlainWeekdays,
  };
}
