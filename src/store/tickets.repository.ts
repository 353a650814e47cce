// Tickets: numbering, insert, lock, versioned update and the filtered keyset list.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { NewTicket, Ticket, TicketsTable } from './database.js';
import type { Updateable } from 'kysely';
import { ticketScopeSql, type TicketGrant } from './jurisdiction.filter.js';

/** Next human number for a county and year, e.g. `2026-000123`; gap-free because it commits with the ticket. */
export async function nextTicketNumber(ex: Executor, countyId: string, year: number): Promise<string> {
  const row = await ex
    .insertInto('ticket_counters')
    .values({ county_id: countyId, year, last_value: 1 })
    .onConflict((oc) => oc.columns(['county_id', 'year']).doUpdateSet({ last_value: sql`ticket_counters.last_value + 1` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return `${year}-${String(row.last_value).padStart(6, '0')}`;
}

export async function insertTicket(ex: Executor, ticket: NewTicket): Promise<Ticket> {
  return ex.insertInto('tickets').values(ticket).returningAll().executeTakeFirstOrThrow();
}

export async function findTicket(ex: Executor, countyId: string, id: string): Promise<Ticket | undefined> {
  return ex.selectFrom('tickets').selectAll().where('county_id', '=', countyId).where('id', '=', id).executeTakeFirst();
}

/** Row lock held until the transaction ends, so transitions on one ticket run one after another. */
export async function lockTicket(ex: Executor, countyId: string, id: string): Promise<Ticket | undefined> {
  return ex
    .selectFrom('tickets')
    .selectAll()
    .where('county_id', '=', countyId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Locks several tickets in id order (two such lockers never wait on each other in a cycle). Tickets may
 * be of several counties; the caller still checks each ticket's county against what it asked for.
 */
export async function lockTickets(ex: Executor, keys: ReadonlyArray<{ countyId: string; ticketId: string }>): Promise<Ticket[]> {
  if (keys.length === 0) return [];
  return ex
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', sql<string>`any(${keys.map((k) => k.ticketId)}::uuid[])`)
    .where('county_id', '=', sql<string>`any(${[...new Set(keys.map((k) => k.countyId))]}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function updateTicket(
  ex: Executor,
  id: string,
  version: number,
  patch: Updateable<TicketsTable>,
): Promise<Ticket | undefined> {
  return ex
    .updateTable('tickets')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export interface TicketFilter {
  countyId: string;
  /** The caller's jurisdiction (access.service): only tickets it covers are read. */
  grants: TicketGrant[];
  states?: string[];
  mode?: string;
  level?: string;
  category?: string;
  /** ltree path of a unit: tickets anywhere under it. */
  underPath?: string;
  overdue?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  /** Keyset: ids strictly older than this one. */
  beforeId?: string;
  limit: number;
}

export async function listTickets(ex: Executor, f: TicketFilter): Promise<Ticket[]> {
  let q = ex.selectFrom('tickets').selectAll().where('county_id', '=', f.countyId).where(ticketScopeSql(f.countyId, f.grants));
  if (f.states?.length) q = q.where('state', 'in', f.states);
  if (f.mode !== undefined) q = q.where('mode', '=', f.mode);
  if (f.level !== undefined) q = q.where('level', '=', f.level);
  if (f.category !== undefined) q = q.where('category', '=', f.category);
  if (f.underPath !== undefined) q = q.where(sql<boolean>`unit_path <@ ${f.underPath}::ltree`);
  if (f.overdue !== undefined) q = q.where('overdue', '=', f.overdue);
  if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

export interface TimerRow {
  id: string;
  county_id: string;
  clock: number;
  level: string;
  warned: boolean;
  warn_at: Date | null;
  due_at: Date | null;
}

/**
 * Open tickets with a running clock whose warning or deadline is at or before `until` (every pending
 * timer when `until` is null), oldest deadline first, after the `afterId` keyset position.
 */
export async function findTimers(ex: Executor, until: Date | null, limit: number, afterId?: string): Promise<TimerRow[]> {
  let q = ex
    .selectFrom('tickets')
    .select(['id', 'county_id', 'clock', 'level', 'warned', 'warn_at', 'due_at'])
    .where('closed_at', 'is', null)
    .where('paused_at', 'is', null)
    .where('due_at', 'is not', null);
  if (until !== null) {
    q = q.where((eb) => eb.or([eb('due_at', '<=', until), eb.and([eb('warned', '=', false), eb('warn_at', '<=', until)])]));
  }
  if (afterId !== undefined) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}
