// Offline sync records: claim a client id, fill in what its item did, and read it back for a retry.
import type { Executor } from './db.js';
import type { NewSyncRecord, SyncRecord, SyncRecordPatch } from './sync.tables.js';

export async function findSyncRecord(ex: Executor, staffId: string, clientId: string): Promise<SyncRecord | undefined> {
  return ex.selectFrom('sync_records').selectAll().where('staff_id', '=', staffId).where('client_id', '=', clientId).executeTakeFirst();
}

/**
 * False when the client id is taken. A concurrent claim of the same id waits here until the other
 * transaction ends: its commit makes this one false, its rollback lets this one through.
 */
export async function claimSyncRecord(ex: Executor, record: NewSyncRecord): Promise<boolean> {
  const inserted = await ex
    .insertInto('sync_records')
    .values(record)
    .onConflict((oc) => oc.columns(['staff_id', 'client_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Claims a visit's ticket record; true also when the same record was claimed before (the same
 * ticket of the same visit), so a visit synced again does not fail on what it already wrote.
 */
export async function claimVisitTicketRecord(ex: Executor, record: NewSyncRecord): Promise<boolean> {
  if (await claimSyncRecord(ex, record)) return true;
  const held = await findSyncRecord(ex, record.staff_id, record.client_id);
  return (
    held?.kind === 'visit_ticket' && held.outcome === 'applied' && held.ticket_id === record.ticket_id && held.visit_id === record.visit_id
  );
}

export async function updateSyncRecord(ex: Executor, staffId: string, clientId: string, patch: SyncRecordPatch): Promise<SyncRecord> {
  return ex
    .updateTable('sync_records')
    .set(patch)
    .where('staff_id', '=', staffId)
    .where('client_id', '=', clientId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTicketNumber(ex: Executor, countyId: string, ticketId: string): Promise<string | undefined> {
  const row = await ex.selectFrom('tickets').select('number').where('county_id', '=', countyId).where('id', '=', ticketId).executeTakeFirst();
  return row?.number;
}

export interface VisitTicketRef {
  ticketId: string;
  ticketNumber: string;
  /** The client id the device gave the ticket inside its visit, if any. */
  clientId: string | null;
}

/** The tickets a visit opened, in the visit's order, with the client ids synced visits gave them. */
export async function findVisitTickets(ex: Executor, countyId: string, visitId: string): Promise<VisitTicketRef[]> {
  const visit = await ex.selectFrom('visits').select('ticket_ids').where('county_id', '=', countyId).where('id', '=', visitId).executeTakeFirst();
  const ticketIds = visit?.ticket_ids ?? [];
  if (ticketIds.length === 0) return [];
  const rows = await ex
    .selectFrom('tickets')
    .leftJoin('sync_records', (join) =>
      join.onRef('sync_records.ticket_id', '=', 'tickets.id').on('sync_records.kind', '=', 'visit_ticket').on('sync_records.visit_id', '=', visitId),
    )
    .select(['tickets.id', 'tickets.number', 'sync_records.client_id'])
    .where('tickets.county_id', '=', countyId)
    .where('tickets.id', 'in', ticketIds)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ticketIds.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ticketId: r.id, ticketNumber: r.number, clientId: r.client_id }] : [];
  });
}
