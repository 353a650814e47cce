// What a notification needs from the database: the ticket's place in the unit tree, and failed deliveries.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { NewNotificationFailure, Unit } from './database.js';

export interface NoticeTicket {
  id: string;
  county_id: string;
  unit_id: string;
  unit_path: string;
  created_by: string;
}

export async function findNoticeTicket(ex: Executor, ticketId: string): Promise<NoticeTicket | undefined> {
  return ex
    .selectFrom('tickets')
    .select(['id', 'county_id', 'unit_id', 'unit_path', 'created_by'])
    .where('id', '=', ticketId)
    .executeTakeFirst();
}

/** The units on the path from the county down to `unitPath` (its supervision offices), plus the units named by id. */
export async function findNoticeUnits(ex: Executor, countyId: string, unitPath: string, ids: string[]): Promise<Unit[]> {
  return ex
    .selectFrom('units')
    .selectAll()
    .where('county_id', '=', countyId)
    .where((eb) => {
      const onPath = eb(sql<string>`path`, '@>', sql<string>`${unitPath}::ltree`);
      return ids.length > 0 ? eb.or([onPath, eb('id', 'in', ids)]) : onPath;
    })
    .orderBy('path')
    .execute();
}

/** The county a notification belongs to: its ticket's, else (the ticket is unknown) its unit's. */
export async function findNoticeCounty(
  ex: Executor,
  ticketId: string,
  unitId: string,
): Promise<{ countyId: string; ticketId: string | null } | undefined> {
  const ticket = await ex.selectFrom('tickets').select('county_id').where('id', '=', ticketId).executeTakeFirst();
  if (ticket) return { countyId: ticket.county_id, ticketId };
  const unit = await ex.selectFrom('units').select('county_id').where('id', '=', unitId).executeTakeFirst();
  return unit ? { countyId: unit.county_id, ticketId: null } : undefined;
}

/** Records a delivery that gave up; recording the same job again keeps one row with the latest figures. */
export async function recordNotificationFailure(ex: Executor, row: NewNotificationFailure): Promise<void> {
  await ex
    .insertInto('notification_failures')
    .values(row)
    .onConflict((oc) =>
      oc.column('job_id').doUpdateSet((eb) => ({
        attempts: eb.ref('excluded.attempts'),
        last_error: eb.ref('excluded.last_error'),
        failed_at: eb.ref('excluded.failed_at'),
      })),
    )
    .execute();
}
