// The public side of an Open311 request's audit trail: its latest public event, the updates feed, residents' comments.
import { sql } from 'kysely';
import type { Executor } from '../db.js';
import type { Insertable } from 'kysely';
import type { TicketEventRow } from '../database.js';
import type { Open311CommentsTable } from './open311.tables.js';

/** The latest event of each ticket whose type is one of `types`. */
export async function lastEventsOfTypes(ex: Executor, ticketIds: string[], types: readonly string[]): Promise<TicketEventRow[]> {
  if (ticketIds.length === 0) return [];
  return ex
    .selectFrom('ticket_events')
    .selectAll()
    .distinctOn('ticket_id')
    .where('ticket_id', '=', sql<string>`any(${ticketIds}::uuid[])`)
    .where('type', '=', sql<string>`any(${[...types]}::text[])`)
    .orderBy('ticket_id')
    .orderBy('version', 'desc')
    .execute();
}

export interface FeedRow extends TicketEventRow {
  number: string;
  head_name: string | null;
  household_code: string | null;
  first_name: string | null;
  last_name: string | null;
}

/**
 * Events of `types` on the county's Open311 requests in [from, to), oldest first. Tickets not updated
 * since `from` cannot have such events, so only the others are searched.
 */
export async function feedEvents(
  ex: Executor,
  f: { countyId: string; from: Date; to: Date; types: readonly string[]; limit: number },
): Promise<FeedRow[]> {
  return ex
    .selectFrom('open311_requests as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .innerJoin('ticket_events as e', 'e.ticket_id', 'r.ticket_id')
    .leftJoin('households as h', 'h.id', 't.household_id')
    .selectAll('e')
    .select(['t.number', 'h.head_name', 'h.code as household_code', 'r.first_name', 'r.last_name'])
    .where('r.county_id', '=', f.countyId)
    .where('t.updated_at', '>=', f.from)
    .where('e.created_at', '>=', f.from)
    .where('e.created_at', '<', f.to)
    .where('e.type', '=', sql<string>`any(${[...f.types]}::text[])`)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(f.limit)
    .execute();
}

/** Ticket numbers by id (a MERGE names its target by id; the public knows numbers). */
export async function ticketNumbers(ex: Executor, countyId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex.selectFrom('tickets').select(['id', 'number']).where('county_id', '=', countyId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}

export async function findComment(ex: Executor, clientId: string, ticketId: string, clientUpdateId: string) {
  return ex
    .selectFrom('open311_comments')
    .select('event_id')
    .where('client_id', '=', clientId)
    .where('ticket_id', '=', ticketId)
    .where('client_update_id', '=', clientUpdateId)
    .executeTakeFirst();
}

/** The COMMENT event (beside the lifecycle: state and clock stay) and who wrote it; returns the event's id. */
export async function insertComment(
  ex: Executor,
  event: { county_id: string; ticket_id: string; version: number; actor_id: string; actor_name: string; payload: string; state: string; level: string; created_at: Date },
  who: Omit<Insertable<Open311CommentsTable>, 'event_id'>,
): Promise<string> {
  const row = await ex
    .insertInto('ticket_events')
    .values({
      county_id: event.county_id,
      ticket_id: event.ticket_id,
      version: event.version,
      type: 'COMMENT',
      actor_kind: 'staff',
      actor_id: event.actor_id,
      actor_name: event.actor_name,
      payload: event.payload,
      from_state: event.state,
      to_state: event.state,
      level: event.level,
      created_at: event.created_at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ex.insertInto('open311_comments').values({ ...who, event_id: row.id }).execute();
  return row.id;
}
