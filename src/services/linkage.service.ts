// 包联: link a household to a cadre (re-linking keeps history and moves its open tickets), cadre status board.
import { appendEvent } from '../store/ticket-events.repository.js';
import { findStaff, findUnit } from '../store/directory.repository.js';
import { findHouseholdWithPath } from '../store/households.repository.js';
import {
  closeLink, findActiveLink, insertLink, listCadresUnder, lockHousehold, lockOpenTicketsOfHousehold, lockStaffForLink, setCadreStatus,
  type CadreBoardRow,
} from '../store/linkage.repository.js';
import type { CadreStatus } from '../store/linkage.tables.js';
import type { Executor } from '../store/db.js';
import type { Ticket } from '../store/database.js';
import { uuidv7 } from '../store/uuidv7.js';
import { updateTicket } from '../store/tickets.repository.js';
import { DomainError } from './errors.js';
import { isUnder, type Caller } from './access.service.js';
import type { ServiceContext } from './context.js';

const TOWN_ROLES = ['town_dispatcher', 'town_supervisor'] as const;
const isTownOffice = (c: Caller): boolean => c.kind === 'staff' && c.roles.some((r) => (TOWN_ROLES as readonly string[]).includes(r));

export interface LinkResult {
  householdId: string;
  cadreId: string;
  from: Date;
  previousCadreId: string | null;
  movedTicketIds: string[];
}

/**
 * Links a household to a cadre of the caller's town. An earlier link is closed (its `to` is now) and
 * the household's open tickets move to the new cadre, each with a RELINK event in the audit trail.
 * RELINK is recorded beside the lifecycle, not through it: the state and its clock do not change.
 */
export async function linkHousehold(ctx: ServiceContext, caller: Caller, householdId: string, cadreId: string): Promise<LinkResult> {
  if (!isTownOffice(caller)) throw new DomainError('forbidden', 'Only the town office links households to cadres');
  const household = await findHouseholdWithPath(ctx.db, caller.countyId, householdId);
  if (!household || !isUnder(household.path, caller.unitPath)) throw new DomainError('household_not_found', `No household ${householdId}`);
  const cadre = await findStaff(ctx.db, cadreId);
  const cadreUnit = cadre && cadre.county_id === caller.countyId ? await findUnit(ctx.db, caller.countyId, cadre.unit_id) : undefined;
  if (!cadre || !cadre.active || !cadre.roles.includes('cadre') || !cadreUnit || !isUnder(cadreUnit.path, caller.unitPath)) {
    throw new DomainError('unknown_cadre', `No active cadre ${cadreId} in your town`);
  }
  return ctx.db.transaction().execute(async (trx) => {
    await lockHousehold(trx, caller.countyId, householdId);
    // Checked again under the cadre's row lock: a staff import may have changed them since.
    const current = await lockStaffForLink(trx, cadreId);
    if (!current || !current.active || !current.roles.includes('cadre') || current.unit_id !== cadre.unit_id) {
      throw new DomainError('unknown_cadre', `No active cadre ${cadreId} in your town`);
    }
    const now = ctx.now();
    const active = await findActiveLink(trx, caller.countyId, householdId);
    if (active?.cadre_id === cadreId) {
      return { householdId, cadreId, from: active.valid_from, previousCadreId: null, movedTicketIds: [] };
    }
    if (active) await closeLink(trx, active.id, now);
    await insertLink(trx, {
      id: uuidv7(now.getTime()), county_id: caller.countyId, household_id: householdId, cadre_id: cadreId,
      valid_from: now, valid_to: null, linked_by: caller.staffId,
    });
    const moved: string[] = [];
    for (const ticket of await lockOpenTicketsOfHousehold(trx, caller.countyId, householdId)) {
      if (ticket.cadre_id === cadreId) continue;
      await moveTicketToCadre(trx, ticket, cadreId, { kind: 'staff', staffId: caller.staffId, name: caller.name }, now);
      moved.push(ticket.id);
    }
    return { householdId, cadreId, from: now, previousCadreId: active?.cadre_id ?? null, movedTicketIds: moved };
  });
}

export type RelinkActor = { kind: 'staff'; staffId: string; name: string | null } | { kind: 'system'; name: string };

/**
 * Hands a locked open ticket to the household's new cadre, with a RELINK event in its audit trail: one
 * way for the link route and the CSV import alike. Recorded beside the lifecycle, not through it: the
 * state and its clock do not change.
 */
export async function moveTicketToCadre(
  trx: Executor,
  ticket: Ticket,
  cadreId: string,
  actor: RelinkActor,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const updated = await updateTicket(trx, ticket.id, ticket.version, { cadre_id: cadreId, updated_at: now });
  if (!updated) throw new DomainError('version_conflict', 'A ticket changed while its household was re-linked; try again');
  await appendEvent(trx, {
    county_id: ticket.county_id,
    ticket_id: ticket.id,
    version: updated.version,
    type: 'RELINK',
    actor_kind: actor.kind,
    actor_id: actor.kind === 'staff' ? actor.staffId : null,
    actor_name: actor.name,
    payload: JSON.stringify({ householdId: ticket.household_id, fromCadreId: ticket.cadre_id, toCadreId: cadreId, ...extra }),
    from_state: ticket.state,
    to_state: ticket.state,
    level: ticket.level,
    created_at: now,
  });
}

export async function setMyStatus(ctx: ServiceContext, caller: Caller, status: CadreStatus): Promise<{ status: CadreStatus; setAt: Date }> {
  if (caller.kind !== 'staff' || !caller.roles.includes('cadre')) throw new DomainError('forbidden', 'Only cadres have a status');
  const setAt = ctx.now();
  await setCadreStatus(ctx.db, { staff_id: caller.staffId, county_id: caller.countyId, status, set_at: setAt });
  return { status, setAt };
}

/** The status board of a town (or a village under it): for its town office and the county. */
export async function cadreBoard(ctx: ServiceContext, caller: Caller, unitId: string): Promise<CadreBoardRow[]> {
  const unit = await findUnit(ctx.db, caller.countyId, unitId);
  if (!unit || unit.kind === 'department') throw new DomainError('unknown_unit', `No town, village or group ${unitId} in this county`);
  const county = caller.roles.includes('county_supervisor') || caller.roles.includes('county_admin');
  if (!county && !(isTownOffice(caller) && isUnder(unit.path, caller.unitPath))) {
    throw new DomainError('outside_jurisdiction', `Unit ${unitId} is outside your jurisdiction`);
  }
  return listCadresUnder(ctx.db, caller.countyId, unit.path);
}
