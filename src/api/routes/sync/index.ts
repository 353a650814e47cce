// /v1/sync: a device's offline work (visits, tickets, ticket events) applied in order, each item once, refusals per item.
import type { FastifyPluginAsyncTypebox, Static } from '@fastify/type-provider-typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { syncBatch, type SyncItem } from '../../../services/sync.service.js';
import type { EventInput } from '../../../services/transition-ticket.service.js';
import { CreateTicketBody, EventBody } from '../tickets/schema.js';
import { SyncEventTarget, SyncVisitFields, syncSchema, type SyncEventTargetT, type SyncVisitFieldsT } from './schema.js';

// The same settings as the server's body validator (server.ts): unknown fields refused, no coercion.
const ajv = new Ajv({ removeAdditional: false, useDefaults: true, discriminator: true, allErrors: false, strict: false, coerceTypes: false });
addFormats.default(ajv);
const validateVisit = ajv.compile<SyncVisitFieldsT>(SyncVisitFields);
const validateTicket = ajv.compile<Static<typeof CreateTicketBody>>(CreateTicketBody);
const validateEvent = ajv.compile<Static<typeof EventBody>>(EventBody);
const validateTarget = ajv.compile<SyncEventTargetT>(SyncEventTarget);

// A 500-item batch of long visit notes outgrows Fastify's 1 MiB default.
const BODY_LIMIT = 8 * 1024 * 1024;

type Sent = { kind: SyncItem['kind']; clientId: string; deviceTime: string } & Record<string, unknown>;

const problem = (validate: ValidateFunction, index: number): string =>
  ajv.errorsText(validate.errors, { dataVar: `items/${index}` });

/** Checks an item's own fields: a bad one becomes an `invalid` item, refused alone by the service. */
function parseItem(sent: Sent, index: number): SyncItem {
  const { kind, clientId, deviceTime, ...fields } = sent;
  const base = { clientId, deviceTime, sent };
  if (kind === 'visit') {
    return validateVisit(fields) ? { ...base, kind, input: fields } : { ...base, kind, invalid: problem(validateVisit, index) };
  }
  if (kind === 'ticket') {
    return validateTicket(fields) ? { ...base, kind, input: fields } : { ...base, kind, invalid: problem(validateTicket, index) };
  }
  const { ticketId, ticketClientId, ...body } = fields;
  const target = ticketClientId === undefined ? { ticketId } : ticketId === undefined ? { ticketClientId } : { ticketId, ticketClientId };
  if (!validateTarget(target)) return { ...base, kind, invalid: `items/${index} names its ticket by ticketId (a uuid) or by ticketClientId, one of them` };
  if (!validateEvent(body)) return { ...base, kind, invalid: problem(validateEvent, index) };
  const { expectedVersion, ...event } = body as typeof body & { expectedVersion?: number };
  return { ...base, kind, target, event: event as EventInput, expectedVersion };
}

const syncRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/sync', { schema: syncSchema, bodyLimit: BODY_LIMIT }, async (request) => {
    const { deviceId, items } = request.body;
    const results = await syncBatch(app.services, {
      actor: request.actor(),
      actorName: request.user.name,
      caller: request.caller(),
      deviceId,
      items: items.map((item, i) => parseItem(item as Sent, i)),
    });
    const count = (status: string) => results.filter((r) => r.status === status).length;
    request.log.info({ deviceId, items: results.length, applied: count('applied'), replayed: count('replayed'), refused: count('refused') }, 'sync batch');
    return { results };
  });
};

export default syncRoutes;
