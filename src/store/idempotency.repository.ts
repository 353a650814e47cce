// Idempotency keys of ticket registration, per staff member.
import type { Executor } from './db.js';

export interface IdempotencyRecord { requestHash: string; ticketId: string }

export async function findIdempotencyKey(ex: Executor, staffId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const row = await ex
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'ticket_id'])
    .where('staff_id', '=', staffId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { requestHash: row.request_hash, ticketId: row.ticket_id };
}

/** False when another request claimed the key first (the caller's transaction must then roll back). */
export async function claimIdempotencyKey(
  ex: Executor,
  rec: { countyId: string; staffId: string; key: string; requestHash: string; ticketId: string },
): Promise<boolean> {
  const inserted = await ex
    .insertInto('idempotency_keys')
    .values({ county_id: rec.countyId, staff_id: rec.staffId, key: rec.key, request_hash: rec.requestHash, ticket_id: rec.ticketId })
    .onConflict((oc) => oc.columns(['staff_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}
