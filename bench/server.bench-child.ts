// The API alone in its own process for the benchmarks, so autocannon never shares its event loop.
import { Redis } from 'ioredis';
import { buildServer } from '../src/api/server.js';
import { createServiceContext } from '../src/services/context.js';
import { createDb } from '../src/store/db.js';

const databaseUrl = process.env.BENCH_CHILD_DATABASE_URL;
const jwtSecret = process.env.BENCH_JWT_SECRET;
if (!databaseUrl || !jwtSecret) throw new Error('Started by bench/harness.ts: BENCH_CHILD_DATABASE_URL and BENCH_JWT_SECRET are required');

// The pool size is the application's default unless a run asks otherwise.
const poolMax = process.env.BENCH_POOL_MAX ? Number(process.env.BENCH_POOL_MAX) : undefined;
const db = createDb(databaseUrl, poolMax === undefined ? {} : { max: poolMax });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
// The real clock, calendar and county settings, as `npm start` builds them; no logger, as in production load.
const app = await buildServer({ services: createServiceContext(db), redis, jwtSecret }, false);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('API is not listening on a TCP port');
process.stdout.write(`port=${address.port}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await db.destroy();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
