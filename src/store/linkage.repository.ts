// Linkage (包联): the active cadre of a household, link history, the handling cadre of open tickets, cadre status.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { Ticket } from './database.js';
import type { CadreStatus, HouseholdLink } from './linkage.tables.js';

/**
 * Row lock on the household: re-links of one household (API or import) run one after another. NO KEY
 * UPDATE: tickets and visits referencing the household (foreign keys, KEY SHARE) are not held up by it.
 */
export async function lockHousehold(ex: Executor, countyId: string, id: string): Promise<{ id: string } | undefined> {
  return ex.selectFrom('households').select('id').where('county_id', '=', countyId).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/**
 * The cadre about to be linked, read under a share lock: a staff import changing their roles or unit
 * (an UPDATE of the row) waits for the link to commit, then sees it; or the link waits and sees the change.
 */
export async function lockStaffForLink(ex: Executor, staffId: string): Promise<{ active: boolean; roles: string[]; unit_id: string } | undefined> {
  return ex.selectFrom('staff').select(['active', 'roles', 'unit_id']).where('id', '=', staffId).forShare().executeTakeFirst();
}

export async function findActiveLink(ex: Executor, countyId: string, householdId: string): Promise<HouseholdLink | undefined> {
  return ex
    .selectFrom('household_links')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('household_id', '=', householdId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
}

export async function closeLink(ex: Executor, id: string, at: Date): Promise<void> {
  await ex.updateTable('household_links').set({ valid_to: at }).where('id', '=', id).execute();
}

export async function insertLink(ex: Executor, link: HouseholdLink): Promise<void> {
  await ex.insertInto('household_links').values(link).execute();
}

/** The household's open tickets, locked, oldest first. */
export async function lockOpenTicketsOfHousehold(ex: Executor, countyId: string, householdId: string): Promise<Ticket[]> {
  return ex
    .selectFrom('tickets')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('household_id', '=', householdId)
    .where('closed_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function setCadreStatus(ex: Executor, row: { staff_id: string; county_id: string; status: CadreStatus; set_at: Date }): Promise<void> {
  await ex
    .insertInto('cadre_statuses')
    .values(row)
    .onConflict((oc) => oc.column('staff_id').doUpdateSet({ status: row.status, set_at: row.set_at }))
    .execute();
}

export interface CadreBoardRow {
  id: string;
  display_name: string;
  unit_id: string;
  status: CadreStatus | null;
  set_at: Date | null;
  households: string;
}

/** Active cadres whose unit is under `path`, with their status and number of linked households. */
export async function listCadresUnder(ex: Executor, countyId: string, path: string): Promise<CadreBoardRow[]> {
  return ex
    .selectFrom('staff')
    .innerJoin('units', 'units.id', 'staff.unit_id')
    .leftJoin('cadre_statuses', 'cadre_statuses.staff_id', 'staff.id')
    .select(['staff.id', 'staff.display_name', 'staff.unit_id', 'cadre_statuses.status', 'cadre_statuses.set_at'])
    .select((eb) =>
      eb
        .selectFrom('household_links')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('household_links.cadre_id', '=', 'staff.id')
        .where('household_links.valid_to', 'is', null)
        .as('households'),
    )
    .$narrowType<{ households: string }>()
    .where('staff.county_id', '=', countyId)
    .where('staff.active', '=', true)
    .where(sql<boolean>`'cadre' = any(staff.roles)`)
    .where(sql<boolean>`units.path <@ ${path}::ltree`)
    .orderBy('units.path')
    .orderBy('staff.display_name')
    .execute();
}
