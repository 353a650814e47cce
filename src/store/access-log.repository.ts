// The access log: every read of a resident's (or an Open311 requester's) full phone, ID number or email (append-only in the database).
import type { Executor } from './db.js';
import type { AccessLogRow } from './access.tables.js';

export async function appendAccessLog(
  ex: Executor,
  e: { countyId: string; staffId: string; householdId: string | null; ticketId: string | null; fields: string[]; reason: string | null; requestId: string | null; now: Date },
): Promise<void> {
  await ex
    .insertInto('access_log')
    .values({
      county_id: e.countyId,
      staff_id: e.staffId,
      household_id: e.householdId,
      ticket_id: e.ticketId,
      fields: e.fields,
      reason: e.reason,
      request_id: e.requestId,
      created_at: e.now,
    })
    .execute();
}

export async function listAccessLog(ex: Executor, countyId: string, f: { householdId?: string; staffId?: string; limit: number }): Promise<AccessLogRow[]> {
  let q = ex.selectFrom('access_log').selectAll().where('county_id', '=', countyId);
  if (f.householdId !== undefined) q = q.where('household_id', '=', f.householdId);
  if (f.staffId !== undefined) q = q.where('staff_id', '=', f.staffId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}
