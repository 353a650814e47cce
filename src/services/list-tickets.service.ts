// The ticket list: the caller's jurisdiction, filters, a unit subtree, and opaque keyset cursors (newest first).
import { findUnit } from '../store/directory.repository.js';
import { listTickets } from '../store/tickets.repository.js';
import { toTicketView, type TicketView } from './ticket-view.service.js';
import { DomainError } from './errors.js';
import { ticketGrants, type Caller } from './access.service.js';
import type { ServiceContext } from './context.js';

export interface ListQuery {
  state?: string[];
  mode?: string;
  level?: string;
  category?: string;
  unitId?: string;
  overdue?: boolean;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw new DomainError('invalid_cursor', 'The cursor is not one this API gave out');
  return id;
}

export async function listTicketsPage(
  ctx: ServiceContext,
  caller: Caller,
  q: ListQuery,
): Promise<{ items: TicketView[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const countyId = caller.countyId;
  let underPath: string | undefined;
  if (q.unitId !== undefined) {
    const unit = await findUnit(ctx.db, countyId, q.unitId);
    if (!unit) throw new DomainError('unknown_unit', `No unit ${q.unitId} in this county`);
    underPath = unit.path;
  }
  // One extra row tells whether another page exists without a count query.
  const rows = await listTickets(ctx.db, {
    countyId,
    grants: ticketGrants(caller),
    states: q.state,
    mode: q.mode,
    level: q.level,
    category: q.category,
    underPath,
    overdue: q.overdue,
    createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
    createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
    beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map((t) => toTicketView(t, ctx.now())), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
