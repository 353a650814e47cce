// Login, refresh and logout requests and responses.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses } from '../common.schema.js';

const Tokens = Type.Object({
  token: Type.String({ description: 'Access token (JWT), short-lived' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.String({ description: 'Access token lifetime, e.g. 15m' }),
  refreshToken: Type.String({ description: 'Single use: exchange it at /v1/auth/refresh for a new pair' }),
  refreshExpiresAt: Type.String({ format: 'date-time', description: 'When the session ends and a new login is needed' }),
});

const authErrors = { ...errorResponses, 429: errorResponses[403] };

export const loginSchema = {
  tags: ['auth'],
  summary: 'Log in with username and password; returns an access token and a refresh token',
  security: [],
  body: Type.Object(
    { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  ),
  response: { 200: Tokens, ...authErrors },
};

export const refreshSchema = {
  tags: ['auth'],
  summary: 'Exchange a refresh token for a new access token and refresh token (the old one is used up)',
  security: [],
  body: Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  response: { 200: Tokens, ...authErrors },
};

export const changePasswordSchema = {
  tags: ['auth'],
  summary: 'Change your own password, giving the current one; every session of the account ends, this one included',
  body: Type.Object(
    { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 8, maxLength: 200 }) },
    { additionalProperties: false },
  ),
  response: { 204: Type.Null(), ...authErrors },
};

export const logoutSchema = {
  tags: ['auth'],
  summary: 'End the current session: its refresh token and access tokens stop working',
  response: { 204: Type.Null(), ...errorResponses },
};
