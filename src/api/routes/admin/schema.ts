// Schemas of the county admin's access routes: accounts, integration API tokens, the access log.
import { Type } from '@fastify/type-provider-typebox';
import { INTEGRATION_ROUTES } from '../../../services/access.service.js';
import { errorResponses, IdParams, Uuid } from '../common.schema.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

const Account = Type.Object({
  id: Uuid,
  username: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  unitId: Uuid,
  active: Type.Boolean(),
  lockedUntil: Nullable(DateTime),
});

const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  integrationId: Uuid,
  unitId: Uuid,
  routes: Type.Array(Type.String()),
  scope: Type.Union([Type.Literal('v1'), Type.Literal('open311')]),
  extendedStatuses: Type.Boolean(),
  createdAt: DateTime,
  expiresAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

export const listAccountsSchema = {
  tags: ['admin'],
  summary: 'Accounts of the county (county admin)',
  response: { 200: Type.Object({ items: Type.Array(Account) }), ...errorResponses },
};

export const setActiveSchema = {
  tags: ['admin'],
  summary: 'Disable (ending every session at once) or enable an account (county admin)',
  params: IdParams,
  response: { 200: Account, ...errorResponses },
};

export const resetPasswordSchema = {
  tags: ['admin'],
  summary: 'Set an account\'s password (county admin): the first one of an imported account, or a new one; ends its sessions and lockout',
  params: IdParams,
  body: Type.Object({ password: Type.String({ minLength: 8, maxLength: 200 }) }, { additionalProperties: false }),
  response: { 200: Account, ...errorResponses },
};

export const issueTokenSchema = {
  tags: ['admin'],
  summary:
    'Issue an API token for an integration account, scoped to a unit and either a set of /v1 routes (scope v1, the default) or the Open311 endpoint (scope open311); the secret is shown once',
  body: Type.Object(
    {
      integrationId: Uuid,
      unitId: Uuid,
      name: Type.String({ minLength: 1, maxLength: 100 }),
      scope: Type.Optional(Type.Union([Type.Literal('v1'), Type.Literal('open311')], { default: 'v1' })),
      routes: Type.Optional(
        Type.Array(Type.Union(INTEGRATION_ROUTES.map((r) => Type.Literal(r))), { uniqueItems: true, description: 'scope v1 only: at least one' }),
      ),
      extendedStatuses: Type.Optional(Type.Boolean({ description: 'scope open311 only: answer with FixMyStreet\'s extended statuses by default' })),
      expiresAt: Type.Optional(DateTime),
    },
    { additionalProperties: false },
  ),
  response: { 201: Type.Intersect([ApiToken, Type.Object({ token: Type.String() })]), ...errorResponses },
};

export const listTokensSchema = {
  tags: ['admin'],
  summary: 'API tokens of the county, without their secrets',
  response: { 200: Type.Object({ items: Type.Array(ApiToken) }), ...errorResponses },
};

export const revokeTokenSchema = {
  tags: ['admin'],
  summary: 'Revoke an API token: it stops working at once',
  params: IdParams,
  response: { 204: Type.Null(), ...errorResponses },
};

export const accessLogSchema = {
  tags: ['admin'],
  summary: 'Who read which resident\'s full phone or ID number, newest first',
  querystring: Type.Object(
    { householdId: Type.Optional(Uuid), staffId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      items: Type.Array(
        Type.Object({
          id: Type.String(),
          staffId: Uuid,
          householdId: Type.Union([Uuid, Type.Null()], { description: 'Null when an Open311 requester\'s contact was read' }),
          ticketId: Type.Union([Uuid, Type.Null()]),
          fields: Type.Array(Type.String()),
          reason: Type.Union([Type.String(), Type.Null()]),
          requestId: Type.Union([Type.String(), Type.Null()]),
          at: DateTime,
        }),
      ),
    }),
    ...errorResponses,
  },
};
