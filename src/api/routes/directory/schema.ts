// Schemas of what a client needs to fill in a ticket: the caller, the unit tree, households.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Uuid } from '../common.schema.js';

const Unit = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  kind: Type.String({ description: 'county | town | village | group | department' }),
  code: Type.String(),
  name: Type.String(),
});

export const meSchema = {
  tags: ['directory'],
  summary: 'The calling staff member',
  response: {
    200: Type.Object({
      staffId: Uuid,
      username: Type.String(),
      name: Type.String(),
      roles: Type.Array(Type.String()),
      unit: Unit,
      countyId: Uuid,
    }),
    ...errorResponses,
  },
};

export const unitsSchema = {
  tags: ['directory'],
  summary: 'The unit tree of the caller\'s county (towns, villages, groups) and its departments',
  response: { 200: Type.Object({ items: Type.Array(Unit) }), ...errorResponses },
};

export const householdsSchema = {
  tags: ['directory'],
  summary: 'Households under a unit (a group, village or town)',
  querystring: Type.Object(
    { unitId: Uuid, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      items: Type.Array(
        Type.Object({
          id: Uuid,
          unitId: Uuid,
          headName: Type.String(),
          phone: Type.Union([Type.String({ description: 'Masked, e.g. 138****5678' }), Type.Null()]),
          idNumber: Type.Union([Type.String({ description: 'Masked, e.g. 110***********1234' }), Type.Null()]),
          address: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
    ...errorResponses,
  },
};

export const contactSchema = {
  tags: ['directory'],
  summary: 'A household\'s full phone and ID number: the linked cadre and the callback operators only; every read is logged',
  params: IdParams,
  querystring: Type.Object(
    {
      ticketId: Type.Optional(Uuid),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Why, for the access log (e.g. callback)' })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      householdId: Uuid,
      headName: Type.String(),
      phone: Type.Union([Type.String(), Type.Null()]),
      idNumber: Type.Union([Type.String(), Type.Null()]),
    }),
    ...errorResponses,
  },
};
