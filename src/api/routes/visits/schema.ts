// Schemas of the visit log (民情日志): a visit, with the tickets it opens in the same request.
import { Type } from '@fastify/type-provider-typebox';
import { CreateTicketBody } from '../tickets/schema.js';
import { errorResponses, Uuid } from '../common.schema.js';

const Channel = Type.Union([Type.Literal('in_person'), Type.Literal('phone'), Type.Literal('wechat')]);
const MustAttend = Type.Union([Type.Literal('emergency'), Type.Literal('dispute'), Type.Literal('wedding_funeral')], {
  description: '三必到 must-attend event: emergency | dispute | wedding_funeral',
});
const DateTime = Type.String({ format: 'date-time' });

const VisitView = Type.Object({
  id: Uuid,
  householdId: Uuid,
  cadreId: Uuid,
  visitedAt: DateTime,
  channel: Channel,
  notes: Type.String(),
  confirmed: Type.Boolean({ description: 'The household confirmed it (code or photo): only confirmed visits count as coverage' }),
  mustAttend: Type.Union([MustAttend, Type.Null()]),
  deviceTime: Type.Union([DateTime, Type.Null()]),
  clientId: Type.Union([Type.String(), Type.Null()]),
  ticketIds: Type.Array(Uuid),
});

export const createVisitSchema = {
  tags: ['visits'],
  summary: 'Record a visit to a household and open its tickets: the visit and its tickets, or nothing',
  body: Type.Object(
    {
      householdId: Uuid,
      channel: Channel,
      visitedAt: Type.Optional(DateTime),
      notes: Type.Optional(Type.String({ maxLength: 4000 })),
      confirmationCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'The code the household gives' })),
      photoRef: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Reference to a photo of the household\'s signature' })),
      mustAttend: Type.Optional(MustAttend),
      deviceTime: Type.Optional(DateTime),
      clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Client-generated id: a retry returns the first answer' })),
      tickets: Type.Optional(Type.Array(Type.Omit(CreateTicketBody, ['unitId', 'householdId', 'source'], { additionalProperties: false }), { maxItems: 10 })),
    },
    { additionalProperties: false },
  ),
  response: { 200: VisitView, 201: VisitView, ...errorResponses },
};
