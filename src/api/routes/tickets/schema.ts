// Ticket routes' schemas: registration, the ticket as returned, events and the filtered list.
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { LEVELS, MODES, RATINGS } from '../../../engine/ticket.events.js';
import { errorResponses, IdParams, Label, Uuid } from '../common.schema.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Enum = <T extends string[]>(values: readonly [...T]) => Type.Enum(values);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const UnitIds = Type.Array(Uuid, { maxItems: 20, uniqueItems: true });

export const CreateTicketBody = Type.Object(
  {
    unitId: Type.Optional(Uuid),
    householdId: Type.Optional(Uuid),
    category: Text(64),
    priority: Type.Optional(Enum(['normal', 'urgent'] as const)),
    description: Text(4000),
    source: Type.Optional(Enum(['visit', 'hotline', 'walk_in', 'open311', 'other'] as const)),
    mode: Type.Optional(Enum(MODES)),
    leadUnitId: Type.Optional(Uuid),
    coUnitIds: Type.Optional(UnitIds),
  },
  { additionalProperties: false },
);

export const TicketView = Type.Object({
  id: Uuid,
  number: Type.String({ description: 'Human number, unique per county and year, e.g. 2026-000123' }),
  state: Type.String(),
  stateLabel: Label,
  mode: Nullable(Type.String()),
  level: Type.Unsafe<string>({ type: 'string', enum: [...LEVELS] }),
  warned: Type.Boolean(),
  overdue: Type.Boolean(),
  dueAt: Nullable(Type.String({ format: 'date-time' })),
  warnAt: Nullable(Type.String({ format: 'date-time' })),
  version: Type.Integer(),
  unitId: Uuid,
  householdId: Nullable(Uuid),
  category: Type.String(),
  priority: Type.String(),
  description: Type.String({ description: 'As written, with phone and ID numbers masked' }),
  source: Type.String(),
  leadUnitId: Nullable(Uuid),
  coUnitIds: Type.Array(Uuid),
  reopenCount: Type.Integer(),
  createdBy: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  enteredAt: Type.String({ format: 'date-time', description: 'When the current state (and its clock) began' }),
  pausedAt: Nullable(Type.String({ format: 'date-time', description: 'Set while waiting on the resident' })),
  openMs: Type.Integer({ description: 'Whole-ticket clock: ms since registration (to closing), less time paused; escalation never resets it' }),
});

export const TicketDetail = Type.Intersect([
  TicketView,
  Type.Object({
    timeline: Type.Array(
      Type.Object({
        version: Type.Integer(),
        type: Type.String(),
        label: Label,
        actor: Type.Object({ kind: Type.String(), id: Nullable(Type.String()), name: Nullable(Type.String()) }),
        payload: Type.Record(Type.String(), Type.Unknown()),
        fromState: Nullable(Type.String()),
        toState: Type.String(),
        level: Type.String(),
        at: Type.String({ format: 'date-time' }),
      }),
    ),
    allowedEvents: Type.Array(Type.String(), { description: 'Events the lifecycle accepts now, from anyone' }),
    permittedEvents: Type.Array(Type.String(), { description: 'Those of allowedEvents the caller\'s roles may send (docs/SECURITY.md)' }),
  }),
]);

const event = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object(
    { type: Type.Literal(type), expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })), ...props },
    { additionalProperties: false },
  );
const note = { note: Type.Optional(Text(2000)) };

const eventBranches = [
  event('TRIAGE', { mode: Enum(MODES), leadUnitId: Type.Optional(Uuid), coUnitIds: Type.Optional(UnitIds) }),
  event('RESOLVE', { summary: Text(4000) }),
  event('REPORT_UP', { leadUnitId: Uuid, coUnitIds: Type.Optional(UnitIds), ...note }),
  event('ACCEPT', note),
  event('RETURN', { reason: Text(2000) }),
  event('DISPATCH', { leadUnitId: Uuid, coUnitIds: Type.Optional(UnitIds), ...note }),
  event('REQUEST_EXTENSION', { until: Type.String({ format: 'date-time' }), reason: Text(2000) }),
  event('APPROVE_EXTENSION', note),
  event('DENY_EXTENSION', note),
  event('FEEDBACK_GIVEN', { confirmedByHousehold: Type.Boolean(), ...note }),
  event('CALLBACK', { rating: Enum(RATINGS), ...note }),
  event('WITHDRAW', { reason: Type.Optional(Text(2000)) }),
  event('MERGE', { into: Uuid }),
  event('REJECT', { reason: Text(2000) }),
  event('SUPERVISE', { note: Text(2000) }),
  event('PAUSE', { reason: Text(2000) }),
  event('RESUME', note),
  // Listed so that they are refused by name (worker_only_event) rather than as unknown input.
  Type.Object({ type: Type.Literal('DEADLINE_WARNING') }, { additionalProperties: true }),
  Type.Object({ type: Type.Literal('DEADLINE_PASSED') }, { additionalProperties: true }),
  Type.Object({ type: Type.Literal('CALENDAR_LOADED') }, { additionalProperties: true }),
];

type EventBodyT = Static<(typeof eventBranches)[number]>;
// ajv's discriminator names the failing branch by `type`, which anyOf errors cannot.
export const EventBody = Type.Unsafe<EventBodyT>({ type: 'object', oneOf: eventBranches, discriminator: { propertyName: 'type' }, required: ['type'] });

export const createTicketSchema = {
  tags: ['tickets'],
  summary: 'Register a ticket (挂号); optional mode enters handling directly',
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
  body: CreateTicketBody,
  response: { 200: TicketView, 201: TicketView, ...errorResponses },
};

export const getTicketSchema = {
  tags: ['tickets'],
  summary: 'A ticket with its timeline and the events allowed now',
  params: IdParams,
  response: { 200: TicketDetail, ...errorResponses },
};

export const postEventSchema = {
  tags: ['tickets'],
  summary: 'Send an event to a ticket (triage, resolve, dispatch, feedback, callback...)',
  params: IdParams,
  body: EventBody,
  response: { 200: TicketDetail, ...errorResponses },
};

export const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 12 })),
    mode: Type.Optional(Enum(MODES)),
    level: Type.Optional(Enum(LEVELS)),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    unitId: Type.Optional(Uuid),
    overdue: Type.Optional(Type.Boolean()),
    createdFrom: Type.Optional(Type.String({ format: 'date-time' })),
    createdTo: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const listTicketsSchema = {
  tags: ['tickets'],
  summary: 'Tickets of the county, filtered, newest first, keyset-paginated',
  querystring: ListQuery,
  response: { 200: Type.Object({ items: Type.Array(TicketView), nextCursor: Nullable(Type.String()) }), ...errorResponses },
};
