// Schemas of the /v1 side of Open311: who filed a ticket through it (staff), and where villages lie (county admin).
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Uuid } from '../common.schema.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const requesterSchema = {
  tags: ['open311'],
  summary: 'Who an Open311 client filed this ticket for: numbers masked as a household\'s are',
  params: IdParams,
  response: {
    200: Type.Object({
      ticketId: Uuid,
      client: Type.String({ description: 'The integration that filed it' }),
      name: NullableString,
      phone: NullableString,
      email: NullableString,
      deviceId: NullableString,
      accountId: NullableString,
      mediaUrl: NullableString,
      addressString: NullableString,
      addressId: NullableString,
      lat: NullableNumber,
      long: NullableNumber,
      attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
      routedBy: Type.String({ description: 'household, unit, location, address or triage' }),
    }),
    ...errorResponses,
  },
};

export const requesterContactSchema = {
  tags: ['open311'],
  summary: 'The requester\'s full phone and email: the roles that read a household\'s numbers at the ticket\'s place; every read is logged',
  params: IdParams,
  querystring: Type.Object(
    { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Why, for the access log (e.g. callback)' })) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({ ticketId: Uuid, name: NullableString, phone: NullableString, email: NullableString }),
    ...errorResponses,
  },
};

const Place = Type.Object({ unitId: Uuid, lat: Type.Number(), long: Type.Number(), updatedAt: Type.String({ format: 'date-time' }) });

export const listPlacesSchema = {
  tags: ['open311'],
  summary: 'Locations of towns, villages and groups, used to route Open311 requests sent with lat/long (county admin)',
  response: { 200: Type.Object({ items: Type.Array(Place) }), ...errorResponses },
};

export const savePlacesSchema = {
  tags: ['open311'],
  summary: 'Set or remove (lat and long null) unit locations, all or none (county admin)',
  body: Type.Object(
    {
      items: Type.Array(
        Type.Object(
          {
            unitId: Uuid,
            lat: Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()]),
            long: Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()]),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 5000 },
      ),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ items: Type.Array(Place) }), ...errorResponses },
};
