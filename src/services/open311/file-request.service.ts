// POST requests: an Open311 request becomes a ticket (source open311) through the registration service, with its record.
import { STATE_LABELS } from '../../engine/ticket.labels.js';
import type { Ticket } from '../../store/database.js';
import { findUnits } from '../../store/directory.repository.js';
import { insertRequestRecord } from '../../store/open311/requests.repository.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';
import { registerInTransaction } from '../register-ticket.service.js';
import type { KeyedClient } from './client.service.js';
import {
  attributeLines, attributesOf, checkAttributes, descriptionField, emailField, field, nameField, numberField, urlField, type Form,
} from './request-form.js';
import { routeRequest, type RequestLocation } from './route-request.service.js';
import { activeCategory } from './services.service.js';
import { beijingDeadline } from './w3c-time.js';
import { labelToId, triageOffice } from './unit-names.js';

export interface FiledRequest {
  service_request_id: string;
  service_notice: string;
  account_id?: string;
}

function locationOf(form: Form): RequestLocation {
  const lat = numberField(form, 'lat', -90, 90);
  const long = numberField(form, 'long', -180, 180);
  if ((lat === undefined) !== (long === undefined)) throw new DomainError('validation_failed', 'lat 与 long 须同时提供 (send both lat and long)');
  const loc: RequestLocation = { addressId: field(form, 'address_id', 100), lat, long, addressString: field(form, 'address_string', 500) };
  if (loc.addressId === undefined && loc.lat === undefined && loc.addressString === undefined) {
    throw new DomainError('validation_failed', '缺少位置：lat/long、address_string 或 address_id (a location is required: lat & long, address_string or address_id)');
  }
  return loc;
}

/**
 * Files the request as a ticket registered (挂号) at the routed place, in one transaction with its record:
 * the same road as POST /v1/tickets, with the token's integration as the caller and its unit as the limit.
 */
export async function fileRequest(ctx: ServiceContext, client: KeyedClient, form: Form): Promise<FiledRequest> {
  const code = field(form, 'service_code', 64);
  if (code === undefined) throw new DomainError('validation_failed', '缺少 service_code (service_code was not provided)');
  const category = await activeCategory(ctx, client.countyId, code);
  const location = locationOf(form);
  const text = descriptionField(form);
  const attributes = checkAttributes(category.attributes, attributesOf(form));
  const contact = {
    first_name: nameField(form, 'first_name') ?? null,
    last_name: nameField(form, 'last_name') ?? null,
    phone: field(form, 'phone', 40) ?? null,
    email: emailField(form, 'email') ?? null,
    device_id: field(form, 'device_id', 200) ?? field(form, 'deviceid', 200) ?? null,
    account_id: field(form, 'account_id', 200) ?? null,
    media_url: urlField(form, 'media_url') ?? null,
  };
  const lines = [text ?? `${category.name.zh}（来电未说明详情）`, ...attributeLines(category.attributes, attributes)];
  const description = lines.join('\n');
  const { caller } = client;
  const settings = await ctx.settings.get(ctx.db, caller.countyId);
  const ticket = await ctx.db.transaction().execute(async (trx) => {
    const routed = await routeRequest(trx, caller, location);
    const registered = await registerInTransaction(ctx, trx, settings, {
      actor: { kind: 'staff', staffId: caller.staffId, countyId: caller.countyId },
      actorName: caller.name,
      caller,
      input: { unitId: routed.unitId, householdId: routed.householdId, category: category.code, description, source: 'open311' },
    });
    await insertRequestRecord(trx, {
      ticket_id: registered.id,
      county_id: caller.countyId,
      client_id: caller.staffId,
      token_id: caller.sessionId,
      service_code: category.code,
      ...contact,
      address_string: location.addressString ?? null,
      address_id: location.addressId ?? null,
      lat: location.lat ?? null,
      long: location.long ?? null,
      attributes: JSON.stringify(attributes),
      routed_by: routed.routedBy,
      created_at: registered.created_at,
    });
    return registered;
  });
  return {
    service_request_id: ticket.number,
    service_notice: await filedNotice(ctx, ticket),
    ...(contact.account_id !== null ? { account_id: contact.account_id } : {}),
  };
}

/** In Chinese, what happens next: who triages it and by when. */
async function filedNotice(ctx: ServiceContext, ticket: Ticket): Promise<string> {
  const units = await findUnits(ctx.db, ticket.county_id, ticket.unit_path.split('.').map(labelToId));
  const office = triageOffice(ticket.unit_path, new Map(units.map((u) => [u.id, u])));
  const state = STATE_LABELS[ticket.state]?.zh ?? ticket.state;
  const due = ticket.due_at ? `在 ${beijingDeadline(ticket.due_at)}（北京时间）前分办` : '分办';
  return `已受理，编号 ${ticket.number}（${state}）。由${office}${due}。`;
}
