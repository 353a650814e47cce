// A resident's full phone and ID number, for the roles that need them; every read is written to the access log first.
import { appendAccessLog } from '../store/access-log.repository.js';
import { findHouseholdWithPath } from '../store/households.repository.js';
import { findTicket } from '../store/tickets.repository.js';
import { inPlaceScope, inTicketScope, mayRevealContact, type Caller } from './access.service.js';
import { DomainError } from './errors.js';
import type { ServiceContext } from './context.js';

export interface ContactRequest {
  householdId: string;
  /** The ticket the contact is for (a callback, a feedback visit), kept in the log. */
  ticketId?: string;
  reason?: string;
  requestId?: string;
}

export interface Contact {
  householdId: string;
  headName: string;
  phone: string | null;
  idNumber: string | null;
}

export async function revealContact(ctx: ServiceContext, caller: Caller, req: ContactRequest): Promise<Contact> {
  const household = await findHouseholdWithPath(ctx.db, caller.countyId, req.householdId);
  const place = household && { county_id: household.county_id, path: household.path };
  if (!household || !place || !inPlaceScope(caller, place)) {
    throw new DomainError('household_not_found', `No household ${req.householdId}`);
  }
  if (!mayRevealContact(caller, place)) {
    throw new DomainError('forbidden', 'Your role sees residents\' numbers masked only');
  }
  if (req.ticketId !== undefined) {
    const ticket = await findTicket(ctx.db, caller.countyId, req.ticketId);
    if (!ticket || !inTicketScope(caller, ticket) || ticket.household_id !== household.id) {
      throw new DomainError('unknown_ticket_reference', 'ticketId must be a ticket of this household that you can see');
    }
  }
  await appendAccessLog(ctx.db, {
    countyId: caller.countyId,
    staffId: caller.staffId,
    householdId: household.id,
    ticketId: req.ticketId ?? null,
    fields: ['phone', 'idNumber'],
    reason: req.reason ?? null,
    requestId: req.requestId ?? null,
    now: ctx.now(),
  });
  return { householdId: household.id, headName: household.head_name, phone: household.phone, idNumber: household.id_number };
}
