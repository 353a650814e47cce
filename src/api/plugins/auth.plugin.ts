// Bearer JWT: signs tokens at login and puts the calling staff member on `request.user`.
import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../services/context.js';

export interface TokenClaims {
  sub: string;
  cty: string;
  unit: string;
  roles: string[];
  name: string;
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
  }
  interface FastifyRequest {
    actor: () => StaffActor;
  }
}

export default fp<{ secret: string; ttl: string }>(
  async (app, opts) => {
    await app.register(jwt, { secret: opts.secret, sign: { expiresIn: opts.ttl } });
    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await request.jwtVerify();
      } catch {
        await reply.code(401).send({ code: 'unauthorized', message: 'A valid Bearer token is required' });
      }
    });
    app.decorateRequest('actor', function actor(this: FastifyRequest): StaffActor {
      return { kind: 'staff', staffId: this.user.sub, countyId: this.user.cty };
    });
  },
  { name: 'auth', dependencies: ['core'] },
);
