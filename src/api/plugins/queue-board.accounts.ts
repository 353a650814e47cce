// The queue dashboard's role check: HTTP basic auth with a staff account, let in only if it is a county admin.
import { createHash } from 'node:crypto';
import { authenticate, type LoginPolicy } from '../../services/auth.service.js';
import type { ServiceContext } from '../../services/context.js';
import { DomainError } from '../../services/errors.js';
import { basicCredentials, type QueueBoardGuard } from './queue-board.plugin.js';

/** How long a checked login is trusted: the board polls every few seconds, and argon2 is slow on purpose. */
const TRUST_MS = 60_000;

/**
 * ADMIN_QUEUES=accounts: the browser asks for a username and password, checked as at `/v1/auth/login`
 * (failures count towards the lockout and the client address's login budget, a locked or disabled account
 * is refused); only a county admin
 * (县管理员) sees the board, since it can retry, remove and empty jobs. A login that passed is trusted for a
 * minute (a disabled account or a changed password takes that long to shut the board).
 */
export function countyAdminGuard(services: ServiceContext, policy?: LoginPolicy): QueueBoardGuard {
  const trusted = new Map<string, number>();
  return async (request, reply) => {
    const header = request.headers.authorization;
    const given = basicCredentials(header);
    const challenge = (message: string) =>
      reply.code(401).header('www-authenticate', 'Basic realm="queues", charset="UTF-8"').send({ code: 'unauthorized', message });
    if (!header || !given) return challenge('Log in with a county admin account');
    const key = createHash('sha256').update(header).digest('base64url');
    const until = trusted.get(key);
    if (until !== undefined && until > Date.now()) return;
    trusted.delete(key);
    try {
      // The same per-address budget as /v1/auth/login (429 beyond it): the board is no side door for guessing.
      await request.server.authAddressLimit.call(request.server, request, reply);
      const staff = await authenticate(services, given.username, given.password, policy);
      if (!staff.roles.includes('county_admin')) {
        return reply.code(403).send({ code: 'forbidden', message: 'The queue dashboard is for county admins only' });
      }
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_credentials') return challenge(err.message);
      if (err instanceof DomainError) return reply.code(err.status).send({ code: err.code, message: err.message });
      throw err;
    }
    if (trusted.size > 1000) trusted.clear();
    trusted.set(key, Date.now() + TRUST_MS);
  };
}
