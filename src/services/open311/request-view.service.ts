// GET requests, GET requests/{id}, GET tokens/{token}: Open311 requests as the spec lists them, in full only to the client that filed them.
import { STATE_LABELS } from '../../engine/ticket.labels.js';
import { lastEventsOfTypes, ticketNumbers } from '../../store/open311/events.repository.js';
import { listRequests, type RequestFilter, type RequestRow } from '../../store/open311/requests.repository.js';
import { countyCategories } from '../categories.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import type { Open311Client } from './client.service.js';
import { maskPublic, PUBLIC_EVENT_TYPES, publicDescription, type KnownPersonal } from './public-events.js';
import { displayName } from './request-form.js';
import { open311Status, statesFor } from './status.map.js';
import { addressOf, agencyOf, loadUnits, unitCodeOf, type UnitMap } from './unit-names.js';
import { beijingDeadline, parseW3c, toW3c } from './w3c-time.js';

export interface RequestEntry {
  service_request_id: string;
  status: string;
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** The spec's limits: a window of at most 90 days (the last 90 by default), at most 1,000 requests. */
export const WINDOW_DAYS = 90;
export const LIST_LIMIT = 1000;
const DAY_MS = 86_400_000;

export interface ListQuery {
  serviceRequestIds?: string[];
  serviceCodes?: string[];
  startDate?: string;
  endDate?: string;
  statuses?: string[];
  /** FixMyStreet's extended statuses; the token's setting when absent. */
  extended?: boolean;
}

const HANDLING = new Set(['onSite', 'proxy', 'joint.inProgress']);

export function dateArg(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = parseW3c(value);
  if (!d) throw new DomainError('validation_failed', `${name} 须为 W3C 日期时间，如 2026-12-03T00:00:00+08:00 (${name} must be a W3C datetime)`);
  return d;
}

/** [from, to] from optional ends: the missing end is 90 days from the other (or now); wider than 90 days is refused. */
export function windowOf(start: Date | undefined, end: Date | undefined, now: Date, days = WINDOW_DAYS): { from: Date; to: Date } {
  const to = end ?? (start ? new Date(Math.min(now.getTime(), start.getTime() + days * DAY_MS)) : now);
  const from = start ?? new Date(to.getTime() - days * DAY_MS);
  if (from > to) throw new DomainError('validation_failed', 'start_date 晚于 end_date (start_date is after end_date)');
  if (to.getTime() - from.getTime() > days * DAY_MS) throw new DomainError('validation_failed', `时间范围不能超过 ${days} 天 (the range may not span more than ${days} days)`);
  return { from, to };
}

export async function listOpen311Requests(ctx: ServiceContext, client: Open311Client, q: ListQuery): Promise<RequestEntry[]> {
  const base = { countyId: client.countyId, limit: LIST_LIMIT };
  let filter: RequestFilter;
  if (q.serviceRequestIds !== undefined) {
    // The spec: a list of ids overrides every other argument.
    filter = { ...base, numbers: q.serviceRequestIds.slice(0, LIST_LIMIT) };
  } else {
    const { from, to } = windowOf(dateArg('start_date', q.startDate), dateArg('end_date', q.endDate), ctx.now());
    const states = q.statuses === undefined ? undefined : statesFor(q.statuses);
    if (states?.length === 0) throw new DomainError('validation_failed', 'status 须为 open 或 closed (status must be open or closed)');
    filter = { ...base, serviceCodes: q.serviceCodes, states, from, to };
  }
  return present(ctx, client, await listRequests(ctx.db, filter), q.extended);
}

export async function getOpen311Request(ctx: ServiceContext, client: Open311Client, number: string, extended?: boolean): Promise<RequestEntry[]> {
  const rows = await listRequests(ctx.db, { countyId: client.countyId, numbers: [number], limit: 1 });
  if (rows.length === 0) throw new DomainError('not_found', `诉求不存在 (service_request_id not found: ${number})`);
  return present(ctx, client, rows, extended);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request's token is its ticket's id (what /v1 and the staff pages call it). */
export async function requestForToken(ctx: ServiceContext, client: Open311Client, token: string): Promise<Array<{ service_request_id: string; token: string }>> {
  const rows = UUID.test(token) ? await listRequests(ctx.db, { countyId: client.countyId, ticketIds: [token.toLowerCase()], limit: 1 }) : [];
  const [row] = rows;
  if (!row) throw new DomainError('not_found', `token 不存在 (token not found: ${token})`);
  return [{ service_request_id: row.number, token }];
}

const known = (r: RequestRow): KnownPersonal => ({
  names: [r.head_name, displayName(r.first_name, r.last_name), r.first_name, r.last_name],
  codes: [r.household_code],
});

/** Public lists see a place to about a kilometre; the client that filed it sees what it sent. */
const coarse = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

async function present(ctx: ServiceContext, client: Open311Client, rows: RequestRow[], extended?: boolean): Promise<RequestEntry[]> {
  if (rows.length === 0) return [];
  const useExtended = extended ?? client.extendedStatuses;
  const units = await loadUnits(ctx.db, client.countyId, rows.map((r) => r.unit_path), rows.map((r) => r.lead_unit_id));
  const names = new Map((await countyCategories(ctx, client.countyId)).map((c) => [c.code, c.name.zh]));
  const notes = await lastNotes(ctx, client.countyId, rows, units);
  return rows.map((r) => {
    const own = client.caller !== undefined && client.caller.staffId === r.client_id;
    const open = r.closed_at === null;
    const label = STATE_LABELS[r.state]?.zh ?? r.state;
    return {
      service_request_id: r.number,
      status: open311Status(r.state, useExtended),
      status_notes: notes.get(r.ticket_id) ?? null,
      service_name: names.get(r.category) ?? r.category,
      service_code: r.category,
      description: own ? r.description : maskPublic(r.description, known(r)),
      agency_responsible: agencyOf(r.lead_unit_id, r.unit_path, units),
      service_notice: open && r.due_at ? `${label}，当前环节期限 ${beijingDeadline(r.due_at)}（北京时间）` : label,
      requested_datetime: toW3c(r.created_at),
      updated_datetime: toW3c(r.closed_at ?? r.updated_at),
      expected_datetime: open && r.due_at && HANDLING.has(r.state) ? toW3c(r.due_at) : null,
      address: own && r.address_string ? r.address_string : addressOf(r.unit_path, units),
      address_id: own ? r.address_id : unitCodeOf(r.unit_path, units),
      zipcode: null,
      lat: own ? r.lat : coarse(r.lat),
      long: own ? r.long : coarse(r.long),
      media_url: own ? r.media_url : null,
    };
  });
}

/** status_notes: what the last public change of each request says, masked as public text is. */
async function lastNotes(ctx: ServiceContext, countyId: string, rows: RequestRow[], units: UnitMap): Promise<Map<string, string>> {
  const events = await lastEventsOfTypes(ctx.db, rows.map((r) => r.ticket_id), PUBLIC_EVENT_TYPES);
  const merged = events.filter((e) => e.type === 'MERGE').map((e) => e.payload.into).filter((x): x is string => typeof x === 'string');
  const numbers = await ticketNumbers(ctx.db, countyId, merged);
  const extraUnits = await loadUnits(ctx.db, countyId, [], events.flatMap((e) => [e.payload.leadUnitId, ...(Array.isArray(e.payload.coUnitIds) ? e.payload.coUnitIds : [])]).filter((x): x is string => typeof x === 'string'));
  const byTicket = new Map(rows.map((r) => [r.ticket_id, r]));
  const out = new Map<string, string>();
  for (const e of events) {
    const row = byTicket.get(e.ticket_id);
    if (!row) continue;
    const text = publicDescription(e, { unitName: (id) => (units.get(id) ?? extraUnits.get(id))?.name, ticketNumber: (id) => numbers.get(id) });
    out.set(e.ticket_id, maskPublic(text, known(row)));
  }
  return out;
}
