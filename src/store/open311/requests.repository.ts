// Open311 request records beside their tickets: written with the ticket, read back with it for the Open311 lists.
import type { Executor } from '../db.js';
import type { Insertable } from 'kysely';
import type { Open311RequestsTable } from './open311.tables.js';

export async function insertRequestRecord(ex: Executor, row: Insertable<Open311RequestsTable>): Promise<void> {
  await ex.insertInto('open311_requests').values(row).execute();
}

/** A ticket filed through Open311 with what the client sent and what masking its free text needs. */
export interface RequestRow {
  ticket_id: string;
  county_id: string;
  number: string;
  state: string;
  category: string;
  description: string;
  unit_id: string;
  unit_path: string;
  lead_unit_id: string | null;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  client_id: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  device_id: string | null;
  account_id: string | null;
  media_url: string | null;
  address_string: string | null;
  address_id: string | null;
  lat: number | null;
  long: number | null;
  attributes: Record<string, string | string[]>;
  routed_by: string;
  /** The household's head and code, for masking them in free text. */
  head_name: string | null;
  household_code: string | null;
}

export interface RequestFilter {
  countyId: string;
  /** Ticket numbers (service_request_id); when given, the other filters are not applied. */
  numbers?: string[];
  ticketIds?: string[];
  serviceCodes?: string[];
  states?: string[];
  from?: Date;
  to?: Date;
  limit: number;
}

/** Newest first. Only tickets filed through Open311 are ever read here. */
export async function listRequests(ex: Executor, f: RequestFilter): Promise<RequestRow[]> {
  if (f.numbers?.length === 0 || (f.numbers === undefined && f.ticketIds?.length === 0)) return [];
  let q = ex
    .selectFrom('open311_requests as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .leftJoin('households as h', 'h.id', 't.household_id')
    .select([
      'r.ticket_id', 't.county_id', 't.number', 't.state', 't.category', 't.description', 't.unit_id', 't.unit_path', 't.lead_unit_id',
      't.due_at', 't.created_at', 't.updated_at', 't.closed_at', 'r.client_id', 'r.first_name', 'r.last_name', 'r.phone', 'r.email',
      'r.device_id', 'r.account_id', 'r.media_url', 'r.address_string', 'r.address_id', 'r.lat', 'r.long', 'r.attributes', 'r.routed_by',
      'h.head_name', 'h.code as household_code',
    ])
    .where('r.county_id', '=', f.countyId)
    .where('t.county_id', '=', f.countyId);
  if (f.numbers !== undefined) q = q.where('t.number', 'in', f.numbers);
  else if (f.ticketIds !== undefined) q = q.where('r.ticket_id', 'in', f.ticketIds);
  else {
    if (f.serviceCodes?.length) q = q.where('r.service_code', 'in', f.serviceCodes);
    if (f.states?.length) q = q.where('t.state', 'in', f.states);
    if (f.from !== undefined) q = q.where('r.created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('r.created_at', '<=', f.to);
  }
  return q.orderBy('r.created_at', 'desc').orderBy('r.ticket_id', 'desc').limit(f.limit).execute();
}

/** The record of one ticket, for staff (requester contact) and the comment route. */
export async function findRequestRecord(ex: Executor, countyId: string, ticketId: string) {
  return ex.selectFrom('open311_requests').selectAll().where('county_id', '=', countyId).where('ticket_id', '=', ticketId).executeTakeFirst();
}
