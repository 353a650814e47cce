// Offline sync (离线同步): applies a batch of visits, tickets and events made offline, in order, each item once.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { TIMER_EVENTS } from '../engine/ticket.events.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/db.js';
import type { NewSyncRecord, SyncKind, SyncRecord } from '../store/sync.tables.js';
import { claimSyncRecord, claimVisitTicketRecord, findSyncRecord, findTicketNumber, findVisitTickets, updateSyncRecord } from '../store/sync.repository.js';
import { findVisitByClientId } from '../store/visits.repository.js';
import { DomainError } from './errors.js';
import type { Caller } from './access.service.js';
import type { ServiceContext, StaffActor } from './context.js';
import type { CountySettings } from './county-settings.service.js';
import { registerInTransaction, type RegisterInput } from './register-ticket.service.js';
import { transitionInTransaction, type EventInput } from './transition-ticket.service.js';
import { recordVisitInTransaction, type VisitInput, type VisitTicketInput } from './visit.service.js';

export const MAX_SYNC_ITEMS = 500;

export type SyncItemKind = 'visit' | 'ticket' | 'event';

export interface SyncVisitInput extends Omit<VisitInput, 'clientId' | 'deviceTime' | 'tickets'> {
  /** A ticket's clientId lets later items (ticketClientId) send it events before its id is known. */
  tickets?: Array<VisitTicketInput & { clientId?: string }>;
}

interface ItemBase {
  clientId: string;
  deviceTime: string;
  /** The item as the device sent it: its hash tells a retry from a client id reused for something else. */
  sent: unknown;
}

export type SyncItem = ItemBase &
  (
    | { kind: 'visit'; input: SyncVisitInput }
    | { kind: 'ticket'; input: RegisterInput }
    | { kind: 'event'; target: { ticketId: string } | { ticketClientId: string }; event: EventInput; expectedVersion?: number }
    /** Its fields failed validation: refused on its own, the rest of the batch still applies. */
    | { kind: SyncItemKind; invalid: string }
  );

export interface SyncRequest {
  actor: StaffActor;
  actorName?: string;
  caller: Caller;
  deviceId?: string;
  items: SyncItem[];
}

export interface SyncResult {
  clientId: string;
  status: 'applied' | 'replayed' | 'refused';
  /** On a refusal: it is the one remembered from an earlier send of this item. */
  replayed?: boolean;
  code?: string;
  message?: string;
  ticketId?: string;
  ticketNumber?: string;
  visitId?: string;
  version?: number;
  /** A visit's tickets, in the order sent, with the client ids the device gave them. */
  tickets?: Array<{ clientId: string | null; ticketId: string; ticketNumber: string }>;
  /** When the server applied (or refused) the item; a replay answers the first time. */
  serverTime: string;
}

const timerEvents: readonly string[] = TIMER_EVENTS;

// Keys sorted at every level: the same item hashes the same whatever order the device wrote its fields in.
const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, canonical(x)]),
  );
};
const hashOf = (sent: unknown): string => createHash('sha256').update(JSON.stringify(canonical(sent))).digest('hex');

const clientIdsOf = (item: SyncItem): string[] => [
  item.clientId,
  ...(item.kind === 'visit' && 'input' in item ? (item.input.tickets ?? []).flatMap((t) => (t.clientId ? [t.clientId] : [])) : []),
];

/** Applies the items in order, each in its own transaction with its sync record; a refusal stops nothing. */
export async function syncBatch(ctx: ServiceContext, req: SyncRequest): Promise<SyncResult[]> {
  if (req.caller.kind !== 'staff') throw new DomainError('forbidden', 'Only staff members sync offline work');
  if (req.items.length > MAX_SYNC_ITEMS) throw new DomainError('validation_failed', `A batch holds at most ${MAX_SYNC_ITEMS} items`);
  const seen = new Set<string>();
  for (const id of req.items.flatMap(clientIdsOf)) {
    // Checked before anything applies: with two items under one id, which one a retry means is unknowable.
    if (seen.has(id)) throw new DomainError('duplicate_client_id', `clientId ${id} appears twice in this batch`);
    seen.add(id);
  }
  // Read before any item's transaction (see registerTicket); one batch, one county.
  const settings = await ctx.settings.get(ctx.db, req.actor.countyId);
  const results: SyncResult[] = [];
  for (const item of req.items) results.push(await syncItem(ctx, settings, req, item));
  return results;
}

async function syncItem(ctx: ServiceContext, settings: CountySettings, req: SyncRequest, item: SyncItem): Promise<SyncResult> {
  const hash = hashOf(item.sent);
  const earlier = await findSyncRecord(ctx.db, req.actor.staffId, item.clientId);
  if (earlier) return replay(ctx.db, earlier, hash);
  try {
    if ('invalid' in item) throw new DomainError('validation_failed', item.invalid);
    return await ctx.db.transaction().execute((trx) => applyItem(ctx, trx, settings, req, item, hash));
  } catch (err) {
    // Anything else (the database gone, a bug) ends the batch with a 500: what committed replays on the retry.
    if (!(err instanceof DomainError)) throw err;
    return refuse(ctx, req, item, hash, err);
  }
}

type ValidItem = Exclude<SyncItem, { invalid: string }>;
type VisitItem = Extract<ValidItem, { kind: 'visit' }>;

async function applyItem(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  settings: CountySettings,
  req: SyncRequest,
  item: ValidItem,
  hash: string,
): Promise<SyncResult> {
  const { staffId } = req.actor;
  const claimed = await claimSyncRecord(trx, recordOf(ctx, req, item, item.kind, hash));
  if (!claimed) {
    // A concurrent send of the same item committed first (the claim waited for it): answer with its result.
    const other = await findSyncRecord(trx, staffId, item.clientId);
    if (other) return replay(trx, other, hash);
    throw new Error(`sync record ${item.clientId} vanished after a conflicting claim`);
  }
  switch (item.kind) {
    case 'visit':
      return applyVisit(ctx, trx, settings, req, item);
    case 'ticket': {
      const ticket = await registerInTransaction(ctx, trx, settings, { actor: req.actor, actorName: req.actorName, caller: req.caller, input: item.input });
      return answer(trx, await updateSyncRecord(trx, staffId, item.clientId, { ticket_id: ticket.id, version: ticket.version }), false);
    }
    case 'event': {
      if (timerEvents.includes(item.event.type)) throw new DomainError('worker_only_event', `${item.event.type} is sent by the system only (deadline workers, calendar loads)`);
      const ticketId = 'ticketId' in item.target ? item.target.ticketId : await ticketOfClientId(trx, staffId, item.target.ticketClientId);
      const ticket = await transitionInTransaction(ctx, trx, settings, {
        countyId: req.actor.countyId,
        ticketId,
        event: item.event,
        actor: { kind: 'staff', staffId },
        actorName: req.actorName,
        expectedVersion: item.expectedVersion,
        caller: req.caller,
      });
      return answer(trx, await updateSyncRecord(trx, staffId, item.clientId, { ticket_id: ticket.id, version: ticket.version }), false);
    }
  }
}

async function applyVisit(ctx: ServiceContext, trx: Transaction<Database>, settings: CountySettings, req: SyncRequest, item: VisitItem): Promise<SyncResult> {
  const { countyId, staffId } = req.actor;
  const { tickets: sentTickets = [], ...fields } = item.input;
  // Recorded before through POST /v1/visits under the same client id: this is its retry.
  const posted = await findVisitByClientId(trx, countyId, staffId, item.clientId);
  if (posted) {
    // Paired by order, as the visit opened them; with another count the pairing would be a guess.
    const [opened, sent] = [posted.ticket_ids.length, sentTickets.length];
    if (opened !== sent) throw new DomainError('idempotency_key_reused', `Visit ${item.clientId} was posted with ${opened} ticket(s); this item sends ${sent}`);
    // Without these records, later items naming the tickets by ticketClientId could never apply.
    // Version 1: the visit left each ticket at its REGISTER, as the fresh path below records it.
    await claimVisitTickets(ctx, trx, req, item, posted.id, posted.ticket_ids.map((ticketId) => ({ id: ticketId, version: 1 })));
    return answer(trx, await updateSyncRecord(trx, staffId, item.clientId, { visit_id: posted.id }), true);
  }
  const now = ctx.now();
  const deviceTime = new Date(item.deviceTime);
  const { visit, tickets } = await recordVisitInTransaction(ctx, trx, settings, {
    actor: req.actor,
    actorName: req.actorName,
    caller: req.caller,
    input: {
      ...fields,
      // Made offline: it happened when the device says, unless that is later than now (a clock running ahead).
      visitedAt: fields.visitedAt ?? (deviceTime < now ? deviceTime : now).toISOString(),
      deviceTime: item.deviceTime,
      clientId: item.clientId,
      tickets: sentTickets.map(({ clientId: _clientId, ...ticket }) => ticket),
    },
  });
  await claimVisitTickets(ctx, trx, req, item, visit.id, tickets);
  return answer(trx, await updateSyncRecord(trx, staffId, item.clientId, { visit_id: visit.id }), false);
}

/**
 * Records the visit's tickets under the client ids the device gave them (`tickets[i]` pairs with
 * `sent[i]`). A record already naming the same ticket of the same visit is this claim made before,
 * so it stands; one naming anything else means the client id was used for another item.
 */
async function claimVisitTickets(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  req: SyncRequest,
  item: VisitItem,
  visitId: string,
  tickets: ReadonlyArray<{ id: string; version: number }>,
): Promise<void> {
  const sent = item.input.tickets ?? [];
  for (const [i, ticket] of tickets.entries()) {
    const clientId = sent[i]?.clientId;
    if (!clientId) continue;
    const claim = recordOf(ctx, req, { clientId, deviceTime: item.deviceTime }, 'visit_ticket', null);
    const record = { ...claim, ticket_id: ticket.id, visit_id: visitId, version: ticket.version };
    if (!(await claimVisitTicketRecord(trx, record))) throw new DomainError('idempotency_key_reused', `clientId ${clientId} was already used by another item`);
  }
}

/** The ticket a ticket item (or a ticket of a visit item) of this staff member made, in this batch or an earlier one. */
async function ticketOfClientId(ex: Executor, staffId: string, clientId: string): Promise<string> {
  const rec = await findSyncRecord(ex, staffId, clientId);
  if (rec?.outcome === 'refused') {
    throw new DomainError('unknown_ticket_reference', `ticketClientId ${clientId} names an item that was refused (${rec.code ?? ''}): it made no ticket`);
  }
  if (!rec || (rec.kind !== 'ticket' && rec.kind !== 'visit_ticket') || rec.ticket_id === null) {
    throw new DomainError('unknown_ticket_reference', `No ticket was made under ticketClientId ${clientId}`);
  }
  return rec.ticket_id;
}

function recordOf(
  ctx: ServiceContext,
  req: SyncRequest,
  item: { clientId: string; deviceTime: string },
  kind: SyncKind,
  hash: string | null,
): NewSyncRecord {
  return {
    county_id: req.actor.countyId,
    staff_id: req.actor.staffId,
    client_id: item.clientId,
    device_id: req.deviceId ?? null,
    kind,
    outcome: 'applied',
    code: null,
    message: null,
    request_hash: hash,
    ticket_id: null,
    visit_id: null,
    version: null,
    device_time: new Date(item.deviceTime),
    received_at: ctx.now(),
  };
}

/**
 * A refusal is remembered, so a retry answers it again rather than applying the item later, out of
 * the order the cadre made it in. Server faults (5xx codes) are not: the item is tried again next time.
 */
async function refuse(ctx: ServiceContext, req: SyncRequest, item: SyncItem, hash: string, err: DomainError): Promise<SyncResult> {
  const refusal: SyncResult = { clientId: item.clientId, status: 'refused', code: err.code, message: err.message, serverTime: ctx.now().toISOString() };
  if (err.status >= 500) {
    ctx.log?.error({ err, clientId: item.clientId }, 'sync item failed on the server');
    return { ...refusal, message: 'Internal error' };
  }
  const record = { ...recordOf(ctx, req, item, item.kind, hash), outcome: 'refused' as const, code: err.code, message: err.message };
  if (await claimSyncRecord(ctx.db, record)) return refusal;
  // A concurrent send of the same item got there first.
  const other = await findSyncRecord(ctx.db, req.actor.staffId, item.clientId);
  return other ? replay(ctx.db, other, hash) : refusal;
}

async function replay(ex: Executor, rec: SyncRecord, hash: string): Promise<SyncResult> {
  if (rec.request_hash !== hash) {
    // Not remembered: the record belongs to the first item under this id.
    return {
      clientId: rec.client_id,
      status: 'refused',
      code: 'idempotency_key_reused',
      message: `clientId ${rec.client_id} was already used by another item`,
      serverTime: rec.received_at.toISOString(),
    };
  }
  return answer(ex, rec, true);
}

/** The answer to an item, from its record: the first send and every retry read it the same way. */
async function answer(ex: Executor, rec: SyncRecord, replayed: boolean): Promise<SyncResult> {
  const base = { clientId: rec.client_id, serverTime: rec.received_at.toISOString() };
  if (rec.outcome === 'refused') {
    return { ...base, status: 'refused', code: rec.code ?? undefined, message: rec.message ?? undefined, ...(replayed ? { replayed } : {}) };
  }
  const status = replayed ? 'replayed' : 'applied';
  if (rec.visit_id !== null && rec.kind === 'visit') {
    const tickets = await findVisitTickets(ex, rec.county_id, rec.visit_id);
    return { ...base, status, visitId: rec.visit_id, tickets };
  }
  if (rec.ticket_id === null) throw new Error(`sync record ${rec.client_id} has no effect`);
  const ticketNumber = await findTicketNumber(ex, rec.county_id, rec.ticket_id);
  return { ...base, status, ticketId: rec.ticket_id, ticketNumber, version: rec.version ?? undefined };
}
