// mySociety's servicerequestupdates: the public changes of Open311 requests as a feed, and a resident's comment into the timeline.
import { feedEvents, findComment, insertComment, ticketNumbers } from '../../store/open311/events.repository.js';
import { listRequests } from '../../store/open311/requests.repository.js';
import { insertOutbox } from '../../store/outbox.repository.js';
import { lockTicket, updateTicket } from '../../store/tickets.repository.js';
import { inTicketScope } from '../access.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import type { KeyedClient, Open311Client } from './client.service.js';
import { maskPublic, PUBLIC_EVENT_TYPES, publicDescription } from './public-events.js';
import { dateArg, LIST_LIMIT, windowOf } from './request-view.service.js';
import { descriptionField, displayName, emailField, field, nameField, urlField, type Form } from './request-form.js';
import { open311Status } from './status.map.js';
import { loadUnits } from './unit-names.js';
import { toW3c } from './w3c-time.js';

export interface UpdateEntry {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

/** Without dates, the last day: FixMyStreet asks for the last two hours every few minutes. */
const DEFAULT_FEED_DAYS = 1;

export interface FeedQuery {
  startDate?: string;
  endDate?: string;
  extended?: boolean;
}

/** One update per public change of a county's Open311 requests in the window, oldest first, each with its status after it. */
export async function listUpdates(ctx: ServiceContext, client: Open311Client, q: FeedQuery): Promise<UpdateEntry[]> {
  const start = dateArg('start_date', q.startDate);
  const end = dateArg('end_date', q.endDate);
  const now = ctx.now();
  const window = start || end ? windowOf(start, end, now) : { from: new Date(now.getTime() - DEFAULT_FEED_DAYS * 86_400_000), to: now };
  // The window's end is inclusive for clients (a change at end_date is in it).
  const rows = await feedEvents(ctx.db, { countyId: client.countyId, from: window.from, to: new Date(window.to.getTime() + 1), types: PUBLIC_EVENT_TYPES, limit: LIST_LIMIT });
  const ids = rows.flatMap((e) => [e.payload.leadUnitId, ...(Array.isArray(e.payload.coUnitIds) ? e.payload.coUnitIds : [])]).filter((x): x is string => typeof x === 'string');
  const units = await loadUnits(ctx.db, client.countyId, [], ids);
  const merged = rows.filter((e) => e.type === 'MERGE').map((e) => e.payload.into).filter((x): x is string => typeof x === 'string');
  const numbers = await ticketNumbers(ctx.db, client.countyId, merged);
  const extended = q.extended ?? client.extendedStatuses;
  return rows.map((e) => ({
    update_id: e.id,
    service_request_id: e.number,
    status: open311Status(e.to_state, extended),
    updated_datetime: toW3c(e.created_at),
    description: maskPublic(publicDescription(e, { unitName: (id) => units.get(id)?.name, ticketNumber: (id) => numbers.get(id) }), {
      names: [e.head_name, displayName(e.first_name, e.last_name), e.first_name, e.last_name],
      codes: [e.household_code],
    }),
    media_url: null,
  }));
}

/**
 * A resident's comment on an open request, posted by an Open311 client: a COMMENT event in the ticket's
 * timeline (beside the lifecycle: the state and its clock stay), the handler told. The same client
 * posting its own update_id again gets the first comment's id, even when both posts arrive at once
 * (the ticket's row lock orders them).
 */
export async function postComment(ctx: ServiceContext, client: KeyedClient, form: Form): Promise<{ update_id: string }> {
  const number = field(form, 'service_request_id', 64);
  if (number === undefined) throw new DomainError('validation_failed', '缺少 service_request_id (service_request_id was not provided)');
  const text = descriptionField(form);
  if (text === undefined) throw new DomainError('validation_failed', '缺少 description (description was not provided)');
  const who = {
    client_update_id: field(form, 'update_id', 100) ?? null,
    first_name: nameField(form, 'first_name') ?? null,
    last_name: nameField(form, 'last_name') ?? null,
    phone: field(form, 'phone', 40) ?? null,
    email: emailField(form, 'email') ?? null,
    media_url: urlField(form, 'media_url') ?? null,
    reported_status: field(form, 'status', 40) ?? null,
  };
  const { caller } = client;
  const [request] = await listRequests(ctx.db, { countyId: client.countyId, numbers: [number], limit: 1 });
  const notFound = () => new DomainError('not_found', `诉求不存在 (service_request_id not found: ${number})`);
  if (!request) throw notFound();
  return ctx.db.transaction().execute(async (trx) => {
    const ticket = await lockTicket(trx, client.countyId, request.ticket_id);
    if (!ticket || !inTicketScope(caller, ticket)) throw notFound();
    if (who.client_update_id !== null) {
      const earlier = await findComment(trx, caller.staffId, ticket.id, who.client_update_id);
      if (earlier) return { update_id: earlier.event_id };
    }
    if (ticket.closed_at !== null) throw new DomainError('validation_failed', `诉求已办结，不能再留言 (service request ${number} is closed)`);
    const now = ctx.now();
    const updated = await updateTicket(trx, ticket.id, ticket.version, { updated_at: now });
    if (!updated) throw new DomainError('version_conflict', 'Ticket changed during the comment');
    const payload = { text, ...(who.reported_status ? { reportedStatus: who.reported_status } : {}), channel: 'open311' };
    const eventId = await insertComment(
      trx,
      { county_id: ticket.county_id, ticket_id: ticket.id, version: updated.version, actor_id: caller.staffId, actor_name: caller.name,
        payload: JSON.stringify(payload), state: ticket.state, level: ticket.level, created_at: now },
      { ...who, county_id: ticket.county_id, ticket_id: ticket.id, client_id: caller.staffId, created_at: now },
    );
    // The handler hears of it as of any event addressed to them (the notification worker resolves who).
    await insertOutbox(trx, [{
      county_id: ticket.county_id, ticket_id: ticket.id, topic: 'notification', job_id: `notify-${ticket.id}-${updated.version}-0`, run_at: now,
      payload: JSON.stringify({
        ticketId: ticket.id, countyId: ticket.county_id, number: ticket.number, audience: 'handler', topic: 'residentComment',
        state: ticket.state, level: ticket.level, unitId: ticket.unit_id, leadUnitId: ticket.lead_unit_id, coUnitIds: ticket.co_unit_ids,
      }),
    }]);
    return { update_id: eventId };
  });
}
