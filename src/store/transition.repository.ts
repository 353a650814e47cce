// Writes one transition (versioned ticket update, its event, its outbox rows) in a single statement.
import type { Insertable, Updateable } from 'kysely';
import type { Executor } from './db.js';
import type { NewOutboxRow, Ticket, TicketEventsTable, TicketsTable } from './database.js';

export interface TransitionWrite {
  ticketId: string;
  /** The version the ticket is at; the update applies only there and moves it one on. */
  version: number;
  patch: Updateable<TicketsTable>;
  event: Insertable<TicketEventsTable>;
  outbox: NewOutboxRow[];
}

/**
 * One round trip instead of three: under a timer storm every escalation's statements queue behind each
 * other, so fewer trips means more escalations a second. The inserts run even when the versioned update
 * matches nothing; the caller then throws and its transaction takes them back.
 */
export async function saveTransition(ex: Executor, w: TransitionWrite): Promise<Ticket | undefined> {
  const base = ex
    .with('updated', (db) =>
      db.updateTable('tickets').set({ ...w.patch, version: w.version + 1 }).where('id', '=', w.ticketId).where('version', '=', w.version).returningAll(),
    )
    .with('event', (db) => db.insertInto('ticket_events').values(w.event));
  if (w.outbox.length === 0) return base.selectFrom('updated').selectAll().executeTakeFirst();
  return base
    .with('effects', (db) => db.insertInto('outbox').values(w.outbox))
    .selectFrom('updated')
    .selectAll()
    .executeTakeFirst();
}
