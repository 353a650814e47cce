// 挂号: registers a resident's matter, optionally straight into a handling mode, once per idempotency key.
import { createHash } from 'node:crypto';
import { startTicket, stateName, storeSnapshot } from '../engine/ticket.lifecycle.js';
import { MACHINE_VERSION } from '../engine/ticket.machine.js';
import type { Mode } from '../engine/ticket.events.js';
import type { Transaction } from 'kysely';
import type { Database, Ticket } from '../store/database.js';
import type { Executor } from '../store/db.js';
import { findHousehold, findUnit, findUnits } from '../store/directory.repository.js';
import { findTicket, insertTicket, nextTicketNumber } from '../store/tickets.repository.js';
import { appendEvent } from '../store/ticket-events.repository.js';
import { insertOutbox } from '../store/outbox.repository.js';
import { claimIdempotencyKey, findIdempotencyKey } from '../store/idempotency.repository.js';
import { uuidv7 } from '../store/uuidv7.js';
import { planEffects } from './effect-plan.service.js';
import { DomainError } from './errors.js';
import { assertMayRegister, assertMayRegisterAt, inPlaceScope, type Caller, assertTicketVisible } from './access.service.js';
import type { ServiceContext, StaffActor } from './context.js';
import type { CountySettings } from './county-settings.service.js';
import { findActiveLink } from '../store/linkage.repository.js';

export interface RegisterInput {
  unitId?: string;
  householdId?: string;
  category: string;
  priority?: 'normal' | 'urgent';
  description: string;
  source?: string;
  mode?: Mode;
  leadUnitId?: string;
  coUnitIds?: string[];
}

export interface RegisterRequest {
  actor: StaffActor;
  actorName?: string;
  input: RegisterInput;
  idempotencyKey?: string;
  /** The authenticated caller (API): the place must be in their jurisdiction. */
  caller?: Caller;
}

// Beijing time decides which year's number series a ticket joins.
const yearInChina = (d: Date): number => new Date(d.getTime() + 8 * 3600_000).getUTCFullYear();

const hashOf = (input: RegisterInput): string =>
  createHash('sha256')
    .update(JSON.stringify(input, Object.keys(input).sort()))
    .digest('hex');

class KeyTaken extends Error {}

async function resolvePlace(ex: Executor, countyId: string, input: RegisterInput) {
  const household = input.householdId ? await findHousehold(ex, countyId, input.householdId) : undefined;
  if (input.householdId && !household) throw new DomainError('unknown_household', `No household ${input.householdId} in this county`);
  const unitId = input.unitId ?? household?.unit_id;
  if (!unitId) throw new DomainError('validation_failed', 'Give unitId or householdId');
  const unit = await findUnit(ex, countyId, unitId);
  if (!unit || unit.kind === 'department') throw new DomainError('unknown_unit', `No town, village or group ${unitId} in this county`);
  if (input.mode === 'joint') {
    if (!input.leadUnitId) throw new DomainError('validation_failed', 'Joint handling needs leadUnitId');
    const ids = [input.leadUnitId, ...(input.coUnitIds ?? [])];
    if (input.coUnitIds?.includes(input.leadUnitId)) throw new DomainError('validation_failed', 'The lead department cannot also be a co-department');
    const departments = (await findUnits(ex, countyId, ids)).filter((u) => u.kind === 'department');
    if (departments.length !== new Set(ids).size) throw new DomainError('unknown_unit', 'leadUnitId and coUnitIds must be departments of this county');
  } else if (input.leadUnitId || input.coUnitIds?.length) {
    throw new DomainError('validation_failed', 'leadUnitId and coUnitIds go with mode joint only');
  }
  return { unit, household };
}

async function replay(ctx: ServiceContext, req: RegisterRequest, key: string, hash: string): Promise<Ticket | undefined> {
  const found = await findIdempotencyKey(ctx.db, req.actor.staffId, key);
  if (!found) return undefined;
  if (found.requestHash !== hash) throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with another body');
  const earlier = await findTicket(ctx.db, req.actor.countyId, found.ticketId);
  // A replay is a read: the caller must still be allowed to see the ticket (another token, a moved cadre).
  if (earlier && req.caller) assertTicketVisible(req.caller, earlier);
  return earlier;
}

export async function registerTicket(ctx: ServiceContext, req: RegisterRequest): Promise<{ ticket: Ticket; replayed: boolean }> {
  const { actor, input, idempotencyKey } = req;
  const hash = hashOf(input);
  if (idempotencyKey) {
    const earlier = await replay(ctx, req, idempotencyKey, hash);
    if (earlier) return { ticket: earlier, replayed: true };
  }
  try {
    // Read before the transaction: a read on the pool from inside one deadlocks once every pooled
    // connection is a transaction waiting for it (the counter lock queues them all behind the first).
    const settings = await ctx.settings.get(ctx.db, actor.countyId);
    const ticket = await ctx.db.transaction().execute((trx) => registerInTransaction(ctx, trx, settings, req, hash));
    return { ticket, replayed: false };
  } catch (err) {
    // A concurrent request with the same key won: ours rolled back, answer with theirs.
    if (err instanceof KeyTaken && idempotencyKey) {
      const earlier = await replay(ctx, req, idempotencyKey, hash);
      if (earlier) return { ticket: earlier, replayed: true };
    }
    throw err;
  }
}

/**
 * Registers on a transaction the caller holds (a visit and its tickets commit together). Read the
 * county's settings before opening that transaction (see registerTicket). Idempotency keys are
 * claimed here but replayed only by registerTicket.
 */
export async function registerInTransaction(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  settings: CountySettings,
  req: RegisterRequest,
  hash = hashOf(req.input),
): Promise<Ticket> {
  const { actor, input, idempotencyKey } = req;
  const { unit, household } = await resolvePlace(trx, actor.countyId, input);
  if (req.caller) {
    assertMayRegister(req.caller);
    // A household outside the caller's places is as unknown as one that does not exist.
    const home = household && (household.unit_id === unit.id ? unit : await findUnit(trx, actor.countyId, household.unit_id));
    if (household && (!home || !inPlaceScope(req.caller, home))) {
      throw new DomainError('unknown_household', `No household ${household.id} in this county`);
    }
    assertMayRegisterAt(req.caller, unit);
  }
  const now = ctx.now();
  const id = uuidv7(now.getTime());
  const { snapshot, effects } = startTicket({ mode: input.mode, leadUnitId: input.leadUnitId, coUnitIds: input.coUnitIds });
  const state = stateName(snapshot);
  const number = await nextTicketNumber(trx, actor.countyId, yearInChina(now));
  const category = input.category;
  const priority = input.priority ?? 'normal';
  const plan = planEffects({
    ticket: { id, countyId: actor.countyId, number, unitId: unit.id, category, priority },
    state,
    snapshot,
    version: 1,
    effects,
    current: { dueAt: null, warnAt: null, pausedAt: null, uncovered: false, basis: null },
    now,
    settings,
  });
  if (plan.uncovered) ctx.log?.warn({ ticketId: id, dueAt: plan.dueAt }, 'deadline computed on plain weekdays: no calendar data for its year');
  const c = snapshot.context;
  const row = await insertTicket(trx, {
    id,
    county_id: actor.countyId,
    number,
    unit_id: unit.id,
    unit_path: unit.path,
    household_id: household?.id ?? null,
  // The household's linked cadre (包联) handles it; re-linking moves it (linkage.service).
  cadre_id: household ? ((await findActiveLink(trx, actor.countyId, household.id))?.cadre_id ?? null) : null,
    category,
    priority,
    description: input.description,
    source: input.source ?? 'visit',
    mode: c.mode,
    state,
    snapshot: JSON.stringify(storeSnapshot(snapshot)),
    machine_version: MACHINE_VERSION,
    level: c.level,
    warned: c.warned,
    overdue: c.overdue,
    clock: c.clock,
    entered_at: now,
    due_at: plan.dueAt,
    warn_at: plan.warnAt,
    due_uncovered: plan.uncovered,
    due_basis: plan.basis === null ? null : JSON.stringify(plan.basis),
    lead_unit_id: c.leadUnitId,
    co_unit_ids: c.coUnitIds,
    reopen_count: 0,
    version: 1,
    created_by: actor.staffId,
    created_at: now,
    updated_at: now,
    closed_at: null,
  });
  await appendEvent(trx, {
    county_id: actor.countyId,
    ticket_id: id,
    version: 1,
    type: 'REGISTER',
    actor_kind: 'staff',
    actor_id: actor.staffId,
    actor_name: req.actorName ?? null,
    payload: JSON.stringify(input),
    from_state: null,
    to_state: state,
    level: c.level,
    created_at: now,
  });
  await insertOutbox(trx, plan.outbox);
  if (idempotencyKey) {
    const claimed = await claimIdempotencyKey(trx, {
      countyId: actor.countyId, staffId: actor.staffId, key: idempotencyKey, requestHash: hash, ticketId: id,
    });
    if (!claimed) throw new KeyTaken();
  }
  return row;
}
