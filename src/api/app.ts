// The API as one Fastify plugin: decorators, error handling, docs, metrics and the /v1 routes.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { ServiceContext } from '../services/context.js';
import errorsPlugin from './plugins/errors.plugin.js';
import authPlugin from './plugins/auth.plugin.js';
import metricsPlugin from './plugins/metrics.plugin.js';
import docsPlugin from './plugins/docs.plugin.js';
import healthRoutes from './routes/health/index.js';
import authRoutes from './routes/auth/index.js';
import ticketRoutes from './routes/tickets/index.js';
import directoryRoutes from './routes/directory/index.js';

export interface AppOptions {
  services: ServiceContext;
  redis: Redis;
  jwtSecret: string;
  /** Access token lifetime, e.g. '15m'. */
  tokenTtl?: string;
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
  await fastify.register(metricsPlugin);
  await fastify.register(docsPlugin);
  await fastify.register(authPlugin, { secret: opts.jwtSecret, ttl: opts.tokenTtl ?? '8h' });
  await fastify.register(healthRoutes);
  await fastify.register(authRoutes, { prefix: '/v1' });
  await fastify.register(ticketRoutes, { prefix: '/v1' });
  await fastify.register(directoryRoutes, { prefix: '/v1' });
};

export default app;
