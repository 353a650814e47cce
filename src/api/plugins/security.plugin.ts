// Security headers (helmet), the CORS allow-list and the rate limiter the login and token routes opt into.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { isIPv6 } from 'node:net';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { DomainError } from '../../services/errors.js';

export interface SecurityOptions {
  /** Browser origins allowed to call the API; none when empty. */
  corsOrigins?: string[];
  /** Requests per minute to each login and token route, per client address (and username for login). */
  authRateLimit?: number;
  /** Requests per minute to the login and token routes together, per client address, whatever the username. */
  authAddressRateLimit?: number;
  /** Count in Redis under this key prefix, so every API instance shares one budget; in this process when absent. */
  sharedStore?: { redis: Redis; nameSpace: string };
}

export interface RouteRateLimit {
  max: number;
  timeWindow: number;
  hook: 'preHandler';
  keyGenerator: (request: FastifyRequest) => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `config.rateLimit` for the login and token routes. */
    authRateLimit: RouteRateLimit;
    /** preHandler for the same routes: one budget per client address across usernames and routes. */
    authAddressLimit: preHandlerAsyncHookHandler;
  }
}

/**
 * The client a counter belongs to: its IPv4 address, or the /64 network of an IPv6 one (a single host
 * commonly holds a whole /64 and could otherwise rotate its way past any budget).
 */
export function clientKey(ip: string): string {
  if (!isIPv6(ip) || ip.toLowerCase().startsWith('::ffff:')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

const usernameOf = (body: unknown): string =>
  body !== null && typeof body === 'object' && 'username' in body && typeof body.username === 'string' ? body.username.toLowerCase() : '';

export default fp<SecurityOptions>(
  async (app, opts) => {
    await app.register(helmet, {
      // The API serves JSON; the only pages are Swagger UI's, whose assets are same-origin. No forced
      // upgrade to https: on a plain-http development server it would break /docs (HSTS covers TLS).
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], upgradeInsecureRequests: null },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
    });
    const allowed = new Set(opts.corsOrigins ?? []);
    await app.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
    // Nothing is limited unless a route asks. Counters live in Redis when shared (a Redis that cannot answer
    // lets requests through: the lockout in PostgreSQL still stops guessing), else in this process.
    await app.register(rateLimit, {
      global: false,
      ...(opts.sharedStore ? { redis: opts.sharedStore.redis, nameSpace: opts.sharedStore.nameSpace, skipOnError: true } : {}),
      errorResponseBuilder: (_request, context) =>
        new DomainError('rate_limited', `Too many requests; retry in ${context.after}`),
    });
    app.decorate('authRateLimit', {
      max: opts.authRateLimit ?? 10,
      timeWindow: 60_000,
      // preHandler: the body is parsed, so login attempts are counted per address and username.
      hook: 'preHandler',
      keyGenerator: (request: FastifyRequest) => `${clientKey(request.ip)}|${request.routeOptions.url ?? ''}|${usernameOf(request.body)}`,
    });
    // The budget above is per username, so one address could try a password on many usernames (spraying):
    // this one counts every login and password change from the address (and the queue board's logins).
    // (The plugin runs one limiter per request, so this one is applied by hand.)
    const perAddress = app.createRateLimit({
      max: opts.authAddressRateLimit ?? 60,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `address|${clientKey(request.ip)}`,
    });
    app.decorate('authAddressLimit', async (request, reply) => {
      const limit = await perAddress(request);
      if (limit.isAllowed || !limit.isExceeded) return;
      reply.header('retry-after', limit.ttlInSeconds);
      throw new DomainError('rate_limited', `Too many requests; retry in ${limit.ttlInSeconds} s`);
    });
  },
  { name: 'security', dependencies: ['errors'] },
);
