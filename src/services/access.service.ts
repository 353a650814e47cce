// Who may see and do what: roles, jurisdiction grants and event rights, in one place (docs/SECURITY.md has the table).
import type { TicketEventType } from '../engine/ticket.events.js';
import type { PlaceGrant, TicketGrant } from '../store/jurisdiction.filter.js';
import type { UnitKind } from '../store/database.js';
import { DomainError } from './errors.js';

export const ROLES = [
  'cadre',
  'village',
  'town_dispatcher',
  'town_supervisor',
  'department',
  'county_supervisor',
  'county_admin',
  'integration',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** The authenticated caller, loaded fresh from the database on every request. */
export interface Caller {
  kind: 'staff' | 'integration';
  staffId: string;
  countyId: string;
  name: string;
  unitId: string;
  /** ltree path of the caller's unit (for an API token: of the token's unit). */
  unitPath: string;
  unitKind: UnitKind;
  roles: Role[];
  /** Login session (staff) or API token id (integration). */
  sessionId: string;
}

// Grants are data: the store turns them into SQL for lists (jurisdiction.filter.ts), `inTicketScope`
// applies the same grants to one row. The grants of all the caller's roles are OR-ed; none sees nothing.
const COUNTY_ROLES: readonly Role[] = ['county_supervisor', 'county_admin'];
const SUBTREE_ROLES: readonly Role[] = ['village', 'town_dispatcher', 'town_supervisor', 'integration'];

export function ticketGrants(c: Caller): TicketGrant[] {
  const grants: TicketGrant[] = [];
  for (const role of c.roles) {
    if (COUNTY_ROLES.includes(role)) grants.push({ kind: 'county' });
    else if (SUBTREE_ROLES.includes(role)) grants.push({ kind: 'subtree', path: c.unitPath });
    else if (role === 'department') grants.push({ kind: 'department', unitId: c.unitId });
    else if (role === 'cadre') {
      // The households linked to them (包联); a ticket whose household has no linked cadre, by their group.
      grants.push({ kind: 'cadre', staffId: c.staffId, path: c.unitPath }, { kind: 'creator', staffId: c.staffId });
    }
  }
  return grants;
}

/**
 * A cadre linked to a group works in its village: they may register a matter a neighbour of another
 * group brings up (and then see that ticket as its creator), but see other groups' tickets only so.
 */
const cadrePlace = (c: Caller): string =>
  c.unitKind === 'group' && c.unitPath.includes('.') ? c.unitPath.slice(0, c.unitPath.lastIndexOf('.')) : c.unitPath;

export function placeGrants(c: Caller): PlaceGrant[] {
  const grants: PlaceGrant[] = [];
  for (const role of c.roles) {
    if (COUNTY_ROLES.includes(role)) grants.push({ kind: 'county' });
    else if (role === 'cadre') grants.push({ kind: 'subtree', path: cadrePlace(c) });
    else if (role !== 'department') grants.push({ kind: 'subtree', path: c.unitPath });
  }
  return grants;
}

/** ltree `a <@ b`: `path` is `ancestor` or below it. */
export const isUnder = (path: string, ancestor: string): boolean => path === ancestor || path.startsWith(`${ancestor}.`);

/** What the rules need to know about a ticket. */
export interface TicketFacts {
  county_id: string;
  unit_path: string;
  created_by: string;
  state: string;
  mode: string | null;
  lead_unit_id: string | null;
  co_unit_ids: string[];
  /** The handling cadre (the household's linked cadre); null or absent: the cadre of the ticket's group. */
  cadre_id?: string | null;
}

/** The ticket's linked cadre is this one; with none, any cadre of the ticket's group. */
const linkedCadre = (staffId: string, groupPath: string, t: TicketFacts): boolean =>
  t.cadre_id ? t.cadre_id === staffId : isUnder(t.unit_path, groupPath);

export function inTicketScope(c: Caller, t: TicketFacts): boolean {
  if (t.county_id !== c.countyId) return false;
  return ticketGrants(c).some((g) => {
    switch (g.kind) {
      case 'county':
        return true;
      case 'subtree':
        return isUnder(t.unit_path, g.path);
      case 'creator':
        return t.created_by === g.staffId;
      case 'department':
        return t.lead_unit_id === g.unitId || t.co_unit_ids.includes(g.unitId);
      case 'cadre':
        return linkedCadre(g.staffId, g.path, t);
    }
  });
}

export function inPlaceScope(c: Caller, place: { county_id: string; path: string }): boolean {
  if (place.county_id !== c.countyId) return false;
  return placeGrants(c).some((g) => g.kind === 'county' || isUnder(place.path, g.path));
}

/** A ticket the caller may not see does not exist for them. */
export function assertTicketVisible(c: Caller, t: TicketFacts & { id: string }): void {
  if (!inTicketScope(c, t)) throw new DomainError('ticket_not_found', `No ticket ${t.id}`);
}

// Relations between a caller and a ticket the event rules are written in.
const has = (c: Caller, role: Role) => c.roles.includes(role);
const placeOf = (c: Caller, t: TicketFacts) => isUnder(t.unit_path, c.unitPath);
const local = (t: TicketFacts) => t.mode !== 'joint';
/** The ticket's linked cadre (else the cadre of its group), or the cadre who registered it. */
const handlingCadre = (c: Caller, t: TicketFacts) => has(c, 'cadre') && (linkedCadre(c.staffId, c.unitPath, t) || t.created_by === c.staffId);
const leadDepartment = (c: Caller, t: TicketFacts) => has(c, 'department') && t.lead_unit_id === c.unitId;
const dispatcher = (c: Caller, t: TicketFacts) => has(c, 'town_dispatcher') && placeOf(c, t);
const supervisor = (c: Caller, t: TicketFacts) => (has(c, 'town_supervisor') && placeOf(c, t)) || has(c, 'county_supervisor');
/**
 * A ticket registered at the county itself (an Open311 request no town, village or household was found
 * for) has no town dispatcher: the county supervision office (县督查办) is its triage desk and sends it on.
 */
const countyDesk = (c: Caller, t: TicketFacts) => has(c, 'county_supervisor') && !t.unit_path.includes('.');
const dispatchDesk = (c: Caller, t: TicketFacts) => dispatcher(c, t) || countyDesk(c, t);

/** Who owns the clock of the current state: whoever must act next, and so may handle, extend or pause it. */
function clockOwner(c: Caller, t: TicketFacts): boolean {
  switch (t.state) {
    case 'onSite':
    case 'proxy':
    case 'awaitingFeedback':
      return handlingCadre(c, t);
    case 'joint.dispatched':
    case 'joint.inProgress':
      return leadDepartment(c, t);
    case 'awaitingCallback':
      return supervisor(c, t);
    default:
      // registered, joint.returned: the dispatcher triages or re-dispatches (the county desk for the county's own).
      return dispatchDesk(c, t);
  }
}

type HumanEvent = Exclude<TicketEventType, 'DEADLINE_WARNING' | 'DEADLINE_PASSED' | 'CALENDAR_LOADED'>;
type Rule = (c: Caller, t: TicketFacts) => boolean;

/** Who may send which event (on a ticket they can see). DEADLINE_* come from the workers only. */
export const EVENT_RULES: Record<HumanEvent, Rule> = {
  TRIAGE: dispatcher,
  DISPATCH: dispatchDesk,
  MERGE: dispatchDesk,
  REJECT: dispatchDesk,
  WITHDRAW: (c, t) => dispatchDesk(c, t) || handlingCadre(c, t),
  REPORT_UP: (c, t) => local(t) && handlingCadre(c, t),
  RESOLVE: clockOwner,
  FEEDBACK_GIVEN: handlingCadre,
  REQUEST_EXTENSION: clockOwner,
  PAUSE: clockOwner,
  RESUME: clockOwner,
  ACCEPT: leadDepartment,
  RETURN: leadDepartment,
  APPROVE_EXTENSION: supervisor,
  DENY_EXTENSION: supervisor,
  CALLBACK: supervisor,
  SUPERVISE: supervisor,
};

export function maySend(c: Caller, t: TicketFacts, type: TicketEventType): boolean {
  const rule = (EVENT_RULES as Partial<Record<TicketEventType, Rule>>)[type];
  return rule !== undefined && inTicketScope(c, t) && rule(c, t);
}

export function assertMaySend(c: Caller, t: TicketFacts, type: TicketEventType): void {
  if (!maySend(c, t, type)) throw new DomainError('event_forbidden', `Your role may not send ${type} on this ticket`);
}

/** Registration: somewhere in the caller's places; departments handle cases, they do not open them. */
export function assertMayRegister(c: Caller): void {
  if (placeGrants(c).length === 0) throw new DomainError('forbidden', 'Your role does not register tickets');
}

export function assertMayRegisterAt(c: Caller, unit: { id: string; county_id: string; path: string }): void {
  assertMayRegister(c);
  if (!inPlaceScope(c, unit)) throw new DomainError('outside_jurisdiction', `Unit ${unit.id} is outside your jurisdiction`);
}

/**
 * Full phone and ID numbers: the cadre linked to the household and the callback operators
 * (town and county supervision offices), within their jurisdiction. Every read is logged.
 */
export function mayRevealContact(c: Caller, household: { county_id: string; path: string }): boolean {
  if (household.county_id !== c.countyId) return false;
  if (has(c, 'county_supervisor')) return true;
  return (has(c, 'cadre') || has(c, 'town_supervisor')) && isUnder(household.path, c.unitPath);
}

export const mayAdminister = (c: Caller): boolean => c.kind === 'staff' && has(c, 'county_admin');

/** Routes an integration's API token can be granted; account, token and contact routes never. */
export const INTEGRATION_ROUTES = [
  'POST /v1/tickets',
  'GET /v1/tickets',
  'GET /v1/tickets/:id',
  'POST /v1/tickets/:id/events',
  'GET /v1/me',
  'GET /v1/units',
  'GET /v1/households',
  'GET /v1/categories',
] as const;
