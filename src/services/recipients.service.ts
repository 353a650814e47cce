// Who is told (DESIGN.md §3): a notify effect's audience resolved to units of the tree, and the cadre by name.
import type { Unit, UnitKind } from '../store/database.js';
import type { Executor } from '../store/db.js';
import { findStaff } from '../store/directory.repository.js';
import { findNoticeTicket, findNoticeUnits } from '../store/notifications.repository.js';
import { DomainError } from './errors.js';

/** Why a recipient is told: the audience it answers for. */
export type RecipientRole = 'handler' | 'cadre' | 'dispatcher' | 'townSupervision' | 'countySupervision' | 'lead' | 'co';

export interface Recipient {
  role: RecipientRole;
  unitId: string;
  unitName: string;
  unitKind: UnitKind;
  /** Set when a person is told: the cadre who registered the ticket (包联干部). */
  staffId?: string;
  staffName?: string;
}

/** The part of a notification job that says about what and to whom. */
export interface NoticeSubject {
  ticketId: string;
  audience: string;
  /** Flattened state after the event, e.g. `joint.inProgress`. */
  state: string;
  leadUnitId: string | null;
  coUnitIds: string[];
}

export interface ResolvedRecipients {
  countyId: string;
  recipients: Recipient[];
}

const asRecipient = (role: RecipientRole, u: Unit): Recipient => ({ role, unitId: u.id, unitName: u.name, unitKind: u.kind });

/**
 * Resolves an audience from the ticket's position: its unit and the cadre who registered it, the town
 * of that unit (dispatcher and supervision office, 镇督查办), the county (县督查办), and the lead (主办)
 * and co-departments (协办) named at the event. The handler depends on the state: the lead department
 * in a joint case, the town dispatcher for a returned one, the town office for a callback, else the cadre.
 */
export async function resolveRecipients(ex: Executor, subject: NoticeSubject): Promise<ResolvedRecipients> {
  const ticket = await findNoticeTicket(ex, subject.ticketId);
  if (!ticket) throw new DomainError('ticket_not_found', `No ticket ${subject.ticketId}`);
  const departmentIds = [...new Set([subject.leadUnitId, ...subject.coUnitIds].filter((id): id is string => id !== null))];
  const units = await findNoticeUnits(ex, ticket.county_id, ticket.unit_path, departmentIds);
  const byId = new Map(units.map((u) => [u.id, u]));
  const county = units.find((u) => u.kind === 'county');
  // A ticket registered above town level is supervised by the county office.
  const town = units.find((u) => u.kind === 'town') ?? county;
  const own = byId.get(ticket.unit_id);

  const cadre = async (role: RecipientRole): Promise<Recipient[]> => {
    if (!own) return [];
    const staff = await findStaff(ex, ticket.created_by);
    return [{ ...asRecipient(role, own), ...(staff ? { staffId: staff.id, staffName: staff.display_name } : {}) }];
  };
  const one = (role: RecipientRole, u: Unit | undefined): Recipient[] => (u ? [asRecipient(role, u)] : []);
  const departments = (): Recipient[] => {
    const lead = subject.leadUnitId === null ? undefined : byId.get(subject.leadUnitId);
    const co = subject.coUnitIds.filter((id) => id !== subject.leadUnitId).map((id) => byId.get(id));
    return [...one('lead', lead), ...co.flatMap((u) => one('co', u))];
  };
  const handler = async (): Promise<Recipient[]> => {
    if ((subject.state === 'joint.dispatched' || subject.state === 'joint.inProgress') && subject.leadUnitId !== null) {
      return one('handler', byId.get(subject.leadUnitId));
    }
    if (subject.state === 'joint.returned') return one('handler', town);
    if (subject.state === 'awaitingCallback') return one('handler', town);
    return cadre('handler');
  };

  const recipients = await (async (): Promise<Recipient[]> => {
    switch (subject.audience) {
      case 'handler':
        return handler();
      case 'cadre':
        return cadre('cadre');
      case 'dispatcher':
        return one('dispatcher', town);
      case 'townSupervision':
        return one('townSupervision', town);
      case 'countySupervision':
        return one('countySupervision', county);
      case 'departments':
        return departments();
      default:
        return [];
    }
  })();
  return { countyId: ticket.county_id, recipients };
}
