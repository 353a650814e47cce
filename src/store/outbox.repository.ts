// Outbox rows: effects written in the transition's transaction and relayed to queues afterwards.
import type { Executor } from './db.js';
import type { NewOutboxRow, OutboxTable } from './database.js';
import type { Selectable } from 'kysely';

export type OutboxRow = Selectable<OutboxTable>;

export async function insertOutbox(ex: Executor, rows: NewOutboxRow[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('outbox').values(rows).execute();
}

/** Pending rows, locked so that several relays never send the same row at once. */
export async function claimPending(ex: Executor, limit: number): Promise<OutboxRow[]> {
  return ex
    .selectFrom('outbox')
    .selectAll()
    .where('relayed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markRelayed(ex: Executor, ids: string[], at: Date): Promise<void> {
  if (ids.length > 0) await ex.updateTable('outbox').set({ relayed_at: at }).where('id', 'in', ids).execute();
}

/**
 * After Redis lost its data: notification rows relayed since `since` go out again (the relay picks
 * them up). Receivers may see one twice, under the same delivery id; none is lost.
 */
export async function unrelayNotificationsSince(ex: Executor, since: Date): Promise<number> {
  const result = await ex
    .updateTable('outbox')
    .set({ relayed_at: null })
    .where('topic', 'in', ['notification', 'agenda'])
    .where('relayed_at', 'is not', null)
    // run_at is stamped by the service clock, as `since` is; created_at is the database's own.
    .where('run_at', '>=', since)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
