// Schemas shared by several routes: error bodies, labels, ids.
import { Type } from '@fastify/type-provider-typebox';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Machine-readable code; clients translate it' }),
    message: Type.String({ description: 'English explanation' }),
    allowed: Type.Optional(Type.Array(Type.String(), { description: 'Events allowed now (event_not_allowed)' })),
    currentVersion: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};

export const Label = Type.Object({ zh: Type.String(), en: Type.String() });
export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
