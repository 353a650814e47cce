// Where an Open311 request goes: the household or unit its address_id names, the unit its lat/long or
// address lies in, else the triage of the token's unit (the county's, for a county-wide hotline token).
import type { Unit } from '../../store/database.js';
import type { Executor } from '../../store/db.js';
import { findHouseholdByCode, findUnitByCode, nearestPlace, placesUnder } from '../../store/open311/places.repository.js';
import type { RoutedBy } from '../../store/open311/open311.tables.js';
import { inPlaceScope, isUnder, type Caller } from '../access.service.js';

/** A point farther than this from every located village or group is not taken to be in any of them. */
export const PLACE_RADIUS_METRES = 5_000;

export interface RequestLocation {
  addressId?: string;
  lat?: number;
  long?: number;
  addressString?: string;
}

export interface Routed {
  unitId?: string;
  householdId?: string;
  routedBy: RoutedBy;
}

const compact = (s: string): string => s.replace(/[\s,，、.。·\-_/]+/g, '');

/**
 * The unit an address names: every town, village or group whose name it contains is a candidate, scored
 * by how many names on its path (below the token's unit) the address contains, so "青山东村第1村民小组"
 * picks that village's first group and not the other villages' first groups. A tie between different
 * units of the same depth is no answer.
 */
export function unitFromAddress(address: string, units: readonly Unit[], rootPath: string): Unit | undefined {
  const text = compact(address);
  if (text === '') return undefined;
  const byLabel = new Map(units.map((u) => [u.path.slice(u.path.lastIndexOf('.') + 1), u]));
  const scored: Array<{ unit: Unit; score: number; depth: number }> = [];
  for (const unit of units) {
    if (unit.path === rootPath || !text.includes(compact(unit.name))) continue;
    const labels = unit.path.split('.');
    const below = labels.slice(rootPath.split('.').length);
    const score = below.filter((l) => {
      const u = byLabel.get(l);
      return u !== undefined && text.includes(compact(u.name));
    }).length;
    scored.push({ unit, score, depth: labels.length });
  }
  scored.sort((a, b) => b.score - a.score || b.depth - a.depth);
  const [best, next] = scored;
  if (!best) return undefined;
  if (next && next.score === best.score && next.depth === best.depth) return undefined;
  return best.unit;
}

/** Only places under the token's unit: the integration registers nowhere else (docs/SECURITY.md). */
export async function routeRequest(ex: Executor, caller: Caller, loc: RequestLocation): Promise<Routed> {
  const scope = (path: string) => inPlaceScope(caller, { county_id: caller.countyId, path });
  if (loc.addressId !== undefined) {
    const household = await findHouseholdByCode(ex, caller.countyId, loc.addressId);
    if (household && scope(household.path)) return { householdId: household.id, routedBy: 'household' };
    const unit = await findUnitByCode(ex, caller.countyId, loc.addressId);
    if (unit && unit.kind !== 'department' && scope(unit.path)) return { unitId: unit.id, routedBy: 'unit' };
  }
  if (loc.lat !== undefined && loc.long !== undefined) {
    const near = await nearestPlace(ex, caller.countyId, caller.unitPath, loc.lat, loc.long);
    if (near && near.metres <= PLACE_RADIUS_METRES) return { unitId: near.unit_id, routedBy: 'location' };
  }
  if (loc.addressString !== undefined) {
    const units = (await placesUnder(ex, caller.countyId, caller.unitPath)).filter((u) => isUnder(u.path, caller.unitPath));
    const unit = unitFromAddress(loc.addressString, units, caller.unitPath);
    if (unit) return { unitId: unit.id, routedBy: 'address' };
  }
  return { unitId: caller.unitId, routedBy: 'triage' };
}
