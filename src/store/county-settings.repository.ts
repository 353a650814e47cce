// A county's time-limit policies, escalation steps and calendar overrides.
import type { DueBasis, LimitPolicy, TimeLimit } from '../engine/deadline.policy.js';
import type { Executor } from './db.js';

const toLimit = (unit: string, value: string | null): TimeLimit =>
  unit === 'sameDay' ? { unit: 'sameDay' } : { unit: unit as 'hours' | 'workdays', value: Number(value) };

export async function loadPolicies(ex: Executor, countyId: string): Promise<LimitPolicy[]> {
  const rows = await ex.selectFrom('time_limit_policies').selectAll().where('county_id', '=', countyId).execute();
  return rows.map((r) => ({
    state: r.state,
    category: r.category,
    priority: r.priority,
    limit: toLimit(r.unit, r.value),
    warningRatio: Number(r.warning_ratio),
  }));
}

export async function insertPolicies(ex: Executor, countyId: string, policies: readonly LimitPolicy[]): Promise<void> {
  if (policies.length === 0) return;
  await ex
    .insertInto('time_limit_policies')
    .values(
      policies.map((p) => ({
        county_id: countyId,
        state: p.state,
        category: p.category,
        priority: p.priority,
        unit: p.limit.unit,
        value: p.limit.unit === 'sameDay' ? null : p.limit.value,
        warning_ratio: p.warningRatio,
      })),
    )
    .execute();
}

export async function loadEscalationSteps(ex: Executor, countyId: string): Promise<Partial<Record<'town' | 'county', TimeLimit>>> {
  const rows = await ex.selectFrom('escalation_steps').selectAll().where('county_id', '=', countyId).execute();
  return Object.fromEntries(rows.map((r) => [r.level, toLimit(r.unit, r.value)]));
}

export async function insertEscalationSteps(ex: Executor, countyId: string, steps: Record<'town' | 'county', TimeLimit>): Promise<void> {
  await ex
    .insertInto('escalation_steps')
    .values(
      (['town', 'county'] as const).map((level) => {
        const limit = steps[level];
        if (limit.unit === 'sameDay') throw new Error('an escalation step needs hours or working days');
        return { county_id: countyId, level, unit: limit.unit, value: limit.value };
      }),
    )
    .execute();
}

export async function loadCalendarOverrides(ex: Executor, countyId: string) {
  const [days, years] = await Promise.all([
    ex.selectFrom('calendar_days').select(['day', 'kind']).where('county_id', '=', countyId).execute(),
    ex.selectFrom('calendar_years').select('year').where('county_id', '=', countyId).execute(),
  ]);
  return { days, years: years.map((y) => y.year) };
}

/** Replaces one year's days for a county and marks the year as known. */
export async function replaceCalendarYear(
  ex: Executor,
  countyId: string,
  year: number,
  days: ReadonlyArray<{ day: string; kind: 'holiday' | 'workday'; note: string | null }>,
  source: string,
): Promise<void> {
  await ex
    .deleteFrom('calendar_days')
    .where('county_id', '=', countyId)
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .execute();
  if (days.length > 0) await ex.insertInto('calendar_days').values(days.map((d) => ({ county_id: countyId, ...d }))).execute();
  await ex
    .insertInto('calendar_years')
    .values({ county_id: countyId, year, source })
    .onConflict((oc) => oc.columns(['county_id', 'year']).doUpdateSet({ source, loaded_at: new Date() }))
    .execute();
}

export async function countyIds(ex: Executor): Promise<string[]> {
  const rows = await ex.selectFrom('units').select('id').where('kind', '=', 'county').execute();
  return rows.map((r) => r.id);
}

export async function loadedYears(ex: Executor, countyId: string): Promise<number[]> {
  const rows = await ex.selectFrom('calendar_years').select('year').where('county_id', '=', countyId).execute();
  return rows.map((r) => r.year);
}

/** Years every county has loaded its own calendar for. */
export async function yearsLoadedByEveryCounty(ex: Executor): Promise<number[]> {
  const counties = await countyIds(ex);
  const rows = await ex.selectFrom('calendar_years').select(['year', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('year').execute();
  return rows.filter((r) => Number(r.n) >= counties.length).map((r) => r.year);
}

/** Open tickets whose deadline was guessed on plain weekdays and can be worked out again (they keep a basis), in one county or all. */
export async function openGuessedDeadlines(ex: Executor, countyId?: string): Promise<GuessedDeadline[]> {
  let q = ex
    .selectFrom('tickets')
    .select(['id', 'county_id', 'version', 'due_at', 'due_basis'])
    .where('due_uncovered', '=', true)
    .where('closed_at', 'is', null)
    .where('due_basis', 'is not', null);
  if (countyId !== undefined) q = q.where('county_id', '=', countyId);
  return (await q.orderBy('id').execute()).flatMap((r) => (r.due_basis === null ? [] : [{ ...r, due_basis: r.due_basis }]));
}

export interface GuessedDeadline {
  id: string;
  county_id: string;
  version: number;
  due_at: Date | null;
  due_basis: DueBasis;
}

/** Open tickets whose deadline was computed on plain weekdays, in one county or all. */
export async function countOpenOnPlainWeekdays(ex: Executor, countyId?: string): Promise<number> {
  let q = ex
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('due_uncovered', '=', true)
    .where('closed_at', 'is', null);
  if (countyId !== undefined) q = q.where('county_id', '=', countyId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
