// Loading a year's official schedule (or local closures) into a county calendar, and the calendar's health.
import {
  countOpenOnPlainWeekdays, countyIds, loadedYears, openGuessedDeadlines, replaceCalendarYear, yearsLoadedByEveryCounty,
} from '../store/county-settings.repository.js';
import { DomainError } from './errors.js';
import type { ServiceContext } from './context.js';
import { dueFromBasis } from '../engine/deadline.policy.js';
import { transitionTicket } from './transition-ticket.service.js';

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
    const time = Date.parse(`${day}T00:00:00Z`);
    const valid = m !== null && !Number.isNaN(time) && new Date(time).toISOString().startsWith(day);
    if (!valid) throw new DomainError('validation_failed', `${day} is not a date of the form YYYY-MM-DD`);
    if (Number(m[1]) !== year) throw new DomainError('validation_failed', `${day} is not in ${year}`);
    return { day, kind, note };
  });
}

export async function loadCalendarYear(
  ctx: ServiceContext,
  input: CalendarYearInput,
  options: { countyId?: string; source: string },
): Promise<{ counties: number; holidays: number; workdays: number; recomputed: number; failed: number }> {
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
  const { recomputed, failed } = await recomputeGuessedDeadlines(ctx, options.countyId);
  return { counties, holidays: holidays.length, workdays: workdays.length, recomputed, failed };
}

/** Beijing calendar year of an instant (a deadline at 24:00 belongs to the day before). */
const yearOfDue = (t: Date): number => new Date(t.getTime() + 8 * 3600_000 - 1).getUTCFullYear();

/**
 * Works out again every open deadline that was guessed on plain weekdays and that the county's calendar
 * now says otherwise about (a year it ran into was loaded): the ticket gets a CALENDAR_LOADED event,
 * applied only at the version looked at, which starts a new clock with the recomputed deadline (the
 * timers set for the guess go stale; new ones are scheduled). A ticket that moved on meanwhile is left
 * to its new state; one that fails is logged and counted, and the rest go on. Run after each load, and
 * by every reconcile sweep, so a process whose settings cache still held the old calendar (30 s), or a
 * load interrupted half way, leaves nothing guessed for long.
 */
export async function recomputeGuessedDeadlines(ctx: ServiceContext, countyId?: string): Promise<{ recomputed: number; failed: number }> {
  let recomputed = 0;
  let failed = 0;
  for (const ticket of await openGuessedDeadlines(ctx.db, countyId)) {
    const { calendar } = await ctx.settings.get(ctx.db, ticket.county_id);
    const due = dueFromBasis(ticket.due_basis, calendar);
    if (due.uncovered && due.dueAt.getTime() === ticket.due_at?.getTime()) continue;
    try {
      await transitionTicket(ctx, {
        countyId: ticket.county_id,
        ticketId: ticket.id,
        event: { type: 'CALENDAR_LOADED', year: yearOfDue(due.dueAt) },
        actor: { kind: 'system', name: 'calendar' },
        expectedVersion: ticket.version,
      });
      recomputed += 1;
    } catch (err) {
      // Moved on since it was listed (a new state, an extension, closed): its deadline is no longer this guess.
      if (err instanceof DomainError && ['version_conflict', 'event_not_allowed', 'ticket_not_found'].includes(err.code)) continue;
      failed += 1;
      ctx.log?.error({ err, ticketId: ticket.id }, 'could not work out a guessed deadline again');
    }
  }
  if (recomputed > 0 || failed > 0) ctx.log?.info({ countyId, recomputed, failed }, 'guessed deadlines worked out again on the loaded calendar');
  return { recomputed, failed };
}

export interface CalendarHealth {
  status: 'ok' | 'degraded';
  /** Years within the look-ahead that neither the package nor the county's own data covers. */
  uncoveredYears: number[];
  /** The county's open tickets whose deadline was computed on plain weekdays. */
  openTicketsOnPlainWeekdays: number;
}

const LOOK_AHEAD_MS = 90 * 86_400_000;
const beijingYear = (t: number): number => new Date(t + 8 * 3600_000).getUTCFullYear();

function yearsAhead(ctx: ServiceContext): number[] {
  const now = ctx.now().getTime();
  return [...new Set([beijingYear(now), beijingYear(now + LOOK_AHEAD_MS)])].filter((y) => !ctx.settings.baseCalendar.covers(y));
}

/** One county's calendar: what a county admin needs to know before next year starts. */
export async function calendarHealth(ctx: ServiceContext, countyId: string): Promise<CalendarHealth> {
  const [loaded, flagged] = await Promise.all([loadedYears(ctx.db, countyId), countOpenOnPlainWeekdays(ctx.db, countyId)]);
  const uncoveredYears = yearsAhead(ctx).filter((y) => !loaded.includes(y));
  return { status: uncoveredYears.length > 0 || flagged > 0 ? 'degraded' : 'ok', uncoveredYears, openTicketsOnPlainWeekdays: flagged };
}

/** For /readyz, which anyone may call: whether any county is degraded, without any county's counts. */
export async function calendarReadiness(ctx: ServiceContext): Promise<{ status: 'ok' | 'degraded'; uncoveredYears: number[] }> {
  const [coveredEverywhere, anyFlagged] = await Promise.all([yearsLoadedByEveryCounty(ctx.db), countOpenOnPlainWeekdays(ctx.db)]);
  const uncoveredYears = yearsAhead(ctx).filter((y) => !coveredEverywhere.includes(y));
  return { status: uncoveredYears.length > 0 || anyFlagged > 0 ? 'degraded' : 'ok', uncoveredYears };
}
