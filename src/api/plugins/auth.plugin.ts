// Bearer authentication: short-lived JWTs of a live session, or an integration's API token; puts the caller on the request.
import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../services/context.js';
import type { Caller } from '../../services/access.service.js';
import { DomainError } from '../../services/errors.js';
import { resolveApiToken, resolveSessionCaller } from '../../services/session.service.js';
import { API_TOKEN_PREFIX } from '../../services/token-secret.js';

export interface TokenClaims {
  sub: string;
  cty: string;
  unit: string;
  roles: string[];
  name: string;
  /** Login session (or API token) the request runs under; checked live on every request. */
  sid: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Signs an access token on the service clock, so tests can expire it without waiting. */
    signAccessToken: (claims: TokenClaims) => string;
  }
  interface FastifyRequest {
    actor: () => StaffActor;
    /** The authenticated caller, as loaded from the database for this request. */
    caller: () => Caller;
    principal: Caller | null;
  }
}

export interface AuthOptions {
  secret: string;
  ttl: string;
  /** Earlier secrets still accepted for verification while a rotation settles. */
  previousSecrets?: string[];
}

const claimsOf = (c: Caller): TokenClaims => ({ sub: c.staffId, cty: c.countyId, unit: c.unitId, roles: c.roles, name: c.name, sid: c.sessionId });
const errorCode = (err: unknown): string | undefined =>
  err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

export default fp<AuthOptions>(
  async (app, opts) => {
    // HS256 only: a token naming another algorithm (or none) is refused before its claims are read.
    await app.register(jwt, { secret: opts.secret, sign: { expiresIn: opts.ttl, algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
    const keys = [undefined, ...(opts.previousSecrets ?? [])];

    const verifyJwt = (token: string): TokenClaims => {
      const clockTimestamp = app.services.now().getTime();
      for (const key of keys) {
        try {
          return app.jwt.verify<TokenClaims>(token, key === undefined ? { clockTimestamp } : { key, clockTimestamp });
        } catch (err) {
          const code = errorCode(err);
          if (code === 'FAST_JWT_EXPIRED') throw new DomainError('token_expired', 'The access token has expired; refresh it');
          if (code !== 'FAST_JWT_INVALID_SIGNATURE') break;
        }
      }
      throw new DomainError('unauthorized', 'A valid Bearer token is required');
    };

    app.decorate('signAccessToken', (claims: TokenClaims) => app.jwt.sign(claims, { clockTimestamp: app.services.now().getTime() }));
    app.decorateRequest('principal', null);
    // Errors thrown here go through the one error handler, as `{code, message}`.
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (token === '') throw new DomainError('unauthorized', 'A valid Bearer token is required');
      if (token.startsWith(API_TOKEN_PREFIX)) {
        const { caller, routes, scope } = await resolveApiToken(app.services, token);
        const route = `${request.method} ${request.routeOptions.url ?? ''}`;
        // An Open311 token speaks only /open311/v2, whatever its route list says.
        if (scope !== 'v1' || !routes.includes(route)) throw new DomainError('route_not_in_scope', `This API token may not call ${route}`);
        request.principal = caller;
        request.user = claimsOf(caller);
        return;
      }
      const claims = verifyJwt(token);
      if (typeof claims.sid !== 'string') throw new DomainError('unauthorized', 'A valid Bearer token is required');
      const caller = await resolveSessionCaller(app.services, claims.sub, claims.sid);
      request.principal = caller;
      // Roles and unit as they are now, not as they were at login.
      request.user = claimsOf(caller);
    });
    app.decorateRequest('actor', function actor(this: FastifyRequest): StaffActor {
      return { kind: 'staff', staffId: this.user.sub, countyId: this.user.cty };
    });
    app.decorateRequest('caller', function caller(this: FastifyRequest): Caller {
      if (this.principal === null) throw new DomainError('unauthorized', 'A valid Bearer token is required');
      return this.principal;
    });
  },
  { name: 'auth', dependencies: ['core'] },
);
