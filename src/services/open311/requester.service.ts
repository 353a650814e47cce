// The person an Open311 client filed a request for, as staff see a household: masked, the full number only through a logged read.
import { appendAccessLog } from '../../store/access-log.repository.js';
import { findStaff } from '../../store/directory.repository.js';
import { findRequestRecord } from '../../store/open311/requests.repository.js';
import { findTicket } from '../../store/tickets.repository.js';
import type { Ticket } from '../../store/database.js';
import { assertTicketVisible, mayRevealContact, type Caller } from '../access.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { maskEmail, maskPhone } from '../privacy.service.js';
import { displayName } from './request-form.js';

export interface RequesterView {
  ticketId: string;
  /** The integration that filed it (e.g. 12345 热线). */
  client: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  deviceId: string | null;
  accountId: string | null;
  mediaUrl: string | null;
  addressString: string | null;
  addressId: string | null;
  lat: number | null;
  long: number | null;
  attributes: Record<string, string | string[]>;
  routedBy: string;
}

async function visibleRecord(ctx: ServiceContext, caller: Caller, ticketId: string) {
  const ticket = await findTicket(ctx.db, caller.countyId, ticketId);
  if (!ticket) throw new DomainError('ticket_not_found', `No ticket ${ticketId}`);
  assertTicketVisible(caller, ticket);
  const record = await findRequestRecord(ctx.db, caller.countyId, ticketId);
  if (!record) throw new DomainError('not_found', `Ticket ${ticketId} was not filed through Open311`);
  return { ticket, record };
}

/** Whoever sees the ticket sees who filed it, numbers masked as a household's are. */
export async function requesterOf(ctx: ServiceContext, caller: Caller, ticketId: string): Promise<RequesterView> {
  const { record } = await visibleRecord(ctx, caller, ticketId);
  const client = await findStaff(ctx.db, record.client_id);
  return {
    ticketId,
    client: client?.display_name ?? '',
    name: displayName(record.first_name, record.last_name) ?? null,
    phone: maskPhone(record.phone),
    email: maskEmail(record.email),
    deviceId: record.device_id,
    accountId: record.account_id,
    mediaUrl: record.media_url,
    addressString: record.address_string,
    addressId: record.address_id,
    lat: record.lat,
    long: record.long,
    attributes: record.attributes,
    routedBy: record.routed_by,
  };
}

export interface RequesterContact {
  ticketId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * The full phone and email, for the roles that may read a household's numbers at the ticket's place
 * (the cadres and callback operators there); the read is written to the access log first.
 */
export async function revealRequester(
  ctx: ServiceContext,
  caller: Caller,
  req: { ticketId: string; reason?: string; requestId?: string },
): Promise<RequesterContact> {
  const { ticket, record } = await visibleRecord(ctx, caller, req.ticketId);
  if (!mayRevealContact(caller, placeOf(ticket))) throw new DomainError('forbidden', 'Your role sees requesters\' numbers masked only');
  await appendAccessLog(ctx.db, {
    countyId: caller.countyId,
    staffId: caller.staffId,
    householdId: ticket.household_id,
    ticketId: ticket.id,
    fields: ['requesterPhone', 'requesterEmail'],
    reason: req.reason ?? null,
    requestId: req.requestId ?? null,
    now: ctx.now(),
  });
  return { ticketId: ticket.id, name: displayName(record.first_name, record.last_name) ?? null, phone: record.phone, email: record.email };
}

const placeOf = (t: Ticket) => ({ county_id: t.county_id, path: t.unit_path });
