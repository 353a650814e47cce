// Visits (民情日志): insert and find by the cadre's client id (a retried request finds its first answer).
import type { Executor } from './db.js';
import type { NewVisit, Visit } from './linkage.tables.js';

export async function insertVisit(ex: Executor, visit: NewVisit): Promise<Visit> {
  return ex.insertInto('visits').values(visit).returningAll().executeTakeFirstOrThrow();
}

export async function findVisitByClientId(ex: Executor, countyId: string, cadreId: string, clientId: string): Promise<Visit | undefined> {
  return ex
    .selectFrom('visits')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('cadre_id', '=', cadreId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}
