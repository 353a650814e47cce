// /v1/auth: password login, refresh-token rotation and logout; the login and refresh routes are rate limited.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticate, changeOwnPassword, DEFAULT_LOGIN_POLICY, type LoginPolicy } from '../../../services/auth.service.js';
import { endSession, rotateRefreshToken, startSession, type SessionTokens } from '../../../services/session.service.js';
import type { Staff } from '../../../store/database.js';
import { DomainError } from '../../../services/errors.js';
import { changePasswordSchema, loginSchema, logoutSchema, refreshSchema } from './schema.js';

export interface AuthRouteOptions {
  /** Lifetime of a session and its refresh tokens, in ms. */
  refreshTtlMs?: number;
  login?: LoginPolicy;
}

const DEFAULT_REFRESH_TTL_MS = 14 * 86_400_000;

const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, opts) => {
  const expiresIn = String(app.jwt.options.sign?.expiresIn ?? '');
  const tokens = (staff: Staff, session: SessionTokens) => ({
    token: app.signAccessToken({
      sub: staff.id,
      cty: staff.county_id,
      unit: staff.unit_id,
      roles: staff.roles,
      name: staff.display_name,
      sid: session.sessionId,
    }),
    tokenType: 'Bearer' as const,
    expiresIn,
    refreshToken: session.refreshToken,
    refreshExpiresAt: session.refreshExpiresAt.toISOString(),
  });

  app.post('/auth/login', { schema: loginSchema, config: { rateLimit: app.authRateLimit }, preHandler: app.authAddressLimit }, async (request) => {
    const staff = await authenticate(app.services, request.body.username, request.body.password, opts.login ?? DEFAULT_LOGIN_POLICY);
    const session = await startSession(app.services, staff, opts.refreshTtlMs ?? DEFAULT_REFRESH_TTL_MS);
    request.log.info({ staffId: staff.id, sessionId: session.sessionId }, 'login');
    return tokens(staff, session);
  });

  app.post('/auth/refresh', { schema: refreshSchema, config: { rateLimit: app.authRateLimit } }, async (request) => {
    const { staff, ...session } = await rotateRefreshToken(app.services, request.body.refreshToken);
    request.log.info({ staffId: staff.id, sessionId: session.sessionId }, 'refresh token rotated');
    return tokens(staff, session);
  });

  app.post(
    '/auth/password',
    { schema: changePasswordSchema, onRequest: app.authenticate, config: { rateLimit: app.authRateLimit }, preHandler: app.authAddressLimit },
    async (request, reply) => {
      const caller = request.caller();
      if (caller.kind !== 'staff') throw new DomainError('forbidden', 'Integration accounts use API tokens, not passwords');
      await changeOwnPassword(app.services, caller.staffId, request.body.currentPassword, request.body.newPassword, opts.login ?? DEFAULT_LOGIN_POLICY);
      request.log.info({ staffId: caller.staffId }, 'password changed; sessions ended');
      return reply.code(204).send(null);
    },
  );

  app.post('/auth/logout', { schema: logoutSchema, onRequest: app.authenticate }, async (request, reply) => {
    const caller = request.caller();
    if (caller.kind === 'staff') await endSession(app.services, caller.sessionId);
    request.log.info({ staffId: caller.staffId, sessionId: caller.sessionId }, 'logout');
    return reply.code(204).send(null);
  });
};

export default authRoutes;
