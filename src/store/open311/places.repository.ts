// Where to send an Open311 request: households and units by their codes, units by name, the nearest located unit.
import { sql } from 'kysely';
import type { Executor } from '../db.js';
import type { Unit } from '../database.js';
import type { Open311PlaceRow } from './open311.tables.js';

export async function findCountyByCode(ex: Executor, code: string): Promise<Unit | undefined> {
  return ex.selectFrom('units').selectAll().where('kind', '=', 'county').where('code', '=', code).executeTakeFirst();
}

/** Up to two counties: the endpoint needs a jurisdiction_id only when it serves more than one. */
export async function someCounties(ex: Executor): Promise<Unit[]> {
  return ex.selectFrom('units').selectAll().where('kind', '=', 'county').orderBy('id').limit(2).execute();
}

export async function findHouseholdByCode(ex: Executor, countyId: string, code: string) {
  return ex
    .selectFrom('households as h')
    .innerJoin('units as u', 'u.id', 'h.unit_id')
    .select(['h.id', 'h.county_id', 'u.path'])
    .where('h.county_id', '=', countyId)
    .where('h.code', '=', code)
    .executeTakeFirst();
}

export async function findUnitByCode(ex: Executor, countyId: string, code: string): Promise<Unit | undefined> {
  return ex.selectFrom('units').selectAll().where('county_id', '=', countyId).where('code', '=', code).executeTakeFirst();
}

/** Towns, villages and groups at or under a path (departments have no place). */
export async function placesUnder(ex: Executor, countyId: string, path: string): Promise<Unit[]> {
  return ex
    .selectFrom('units')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('kind', '!=', 'department')
    .where(sql<boolean>`path <@ ${path}::ltree`)
    .execute();
}

/** The located unit under `path` nearest to a point, with its distance in metres (haversine on a 6,371 km sphere). */
export async function nearestPlace(
  ex: Executor,
  countyId: string,
  path: string,
  lat: number,
  long: number,
): Promise<{ unit_id: string; metres: number } | undefined> {
  const metres = sql<number>`2 * 6371000 * asin(sqrt(
    power(sin(radians(p.lat - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(p.lat)) * power(sin(radians(p.long - ${long}) / 2), 2)
  ))`;
  return ex
    .selectFrom('open311_places as p')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['p.unit_id', metres.as('metres')])
    .where('p.county_id', '=', countyId)
    .where(sql<boolean>`u.path <@ ${path}::ltree`)
    .orderBy(metres)
    .limit(1)
    .executeTakeFirst();
}

export async function listPlaces(ex: Executor, countyId: string): Promise<Open311PlaceRow[]> {
  return ex.selectFrom('open311_places').selectAll().where('county_id', '=', countyId).orderBy('unit_id').execute();
}

export async function upsertPlaces(ex: Executor, rows: Open311PlaceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await ex
    .insertInto('open311_places')
    .values(rows)
    .onConflict((oc) => oc.column('unit_id').doUpdateSet((eb) => ({ lat: eb.ref('excluded.lat'), long: eb.ref('excluded.long'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}

export async function deletePlaces(ex: Executor, countyId: string, unitIds: string[]): Promise<void> {
  if (unitIds.length === 0) return;
  await ex.deleteFrom('open311_places').where('county_id', '=', countyId).where('unit_id', 'in', unitIds).execute();
}

/** When a county's service list last changed (or any county's), for the discovery document's changeset. */
export async function lastCatalogueChange(ex: Executor, countyId?: string): Promise<Date | null> {
  let q = ex.selectFrom('county_categories').select((eb) => eb.fn.max('updated_at').as('at'));
  if (countyId !== undefined) q = q.where('county_id', '=', countyId);
  const row = await q.executeTakeFirst();
  return row?.at ?? null;
}
