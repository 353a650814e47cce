// 民情日志: record a cadre's visit to a household and open its tickets, all in one transaction or nothing.
import type { Transaction } from 'kysely';
import type { Database, Ticket } from '../store/database.js';
import type { MustAttend, Visit, VisitChannel } from '../store/linkage.tables.js';
import { findHouseholdWithPath } from '../store/households.repository.js';
import { findVisitByClientId, insertVisit } from '../store/visits.repository.js';
import { uuidv7 } from '../store/uuidv7.js';
import { DomainError } from './errors.js';
import { inPlaceScope, type Caller } from './access.service.js';
import { registerInTransaction, type RegisterInput } from './register-ticket.service.js';
import type { ServiceContext, StaffActor } from './context.js';
import type { CountySettings } from './county-settings.service.js';

export interface VisitInput {
  householdId: string;
  channel: VisitChannel;
  visitedAt?: string;
  notes?: string;
  /** The household's confirmation: a code it gives, or a reference to a photo of its signature. */
  confirmationCode?: string;
  photoRef?: string;
  mustAttend?: MustAttend;
  deviceTime?: string;
  clientId?: string;
  tickets?: VisitTicketInput[];
}

/** A ticket opened by a visit: its household is the visit's, its source `visit`. */
export type VisitTicketInput = Omit<RegisterInput, 'householdId' | 'unitId' | 'source'>;

export interface VisitRequest {
  actor: StaffActor;
  actorName?: string;
  caller: Caller;
  input: VisitInput;
}

// A device clock may run a little ahead of the server's; more than this is a wrong visit time.
const CLOCK_SKEW_MS = 5 * 60_000;

const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

/** Who records visits: cadres, and only as staff (an integration token never does). */
function assertMayRecordVisit(caller: Caller): void {
  if (caller.kind !== 'staff' || !caller.roles.includes('cadre')) throw new DomainError('forbidden', 'Only cadres record visits');
}

export async function recordVisit(ctx: ServiceContext, req: VisitRequest): Promise<{ visit: Visit; replayed: boolean }> {
  const { actor, caller, input } = req;
  assertMayRecordVisit(caller);
  if (input.clientId) {
    const earlier = await findVisitByClientId(ctx.db, actor.countyId, actor.staffId, input.clientId);
    if (earlier) return { visit: earlier, replayed: true };
  }
  // Read before the transaction, as registerTicket does.
  const settings = await ctx.settings.get(ctx.db, actor.countyId);
  try {
    const { visit } = await ctx.db.transaction().execute((trx) => recordVisitInTransaction(ctx, trx, settings, req));
    return { visit, replayed: false };
  } catch (err) {
    // The same client id raced in another request and won: answer with its visit.
    if (input.clientId && isUniqueViolation(err)) {
      const earlier = await findVisitByClientId(ctx.db, actor.countyId, actor.staffId, input.clientId);
      if (earlier) return { visit: earlier, replayed: true };
    }
    throw err;
  }
}

/**
 * Records the visit and opens its tickets on a transaction the caller holds (offline sync commits
 * its records with them). Read the county's settings before opening that transaction. A client id
 * is stored but not replayed here: recordVisit and the sync service look for it first.
 */
export async function recordVisitInTransaction(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  settings: CountySettings,
  req: VisitRequest,
): Promise<{ visit: Visit; tickets: Ticket[] }> {
  const { actor, caller, input } = req;
  assertMayRecordVisit(caller);
  const household = await findHouseholdWithPath(trx, actor.countyId, input.householdId);
  if (!household || !inPlaceScope(caller, { county_id: household.county_id, path: household.path })) {
    throw new DomainError('household_not_found', `No household ${input.householdId}`);
  }
  const now = ctx.now();
  const visitedAt = input.visitedAt ? new Date(input.visitedAt) : now;
  if (visitedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new DomainError('invalid_payload', 'visitedAt is in the future');
  const tickets: Ticket[] = [];
  for (const ticket of input.tickets ?? []) {
    tickets.push(
      await registerInTransaction(ctx, trx, settings, {
        actor, actorName: req.actorName, caller, input: { ...ticket, householdId: household.id, source: 'visit' },
      }),
    );
  }
  const visit = await insertVisit(trx, {
    id: uuidv7(now.getTime()),
    county_id: actor.countyId,
    cadre_id: actor.staffId,
    household_id: household.id,
    visited_at: visitedAt,
    channel: input.channel,
    notes: input.notes ?? '',
    confirmation_code: input.confirmationCode ?? null,
    photo_ref: input.photoRef ?? null,
    // Unconfirmed visits are kept, but only confirmed ones count as coverage.
    confirmed: Boolean(input.confirmationCode || input.photoRef),
    must_attend: input.mustAttend ?? null,
    device_time: input.deviceTime ? new Date(input.deviceTime) : null,
    client_id: input.clientId ?? null,
    ticket_ids: tickets.map((t) => t.id),
    created_at: now,
  });
  return { visit, tickets };
}
