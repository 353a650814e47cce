// Names of the places and departments on an Open311 request: its address, the office that triages it, the agency responsible.
import type { Unit } from '../../store/database.js';
import type { Executor } from '../../store/db.js';
import { findUnits } from '../../store/directory.repository.js';

/** ltree labels are unit ids without their dashes. */
export const labelToId = (l: string): string => `${l.slice(0, 8)}-${l.slice(8, 12)}-${l.slice(12, 16)}-${l.slice(16, 20)}-${l.slice(20)}`;

export type UnitMap = ReadonlyMap<string, Unit>;

/** Every unit on the given paths, and the other units named (lead departments), in one query. */
export async function loadUnits(ex: Executor, countyId: string, paths: string[], ids: Array<string | null | undefined>): Promise<UnitMap> {
  const wanted = new Set<string>();
  for (const p of paths) for (const l of p.split('.')) wanted.add(labelToId(l));
  for (const id of ids) if (id) wanted.add(id);
  const units = await findUnits(ex, countyId, [...wanted]);
  return new Map(units.map((u) => [u.id, u]));
}

const chain = (path: string, units: UnitMap): Unit[] =>
  path.split('.').map((l) => units.get(labelToId(l))).filter((u): u is Unit => u !== undefined);

/** County to group, as a Chinese address reads: 示范县青山镇青山东村第1村民小组. */
export const addressOf = (path: string, units: UnitMap): string => chain(path, units).map((u) => u.name).join('');

/** The unit's own code: what a public list shows as address_id (never a household's code). */
export const unitCodeOf = (path: string, units: UnitMap): string | null => chain(path, units).at(-1)?.code ?? null;

/** Who triages a ticket registered here: the town's dispatcher, or for the county itself its supervision office. */
export function triageOffice(path: string, units: UnitMap): string {
  const places = chain(path, units);
  const town = places.find((u) => u.kind === 'town');
  if (town) return `${town.name}调度`;
  return `${places[0]?.name ?? ''}督查办`;
}

/** The lead department (主办) once there is one, else the town (or the county) the matter lies in. */
export function agencyOf(leadUnitId: string | null, path: string, units: UnitMap): string {
  const lead = leadUnitId ? units.get(leadUnitId) : undefined;
  if (lead) return lead.name;
  const places = chain(path, units);
  return (places.find((u) => u.kind === 'town') ?? places[0])?.name ?? '';
}
