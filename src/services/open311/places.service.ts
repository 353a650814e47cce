// Where villages and groups lie (county admin): an Open311 request with only lat/long goes to the nearest one.
import { findUnits } from '../../store/directory.repository.js';
import { deletePlaces, listPlaces, upsertPlaces } from '../../store/open311/places.repository.js';
import { mayAdminister, type Caller } from '../access.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';

export interface PlaceInput {
  unitId: string;
  /** WGS84; null removes the unit's location. */
  lat: number | null;
  long: number | null;
}

export interface Place {
  unitId: string;
  lat: number;
  long: number;
  updatedAt: string;
}

const toPlace = (p: { unit_id: string; lat: number; long: number; updated_at: Date }): Place => ({
  unitId: p.unit_id, lat: p.lat, long: p.long, updatedAt: p.updated_at.toISOString(),
});

export async function listUnitPlaces(ctx: ServiceContext, caller: Caller): Promise<Place[]> {
  if (!mayAdminister(caller)) throw new DomainError('forbidden', 'Only the county admin manages unit locations');
  return (await listPlaces(ctx.db, caller.countyId)).map(toPlace);
}

/** Sets (or removes) the locations of towns, villages and groups of the county, all or none. */
export async function saveUnitPlaces(ctx: ServiceContext, caller: Caller, input: PlaceInput[]): Promise<Place[]> {
  if (!mayAdminister(caller)) throw new DomainError('forbidden', 'Only the county admin manages unit locations');
  const ids = [...new Set(input.map((p) => p.unitId))];
  if (ids.length !== input.length) throw new DomainError('validation_failed', 'A unit is listed twice');
  const units = await findUnits(ctx.db, caller.countyId, ids);
  const places = new Set(units.filter((u) => u.kind !== 'department').map((u) => u.id));
  const unknown = ids.filter((id) => !places.has(id));
  if (unknown.length > 0) throw new DomainError('unknown_unit', `Not a town, village or group of this county: ${unknown.join(', ')}`);
  for (const p of input) {
    if ((p.lat === null) !== (p.long === null)) throw new DomainError('validation_failed', `Unit ${p.unitId}: give lat and long together, or both null`);
  }
  const now = ctx.now();
  await ctx.db.transaction().execute(async (trx) => {
    await deletePlaces(trx, caller.countyId, input.filter((p) => p.lat === null).map((p) => p.unitId));
    await upsertPlaces(trx, input.flatMap((p) => (p.lat === null || p.long === null ? [] : [{ unit_id: p.unitId, county_id: caller.countyId, lat: p.lat, long: p.long, updated_at: now }])));
  });
  return listUnitPlaces(ctx, caller);
}
