// Units, staff and households: who and where, as a client needs them to fill in a ticket.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { Household, Staff, Unit } from './database.js';

export async function findUnit(ex: Executor, countyId: string, id: string): Promise<Unit | undefined> {
  return ex.selectFrom('units').selectAll().where('county_id', '=', countyId).where('id', '=', id).executeTakeFirst();
}

export async function findUnits(ex: Executor, countyId: string, ids: string[]): Promise<Unit[]> {
  if (ids.length === 0) return [];
  return ex.selectFrom('units').selectAll().where('county_id', '=', countyId).where('id', 'in', ids).execute();
}

export async function listUnits(ex: Executor, countyId: string): Promise<Unit[]> {
  return ex.selectFrom('units').selectAll().where('county_id', '=', countyId).orderBy('path').execute();
}

export async function findStaffByUsername(ex: Executor, username: string): Promise<Staff | undefined> {
  return ex.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findStaff(ex: Executor, id: string): Promise<Staff | undefined> {
  return ex.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findHousehold(ex: Executor, countyId: string, id: string): Promise<Household | undefined> {
  return ex.selectFrom('households').selectAll().where('county_id', '=', countyId).where('id', '=', id).executeTakeFirst();
}

export async function listHouseholdsUnder(ex: Executor, countyId: string, unitPath: string, limit: number): Promise<Household[]> {
  return ex
    .selectFrom('households')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('unit_id', 'in', (q) => q.selectFrom('units').select('id').where(sql<boolean>`path <@ ${unitPath}::ltree`))
    .orderBy('head_name')
    .orderBy('id')
    .limit(limit)
    .execute();
}
