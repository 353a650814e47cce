// Schemas of offline sync: the batch envelope, each kind's fields (checked item by item) and the per-item results.
import { Type, type Static } from '@fastify/type-provider-typebox';
import { MAX_SYNC_ITEMS } from '../../../services/sync.service.js';
import { CreateTicketBody } from '../tickets/schema.js';
import { createVisitSchema } from '../visits/schema.js';
import { errorResponses, Uuid } from '../common.schema.js';

const DateTime = (description: string) => Type.String({ format: 'date-time', description });
const ClientId = Type.String({ minLength: 1, maxLength: 100, description: 'Client-generated id, unique per staff member across all their items' });

/**
 * Only the envelope is checked for the whole batch. The fields of each kind are checked item by item
 * (SyncVisitFields, CreateTicketBody, EventBody), so one malformed item is refused on its own rather
 * than holding back a device's whole queue.
 */
const SyncItemEnvelope = Type.Object(
  {
    kind: Type.Union([Type.Literal('visit'), Type.Literal('ticket'), Type.Literal('event')]),
    clientId: ClientId,
    deviceTime: DateTime('The device clock when the item was made; kept beside the server time'),
  },
  {
    additionalProperties: true,
    description:
      'Beside kind, clientId and deviceTime, the fields of its kind. visit: the body of POST /v1/visits without clientId and ' +
      'deviceTime (visitedAt defaults to deviceTime); each of its tickets may carry its own clientId. ticket: the body of ' +
      'POST /v1/tickets. event: ticketId, or ticketClientId (the clientId of a ticket made by an earlier item, in this batch ' +
      'or an earlier one), and the body of POST /v1/tickets/:id/events (type, expectedVersion?, payload).',
  },
);

export const SyncBody = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Kept with each item\'s record, for the audit' })),
    items: Type.Array(SyncItemEnvelope, { maxItems: MAX_SYNC_ITEMS, description: 'Applied in this order' }),
  },
  { additionalProperties: false },
);

const VisitFields = Type.Omit(createVisitSchema.body, ['clientId', 'deviceTime', 'tickets']);
const VisitTicket = Type.Object(
  { clientId: Type.Optional(ClientId), ...Type.Omit(CreateTicketBody, ['unitId', 'householdId', 'source']).properties },
  { additionalProperties: false },
);
export const SyncVisitFields = Type.Object(
  { ...VisitFields.properties, tickets: Type.Optional(Type.Array(VisitTicket, { maxItems: 10 })) },
  { additionalProperties: false },
);
export type SyncVisitFieldsT = Static<typeof SyncVisitFields>;

export const SyncEventTarget = Type.Union([
  Type.Object({ ticketId: Uuid }, { additionalProperties: false }),
  Type.Object({ ticketClientId: ClientId }, { additionalProperties: false }),
]);
export type SyncEventTargetT = Static<typeof SyncEventTarget>;

const SyncResult = Type.Object({
  clientId: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('replayed'), Type.Literal('refused')]),
  replayed: Type.Optional(Type.Boolean({ description: 'On a refusal: the one remembered from an earlier send of this item' })),
  code: Type.Optional(Type.String({ description: 'Why it was refused: the code the item\'s own route would answer' })),
  message: Type.Optional(Type.String()),
  ticketId: Type.Optional(Uuid),
  ticketNumber: Type.Optional(Type.String()),
  visitId: Type.Optional(Uuid),
  version: Type.Optional(Type.Integer({ description: 'The ticket\'s version after the item (expectedVersion of the next event)' })),
  tickets: Type.Optional(
    Type.Array(Type.Object({ clientId: Type.Union([Type.String(), Type.Null()]), ticketId: Uuid, ticketNumber: Type.String() }), {
      description: 'The tickets a visit opened, in the order sent',
    }),
  ),
  serverTime: DateTime('When the server applied or refused it (the first time, for a replay)'),
});

export const syncSchema = {
  tags: ['sync'],
  summary: 'Offline sync (离线同步): apply a batch of visits, tickets and ticket events made offline, in order, each once',
  description:
    'Each item commits on its own, with its sync record (staff member, clientId, device time, server time, outcome). ' +
    'A retried item answers its first result: `replayed`, or `refused` with `replayed: true` (refusals are remembered, ' +
    'so a retry never applies an item later, out of order; a server fault is not, and is tried again). A refused item ' +
    '(its code is the one its own route would answer: event_not_allowed, version_conflict, validation_failed, ' +
    'outside_jurisdiction...) leaves nothing written and does not stop the items after it. A bad envelope, more than ' +
    `${MAX_SYNC_ITEMS} items or one clientId twice in a batch is a 400 and applies nothing.`,
  body: SyncBody,
  response: { 200: Type.Object({ results: Type.Array(SyncResult) }), ...errorResponses },
};
