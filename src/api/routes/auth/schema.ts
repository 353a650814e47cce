// Login request and response.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses } from '../common.schema.js';

export const loginSchema = {
  tags: ['auth'],
  summary: 'Log in with username and password; returns a Bearer token',
  security: [],
  body: Type.Object(
    { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({ token: Type.String(), tokenType: Type.Literal('Bearer'), expiresIn: Type.String() }),
    ...errorResponses,
  },
};
