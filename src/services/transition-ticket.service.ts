// The one way a ticket changes state, for the API and the workers alike: lock, decide, persist, outbox.
import { decide, isFinal, restoreTicket, stateName, storeSnapshot, type Decision } from '../engine/ticket.lifecycle.js';
import { MACHINE_VERSION } from '../engine/ticket.machine.js';
import { TIMER_EVENTS, type EventActor, type TicketEvent } from '../engine/ticket.events.js';
import type { Transaction } from 'kysely';
import type { Database, Ticket } from '../store/database.js';
import type { Executor } from '../store/db.js';
import { findTicket, lockTicket, lockTickets } from '../store/tickets.repository.js';
import { saveTransition, saveTransitions, type TransitionWrite } from '../store/transition.repository.js';
import { findUnits } from '../store/directory.repository.js';
import { planEffects } from './effect-plan.service.js';
import { DomainError } from './errors.js';
import { assertMaySend, assertTicketVisible, inTicketScope, type Caller } from './access.service.js';
import type { ServiceContext } from './context.js';
import type { CountySettings } from './county-settings.service.js';

const timerEvents: readonly string[] = TIMER_EVENTS;
type TimerEventType = 'DEADLINE_WARNING' | 'DEADLINE_PASSED';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventInput = DistributiveOmit<TicketEvent, 'actor'>;

export interface TransitionRequest {
  countyId: string;
  ticketId: string;
  event: EventInput;
  actor: EventActor;
  actorName?: string;
  /** When given, the event applies only if the ticket is still at this version. */
  expectedVersion?: number;
  /** The authenticated caller (API): jurisdiction and event rights are checked on the locked row. Workers pass none. */
  caller?: Caller;
}

/** What the machine cannot judge: units and tickets named by an event, and times relative to now. */
async function checkReferences(ex: Executor, countyId: string, ticket: Ticket, event: EventInput, now: Date): Promise<void> {
  if (event.type === 'REQUEST_EXTENSION') {
    const until = new Date(event.until);
    const floor = ticket.due_at !== null && ticket.due_at > now ? ticket.due_at : now;
    if (!(until > floor)) throw new DomainError('invalid_payload', `An extension must end after ${floor.toISOString()}`);
  }
  if (event.type === 'DISPATCH' || event.type === 'REPORT_UP' || (event.type === 'TRIAGE' && event.mode === 'joint')) {
    const ids = [event.leadUnitId, ...(event.coUnitIds ?? [])].filter((x): x is string => typeof x === 'string' && x !== '');
    if (event.leadUnitId !== undefined && event.coUnitIds?.includes(event.leadUnitId)) {
      throw new DomainError('validation_failed', 'The lead department cannot also be a co-department');
    }
    const units = await findUnits(ex, countyId, ids);
    const departments = new Set(units.filter((u) => u.kind === 'department').map((u) => u.id));
    const missing = ids.filter((id) => !departments.has(id));
    if (missing.length > 0) throw new DomainError('unknown_unit', `Not a department of this county: ${missing.join(', ')}`);
  }
  if (event.type === 'MERGE') {
    const target = event.into === ticket.id ? undefined : await findTicket(ex, countyId, event.into);
    if (!target || target.closed_at !== null) {
      throw new DomainError('unknown_ticket_reference', 'MERGE needs another open ticket of this county');
    }
  }
}

export async function transitionTicket(ctx: ServiceContext, req: TransitionRequest): Promise<Ticket> {
  // Read before the transaction, not on the pool from inside it: with every pooled connection a
  // transaction waiting for that read (after the cache's TTL), nothing would ever move again.
  const settings = await ctx.settings.get(ctx.db, req.countyId);
  return ctx.db.transaction().execute((trx) => transitionInTransaction(ctx, trx, settings, req));
}

/**
 * The same transition on a transaction the caller holds (offline sync commits its record with the
 * event). Read the county's settings before opening that transaction (see transitionTicket).
 */
export async function transitionInTransaction(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  settings: CountySettings,
  req: TransitionRequest,
): Promise<Ticket> {
  const ticket = await lockTicket(trx, req.countyId, req.ticketId);
  if (!ticket) throw new DomainError('ticket_not_found', `No ticket ${req.ticketId}`);
  if (req.caller) assertTicketVisible(req.caller, ticket);
  if (req.expectedVersion !== undefined && req.expectedVersion !== ticket.version) {
    throw new DomainError('version_conflict', `Ticket is at version ${ticket.version}, not ${req.expectedVersion}`, {
      currentVersion: ticket.version,
    });
  }
  const { event, decision } = judge(ticket, req);
  const now = ctx.now();
  if (req.caller && req.event.type === 'MERGE') {
    // A ticket outside the caller's jurisdiction is no merge target: it does not exist for them.
    const target = await findTicket(trx, req.countyId, req.event.into);
    if (target && !inTicketScope(req.caller, target)) throw new DomainError('unknown_ticket_reference', 'MERGE needs another open ticket of this county');
  }
  await checkReferences(trx, req.countyId, ticket, req.event, now);
  const approvedUntil = decision.snapshot.context.extendedUntil;
  if (event.type === 'APPROVE_EXTENSION' && approvedUntil !== null && new Date(approvedUntil) <= now) {
    throw new DomainError('invalid_payload', 'The requested extension has already passed: deny it, or ask for a new one');
  }
  // Last: the lifecycle and the payload are judged first, so a 403 means "valid now, but not yours to send".
  if (req.caller) assertMaySend(req.caller, ticket, event.type);

  const updated = await saveTransition(trx, composeWrite(ctx, ticket, req, event, decision, settings, now));
  // The row lock makes this unreachable short of a bug; refuse rather than write a second history.
  if (!updated) throw new DomainError('version_conflict', 'Ticket changed during the transition');
  return updated;
}

type Accepted = Extract<Decision, { ok: true }>;

/** The machine's verdict on the event for the locked ticket; a refusal throws the API's DomainError. */
function judge(ticket: Ticket, req: Pick<TransitionRequest, 'event' | 'actor'>): { event: TicketEvent; decision: Accepted } {
  if (ticket.machine_version !== MACHINE_VERSION) {
    throw new DomainError('unsupported_machine_version', `Ticket snapshot has machine version ${ticket.machine_version}`);
  }
  const event = { ...req.event, actor: req.actor } as TicketEvent;
  const decision = decide(restoreTicket(ticket.snapshot), event);
  if (!decision.ok) {
    const message =
      decision.reason === 'event_not_allowed'
        ? `${event.type} is not allowed in state ${ticket.state}`
        : `${event.type} payload is not acceptable in state ${ticket.state}`;
    // People are offered only what people may send; timer events belong to the workers.
    const allowed = req.actor.kind === 'staff' ? decision.allowed.filter((e) => !timerEvents.includes(e)) : decision.allowed;
    throw new DomainError(decision.reason, message, { allowed });
  }
  return { event, decision };
}

/** The rows an accepted event writes: the ticket's new columns, its event, and the effects' outbox rows. */
function composeWrite(
  ctx: ServiceContext,
  ticket: Ticket,
  req: Pick<TransitionRequest, 'event' | 'actor' | 'actorName'>,
  event: TicketEvent,
  decision: Accepted,
  settings: CountySettings,
  now: Date,
): TransitionWrite {
  const next = decision.snapshot;
  const state = stateName(next);
  const version = ticket.version + 1;
  const plan = planEffects({
    ticket: {
      id: ticket.id, countyId: ticket.county_id, number: ticket.number, unitId: ticket.unit_id,
      category: ticket.category, priority: ticket.priority,
    },
    state,
    snapshot: next,
    version,
    effects: decision.effects,
    current: {
      dueAt: ticket.due_at, warnAt: ticket.warn_at, pausedAt: ticket.paused_at, uncovered: ticket.due_uncovered, basis: ticket.due_basis,
    },
    now,
    settings,
  });
  if (plan.uncovered && !ticket.due_uncovered) {
    ctx.log?.warn({ ticketId: ticket.id, dueAt: plan.dueAt }, 'deadline computed on plain weekdays: no calendar data for its year');
  }
  const c = next.context;
  const { type: _type, ...payload } = req.event;
  return {
    ticketId: ticket.id,
    version: ticket.version,
    patch: {
      state,
      snapshot: JSON.stringify(storeSnapshot(next)),
      mode: c.mode,
      level: c.level,
      warned: c.warned,
      overdue: c.overdue,
      clock: c.clock,
      // A recomputed deadline keeps its clock's start: the state was not entered again.
      entered_at: state !== ticket.state || (c.clock !== ticket.clock && event.type !== 'CALENDAR_LOADED') ? now : ticket.entered_at,
      due_at: plan.dueAt,
      warn_at: plan.warnAt,
      paused_at: plan.pausedAt,
      paused_ms: Number(ticket.paused_ms) + plan.pausedMsAdded,
      due_uncovered: plan.uncovered,
      due_basis: plan.basis === null ? null : JSON.stringify(plan.basis),
      lead_unit_id: c.leadUnitId,
      co_unit_ids: c.coUnitIds,
      reopen_count: c.reopenCount,
      updated_at: now,
      closed_at: isFinal(next) ? now : null,
    },
    event: {
      county_id: ticket.county_id,
      ticket_id: ticket.id,
      version,
      type: event.type,
      actor_kind: req.actor.kind,
      actor_id: req.actor.kind === 'staff' ? req.actor.staffId : null,
      actor_name: req.actor.kind === 'staff' ? (req.actorName ?? null) : req.actor.name,
      payload: JSON.stringify(payload),
      from_state: ticket.state,
      to_state: state,
      level: c.level,
      created_at: now,
    },
    outbox: plan.outbox,
  };
}

/** A due timer for the deadline worker: a warning (黄牌) or an escalation (红牌) of one clock and level. */
export interface TimerRequest {
  countyId: string;
  ticketId: string;
  event: Extract<EventInput, { type: TimerEventType }>;
}

/** Per timer: the ticket as written, or why the machine refused it (the timer is stale, or the ticket is gone). */
export type TimerOutcome = { ok: true; ticket: Ticket } | { ok: false; error: DomainError };

const workerActor: EventActor = { kind: 'system', name: 'deadline-worker' };

/**
 * Several due timers of different tickets in one transaction: the tickets are locked together (in id
 * order, so two batches never deadlock), each timer is judged by the machine exactly as
 * transitionTicket judges it, and every accepted one is written by a single statement. A timer the
 * machine refuses is that timer's outcome and does not disturb the others; any other error rolls the
 * whole batch back and is thrown (the caller then tries the timers one by one).
 *
 * Under a storm of due timers this is what keeps up: one commit, one lock statement and one write for
 * the batch instead of four round trips and a commit for each escalation.
 */
export async function applyTimerEvents(ctx: ServiceContext, reqs: readonly TimerRequest[]): Promise<TimerOutcome[]> {
  if (new Set(reqs.map((r) => r.ticketId)).size !== reqs.length) throw new Error('applyTimerEvents: one timer per ticket in a batch');
  const settings = new Map<string, CountySettings>();
  for (const countyId of new Set(reqs.map((r) => r.countyId))) settings.set(countyId, await ctx.settings.get(ctx.db, countyId));
  return ctx.db.transaction().execute(async (trx) => {
    const locked = new Map((await lockTickets(trx, reqs)).map((t) => [t.id, t]));
    const now = ctx.now();
    const outcomes: TimerOutcome[] = [];
    const writes: TransitionWrite[] = [];
    for (const req of reqs) {
      const ticket = locked.get(req.ticketId);
      const countySettings = settings.get(req.countyId);
      if (!ticket || ticket.county_id !== req.countyId || !countySettings) {
        outcomes.push({ ok: false, error: new DomainError('ticket_not_found', `No ticket ${req.ticketId}`) });
        continue;
      }
      const request = { event: req.event, actor: workerActor };
      try {
        const { event, decision } = judge(ticket, request);
        writes.push(composeWrite(ctx, ticket, request, event, decision, countySettings, now));
        outcomes.push({ ok: true, ticket });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        outcomes.push({ ok: false, error: err });
      }
    }
    const saved = new Map((await saveTransitions(trx, writes)).map((t) => [t.id, t]));
    // The row locks make a miss unreachable short of a bug; refuse the batch rather than write a second history.
    if (saved.size !== writes.length) throw new DomainError('version_conflict', 'A ticket changed during a batch of timers');
    return outcomes.map((o) => (o.ok ? { ok: true, ticket: saved.get(o.ticket.id) ?? o.ticket } : o));
  });
}
