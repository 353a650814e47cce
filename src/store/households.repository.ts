// Households as jurisdiction sees them: listed only under the caller's places, found with their unit path.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { Household } from './database.js';
import { placeScopeSql, type PlaceGrant } from './jurisdiction.filter.js';

/** Households under `underPath` that the grants cover; filtered in SQL so nothing outside is ever read. */
export async function listHouseholdsInScope(
  ex: Executor,
  countyId: string,
  underPath: string,
  grants: PlaceGrant[],
  limit: number,
): Promise<Household[]> {
  return ex
    .selectFrom('households')
    .selectAll('households')
    .innerJoin('units', 'units.id', 'households.unit_id')
    .where('households.county_id', '=', countyId)
    .where(sql<boolean>`units.path <@ ${underPath}::ltree`)
    .where(placeScopeSql(countyId, grants))
    .orderBy('households.head_name')
    .orderBy('households.id')
    .limit(limit)
    .execute();
}

export async function findHouseholdWithPath(
  ex: Executor,
  countyId: string,
  id: string,
): Promise<(Household & { path: string }) | undefined> {
  return ex
    .selectFrom('households')
    .innerJoin('units', 'units.id', 'households.unit_id')
    .selectAll('households')
    .select('units.path')
    .where('households.county_id', '=', countyId)
    .where('households.id', '=', id)
    .executeTakeFirst();
}
