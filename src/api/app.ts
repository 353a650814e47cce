// The API as one Fastify plugin: decorators, error handling, docs, metrics and the /v1 routes.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ServiceContext } from '../services/context.js';
import errorsPlugin from './plugins/errors.plugin.js';
import authPlugin from './plugins/auth.plugin.js';
import securityPlugin from './plugins/security.plugin.js';
import type { LoginPolicy } from '../services/auth.service.js';
import metricsPlugin from './plugins/metrics.plugin.js';
import docsPlugin from './plugins/docs.plugin.js';
import queueBoardPlugin, { QUEUE_BOARD_PATH, type QueueBoardOptions } from './plugins/queue-board.plugin.js';
import healthRoutes from './routes/health/index.js';
import authRoutes from './routes/auth/index.js';
import ticketRoutes from './routes/tickets/index.js';
import directoryRoutes from './routes/directory/index.js';
import calendarRoutes from './routes/calendar/index.js';
import adminRoutes from './routes/admin/index.js';
import linkageRoutes from './routes/linkage/index.js';
import visitRoutes from './routes/visits/index.js';
import coverageRoutes from './routes/coverage/index.js';
import importRoutes from './routes/imports/index.js';
import householdRoutes from './routes/households/index.js';
import syncRoutes from './routes/sync/index.js';
import categoryRoutes from './routes/categories/index.js';
import open311StaffRoutes from './routes/open311/index.js';
import open311, { type Open311Options } from './open311/index.js';

export interface AppOptions {
  services: ServiceContext;
  redis: Redis;
  jwtSecret: string;
  /** Access token lifetime, e.g. '15m'. */
  tokenTtl?: string;
  /** Sessions, login protection and browser access (docs/SECURITY.md); defaults suit tests and development. */
  access?: AccessOptions;
  /** The queues this API can see: the dashboard at /admin/queues mounts only with them (and when enabled). */
  queues?: QueueBoardOptions;
  /** Registry behind /metrics; pass one to share it with workers in the same process. */
  metrics?: Registry;
  /** The Open311 endpoint's rate limits (README: Open311). */
  open311?: Open311Options;
}

export interface AccessOptions {
  refreshTtlMs?: number;
  /** Old JWT secrets still accepted while a rotation settles. */
  previousJwtSecrets?: string[];
  corsOrigins?: string[];
  /** Login and token requests per minute per client address and username. */
  authRateLimit?: number;
  /** Login and token requests per minute per client address, all usernames together. */
  authAddressRateLimit?: number;
  /** Count rate limits in Redis (the app's client) under this prefix, shared by every API instance. */
  sharedRateLimits?: { nameSpace: string };
  /** Fastify's trustProxy (TRUST_PROXY): the proxies whose X-Forwarded-For names the client. */
  trustProxy?: boolean | number | string[];
  login?: LoginPolicy;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: ServiceContext;
    redis: Redis;
  }
}

const core = fp<AppOptions>(
  async (app, opts) => {
    app.decorate('services', opts.services);
    app.decorate('redis', opts.redis);
  },
  { name: 'core' },
);

const app: FastifyPluginAsync<AppOptions> = async (fastify, opts) => {
  await fastify.register(core, opts);
  await fastify.register(errorsPlugin);
  // Before any route: helmet and CORS hooks, and the rate limiter that routes opt into.
  await fastify.register(securityPlugin, {
    corsOrigins: opts.access?.corsOrigins, authRateLimit: opts.access?.authRateLimit, authAddressRateLimit: opts.access?.authAddressRateLimit,
    sharedStore: opts.access?.sharedRateLimits ? { redis: opts.redis, nameSpace: opts.access.sharedRateLimits.nameSpace } : undefined,
  });
  await fastify.register(metricsPlugin, { registry: opts.metrics });
  await fastify.register(docsPlugin);
  await fastify.register(authPlugin, { secret: opts.jwtSecret, ttl: opts.tokenTtl ?? '15m', previousSecrets: opts.access?.previousJwtSecrets });
  await fastify.register(healthRoutes);
  await fastify.register(authRoutes, { prefix: '/v1', refreshTtlMs: opts.access?.refreshTtlMs, login: opts.access?.login });
  await fastify.register(ticketRoutes, { prefix: '/v1' });
  await fastify.register(directoryRoutes, { prefix: '/v1' });
  await fastify.register(calendarRoutes, { prefix: '/v1' });
  await fastify.register(adminRoutes, { prefix: '/v1' });
  await fastify.register(linkageRoutes, { prefix: '/v1' });
  await fastify.register(visitRoutes, { prefix: '/v1' });
  await fastify.register(coverageRoutes, { prefix: '/v1' });
  await fastify.register(importRoutes, { prefix: '/v1' });
  await fastify.register(householdRoutes, { prefix: '/v1' });
  await fastify.register(syncRoutes, { prefix: '/v1' });
  await fastify.register(categoryRoutes, { prefix: '/v1' });
  await fastify.register(open311StaffRoutes, { prefix: '/v1' });
  // Open311 is an API face of its own: XML and JSON, its own errors and api_key, over the same services.
  await fastify.register(open311, { prefix: '/open311', ...opts.open311 });
  // The role check is `queues.authorize`: countyAdminGuard (ADMIN_QUEUES=accounts) lets county admins in.
  if (opts.queues) await fastify.register(queueBoardPlugin, { ...opts.queues, prefix: QUEUE_BOARD_PATH });
};

export default app;
