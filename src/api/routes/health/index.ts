// Liveness (/healthz) and readiness (/readyz: PostgreSQL and Redis answer).
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { calendarReadiness } from '../../../services/calendar.service.js';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const check = async (fn: () => Promise<unknown>): Promise<'ok' | 'down'> => {
      try {
        await fn();
        return 'ok';
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        return 'down';
      }
    };
    const [postgres, redis] = await Promise.all([
      check(() => sql`select 1`.execute(app.services.db)),
      check(() => app.redis.ping()),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    // A calendar without next year's holidays still serves: deadlines fall back to weekdays, flagged here.
    let calendar: Awaited<ReturnType<typeof calendarReadiness>> | 'unknown' = 'unknown';
    if (postgres === 'ok') calendar = await calendarReadiness(app.services);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', postgres, redis, calendar });
  });
};

export default healthRoutes;
