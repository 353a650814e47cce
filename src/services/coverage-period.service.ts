// Coverage periods per town (month or half month): who reads and sets them, and the default period of a report.
import { periodContaining, PERIOD_LABELS, type Period, type PeriodKind } from '../engine/coverage-period.js';
import type { Label } from '../engine/ticket.labels.js';
import { findUnit } from '../store/directory.repository.js';
import { listTownPeriods, setTownPeriod, townPeriodOf, type TownPeriod } from '../store/coverage-reports.repository.js';
import type { Executor } from '../store/db.js';
import { inPlaceScope, isUnder, type Caller } from './access.service.js';
import { DomainError } from './errors.js';
import type { ServiceContext } from './context.js';

export interface PeriodView {
  kind: PeriodKind;
  label: Label;
  from: string;
  to: string;
}

export const periodView = (p: Period): PeriodView => ({ kind: p.kind, label: PERIOD_LABELS[p.kind], from: p.from.toISOString(), to: p.to.toISOString() });

const townView = (t: TownPeriod) => ({
  townId: t.town_id,
  name: t.name,
  period: t.kind,
  label: PERIOD_LABELS[t.kind],
  setBy: t.set_by,
  setAt: t.set_at ? t.set_at.toISOString() : null,
});

/** The period kind of the town a unit lies in; the county itself, above every town, reports by month. */
export async function periodKindAt(ex: Executor, countyId: string, unitPath: string): Promise<PeriodKind> {
  return (await townPeriodOf(ex, countyId, unitPath))?.kind ?? 'month';
}

/** Towns the caller works in or oversees: a cadre or village sees the period of its own town. */
export async function listPeriods(ctx: ServiceContext, caller: Caller) {
  if (caller.kind !== 'staff') throw new DomainError('forbidden', 'Coverage periods are for staff');
  const towns = await listTownPeriods(ctx.db, caller.countyId);
  return towns.filter((t) => inPlaceScope(caller, { county_id: t.county_id, path: t.path }) || isUnder(caller.unitPath, t.path)).map(townView);
}

/** Only the county admin sets a town's period; it applies to reports from then on (stored ones keep theirs). */
export async function setPeriod(ctx: ServiceContext, caller: Caller, townId: string, kind: PeriodKind) {
  if (caller.kind !== 'staff' || !caller.roles.includes('county_admin')) {
    throw new DomainError('forbidden', 'Only the county admin sets coverage periods');
  }
  const town = await findUnit(ctx.db, caller.countyId, townId);
  if (!town || town.kind !== 'town') throw new DomainError('unknown_unit', `No town ${townId} in this county`);
  const setAt = ctx.now();
  await setTownPeriod(ctx.db, { town_id: town.id, county_id: caller.countyId, kind, set_by: caller.staffId, set_at: setAt });
  return townView({ town_id: town.id, county_id: town.county_id, name: town.name, path: town.path, kind, set_by: caller.staffId, set_at: setAt });
}

/** The period a report covers when the caller gives no dates: the one running now, of the unit's town. */
export async function currentPeriod(ctx: ServiceContext, countyId: string, unitPath: string): Promise<Period> {
  return periodContaining(ctx.now(), await periodKindAt(ctx.db, countyId, unitPath));
}
