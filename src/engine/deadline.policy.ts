// Time limits per state (DESIGN.md §3-4) and the pure math that turns them into due times.
import type { Level } from './ticket.events.js';
import type { WorkCalendar } from './work-calendar.js';

export type TimeLimit =
  | { unit: 'hours'; value: number }
  | { unit: 'workdays'; value: number }
  /** The end of the day the state is entered ("same day"). */
  | { unit: 'sameDay' };

export const DEFAULT_WARNING_RATIO = 0.8;

export const DEFAULT_LIMITS: Record<string, TimeLimit> = {
  registered: { unit: 'workdays', value: 1 },
  onSite: { unit: 'sameDay' },
  proxy: { unit: 'hours', value: 24 },
  'joint.dispatched': { unit: 'workdays', value: 1 },
  'joint.inProgress': { unit: 'workdays', value: 5 },
  'joint.returned': { unit: 'workdays', value: 1 },
  awaitingFeedback: { unit: 'workdays', value: 1 },
  awaitingCallback: { unit: 'workdays', value: 3 },
};

/** A county's rule: state × category × priority → limit; null category or priority matches any. */
export interface LimitPolicy {
  state: string;
  category: string | null;
  priority: string | null;
  limit: TimeLimit;
  warningRatio: number;
}

/** DESIGN.md's defaults, plus the longer joint limits some categories need (by category: 15 / 30). */
export const DEFAULT_POLICIES: LimitPolicy[] = [
  ...Object.entries(DEFAULT_LIMITS).map(([state, limit]) => ({
    state, category: null, priority: null, limit, warningRatio: DEFAULT_WARNING_RATIO,
  })),
  { state: 'joint.inProgress', category: 'infrastructure', priority: null, limit: { unit: 'workdays', value: 15 }, warningRatio: DEFAULT_WARNING_RATIO },
  { state: 'joint.inProgress', category: 'land', priority: null, limit: { unit: 'workdays', value: 30 }, warningRatio: DEFAULT_WARNING_RATIO },
];

/** The most specific policy for a state: category and priority beat category beats priority beats neither. */
export function resolveLimit(
  policies: readonly LimitPolicy[],
  state: string,
  category: string,
  priority: string,
): LimitPolicy | undefined {
  let best: LimitPolicy | undefined;
  let bestScore = -1;
  for (const p of policies) {
    if (p.state !== state) continue;
    if (p.category !== null && p.category !== category) continue;
    if (p.priority !== null && p.priority !== priority) continue;
    const score = (p.category !== null ? 2 : 0) + (p.priority !== null ? 1 : 0);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/** Fresh deadline after climbing to a level (red card 红牌). */
export const ESCALATION_LIMITS: Record<Exclude<Level, 'village'>, TimeLimit> = {
  town: { unit: 'workdays', value: 2 },
  county: { unit: 'workdays', value: 3 },
};

// Counties work on Beijing time, which has no daylight saving.
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const localDay = (t: number): string => new Date(t + OFFSET_MS).toISOString().slice(0, 10);
const startOfLocalDay = (t: number): number => Math.floor((t + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;

/**
 * What a deadline guessed on plain weekdays was worked out from, kept with it so that it can be worked
 * out again on the real calendar once its year is loaded: the limit, from when, the warning ratio, and
 * the paused time added since (a resumed clock moves the deadline by the pause).
 */
export interface DueBasis {
  from: string;
  limit: TimeLimit;
  ratio: number;
  shiftMs: number;
}

/** The deadline a basis gives on a calendar: computeDue, moved by the paused time. */
export function dueFromBasis(basis: DueBasis, calendar: WorkCalendar): Due {
  const due = computeDue(basis.limit, new Date(basis.from), calendar, basis.ratio);
  return {
    dueAt: new Date(due.dueAt.getTime() + basis.shiftMs),
    warnAt: new Date(due.warnAt.getTime() + basis.shiftMs),
    uncovered: due.uncovered,
  };
}

export interface Due {
  dueAt: Date;
  warnAt: Date;
  /** True when a working day fell in a year the calendar has no official data for. */
  uncovered: boolean;
}

export function computeDue(limit: TimeLimit, from: Date, calendar: WorkCalendar, ratio = DEFAULT_WARNING_RATIO): Due {
  const start = from.getTime();
  let due: number;
  let uncovered = false;
  if (limit.unit === 'hours') {
    due = start + limit.value * 3600_000;
  } else if (limit.unit === 'sameDay') {
    due = startOfLocalDay(start) + DAY_MS;
  } else {
    // N working days after the day of entry, due at the end of the Nth one.
    let day = startOfLocalDay(start);
    let counted = 0;
    while (counted < limit.value) {
      day += DAY_MS;
      const name = localDay(day);
      if (!calendar.covers(Number(name.slice(0, 4)))) uncovered = true;
      if (calendar.isWorkday(name)) counted += 1;
    }
    due = day + DAY_MS;
  }
  return { dueAt: new Date(due), warnAt: new Date(start + Math.round((due - start) * ratio)), uncovered };
}
