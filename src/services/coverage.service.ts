// 入户率: coverage of a unit for a period, per cadre and rolled up per village and town.
import { findUnit } from '../store/directory.repository.js';
import { coverageByArea, coverageByCadre, type CoverageCounts, type CoverageScope } from '../store/coverage.repository.js';
import { DomainError } from './errors.js';
import { inPlaceScope, type Caller, type Role } from './access.service.js';
import type { ServiceContext } from './context.js';
import { currentPeriod, periodView } from './coverage-period.service.js';

/** Supervision reads coverage; a cadre reads their own stored figures (coverage-report.service). */
export const READERS: readonly Role[] = ['village', 'town_dispatcher', 'town_supervisor', 'county_supervisor', 'county_admin'];

const CUSTOM_LABEL = { zh: '自定义时段', en: 'Custom period' };

export interface CoverageFigures {
  residentTotal: number;
  residentVisited: number;
  migrantTotal: number;
  migrantContacted: number;
  keyTotal: number;
  keyVisited: number;
  neverReached: number;
  unconfirmedVisits: number;
  /** Resident households visited and confirmed / resident households; null with none. */
  rate: number | null;
}

export const figures = (c: CoverageCounts): CoverageFigures => ({
  residentTotal: c.resident_total,
  residentVisited: c.resident_visited,
  migrantTotal: c.migrant_total,
  migrantContacted: c.migrant_contacted,
  keyTotal: c.key_total,
  keyVisited: c.key_visited,
  neverReached: c.never_reached,
  unconfirmedVisits: c.unconfirmed_visits,
  rate: c.resident_total === 0 ? null : c.resident_visited / c.resident_total,
});

export interface CoverageQuery {
  unitId: string;
  from?: string;
  to?: string;
}

export async function coverageReport(ctx: ServiceContext, caller: Caller, q: CoverageQuery) {
  if (caller.kind !== 'staff' || !caller.roles.some((r) => READERS.includes(r))) {
    throw new DomainError('forbidden', 'Your role does not read coverage reports');
  }
  const unit = await findUnit(ctx.db, caller.countyId, q.unitId);
  if (!unit || unit.kind === 'department') throw new DomainError('unknown_unit', `No town, village or group ${q.unitId} in this county`);
  if (!inPlaceScope(caller, unit)) throw new DomainError('outside_jurisdiction', `Unit ${unit.id} is outside your jurisdiction`);
  // Without dates: the period running now, of the unit's town (a month or half a month); the county's is a month.
  // Looked up only when a date is missing: a request naming both costs no extra query.
  const running = q.from && q.to ? undefined : await currentPeriod(ctx, caller.countyId, unit.path);
  const from = q.from ? new Date(q.from) : (running as NonNullable<typeof running>).from;
  const to = q.to ? new Date(q.to) : (running as NonNullable<typeof running>).to;
  if (!(from < to)) throw new DomainError('invalid_payload', 'from must be before to');
  const scope: CoverageScope = { countyId: caller.countyId, path: unit.path, from, to };
  const depth = unit.path.split('.').length;
  const [cadres, villages, towns] = await Promise.all([
    coverageByCadre(ctx.db, scope),
    depth <= 3 ? coverageByArea(ctx.db, scope, 3) : Promise.resolve([]),
    depth <= 2 ? coverageByArea(ctx.db, scope, 2) : Promise.resolve([]),
  ]);
  return {
    unitId: unit.id,
    from: from.toISOString(),
    to: to.toISOString(),
    period: running === undefined || q.from || q.to ? { kind: 'custom' as const, label: CUSTOM_LABEL, from: from.toISOString(), to: to.toISOString() } : periodView(running),
    cadres: cadres.map((c) => ({ cadreId: c.cadre_id, name: c.name, ...figures(c) })),
    villages: villages.map((v) => ({ unitId: v.unit_id, name: v.name, ...figures(v) })),
    towns: towns.map((v) => ({ unitId: v.unit_id, name: v.name, ...figures(v) })),
  };
}
