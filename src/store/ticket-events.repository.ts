// The append-only audit trail of every ticket.
import type { Executor } from './db.js';
import type { TicketEventRow, TicketEventsTable } from './database.js';
import type { Insertable } from 'kysely';

export async function appendEvent(ex: Executor, event: Insertable<TicketEventsTable>): Promise<void> {
  await ex.insertInto('ticket_events').values(event).execute();
}

export async function listEvents(ex: Executor, ticketId: string): Promise<TicketEventRow[]> {
  return ex.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('version').execute();
}
