// /v1/admin: the county admin disables and enables accounts, issues and revokes integration API tokens, reads the access log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assertAdmin, issueApiToken, resetAccountPassword, setAccountActive, withdrawApiToken } from '../../../services/admin.service.js';
import { listApiTokens } from '../../../store/api-tokens.repository.js';
import { listAccessLog } from '../../../store/access-log.repository.js';
import { listStaff } from '../../../store/staff.repository.js';
import type { ApiTokenRow } from '../../../store/access.tables.js';
import type { Staff } from '../../../store/database.js';
import {
  accessLogSchema, issueTokenSchema, listAccountsSchema, listTokensSchema, resetPasswordSchema, revokeTokenSchema, setActiveSchema,
} from './schema.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

const accountView = (s: Staff) => ({
  id: s.id,
  username: s.username,
  name: s.display_name,
  roles: s.roles,
  unitId: s.unit_id,
  active: s.active,
  lockedUntil: iso(s.locked_until),
});

const tokenView = (t: ApiTokenRow) => ({
  id: t.id,
  name: t.name,
  integrationId: t.staff_id,
  unitId: t.unit_id,
  routes: t.routes,
  scope: t.scope,
  extendedStatuses: t.extended_statuses,
  createdAt: t.created_at.toISOString(),
  expiresAt: iso(t.expires_at),
  revokedAt: iso(t.revoked_at),
});

const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Every route here is the county admin's: refuse anyone else before reading anything.
  app.addHook('preHandler', async (request) => assertAdmin(request.caller()));
  const { services } = app;

  app.get('/admin/accounts', { schema: listAccountsSchema }, async (request) => ({
    items: (await listStaff(services.db, request.caller().countyId)).map(accountView),
  }));

  app.post('/admin/accounts/:id/disable', { schema: setActiveSchema }, async (request) => {
    const staff = await setAccountActive(services, request.caller(), request.params.id, false);
    request.log.info({ staffId: staff.id }, 'account disabled');
    return accountView(staff);
  });

  app.post('/admin/accounts/:id/enable', { schema: setActiveSchema }, async (request) => {
    const staff = await setAccountActive(services, request.caller(), request.params.id, true);
    request.log.info({ staffId: staff.id }, 'account enabled');
    return accountView(staff);
  });

  app.post('/admin/accounts/:id/password', { schema: resetPasswordSchema }, async (request) => {
    const staff = await resetAccountPassword(services, request.caller(), request.params.id, request.body.password);
    request.log.info({ staffId: staff.id }, 'password set by the county admin; sessions ended');
    return accountView(staff);
  });

  app.post('/admin/api-tokens', { schema: issueTokenSchema }, async (request, reply) => {
    const { row, token } = await issueApiToken(services, request.caller(), request.body);
    request.log.info({ tokenId: row.id, integrationId: row.staff_id, unitId: row.unit_id, routes: row.routes, scope: row.scope }, 'API token issued');
    return reply.code(201).send({ ...tokenView(row), token });
  });

  app.get('/admin/api-tokens', { schema: listTokensSchema }, async (request) => ({
    items: (await listApiTokens(services.db, request.caller().countyId)).map(tokenView),
  }));

  app.delete('/admin/api-tokens/:id', { schema: revokeTokenSchema }, async (request, reply) => {
    await withdrawApiToken(services, request.caller(), request.params.id);
    request.log.info({ tokenId: request.params.id }, 'API token revoked');
    return reply.code(204).send(null);
  });

  app.get('/admin/access-log', { schema: accessLogSchema }, async (request) => {
    const rows = await listAccessLog(services.db, request.caller().countyId, { ...request.query, limit: request.query.limit ?? 100 });
    return {
      items: rows.map((r) => ({
        id: r.id,
        staffId: r.staff_id,
        householdId: r.household_id,
        ticketId: r.ticket_id,
        fields: r.fields,
        reason: r.reason,
        requestId: r.request_id,
        at: r.created_at.toISOString(),
      })),
    };
  });
};

export default adminRoutes;
