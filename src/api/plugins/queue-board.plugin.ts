// Queue dashboard (bull-board) at /admin/queues, behind basic auth and an authorize hook; register with that prefix.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE, type QueueSettings } from '../../workers/queues.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Runs before every dashboard route; refuses by sending a reply. */
export type QueueBoardGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface QueueBoardOptions {
  settings: QueueSettings;
  /** Mount the dashboard at all (ADMIN_QUEUES=1, or credentials set); off by default. */
  enabled: boolean;
  /** ADMIN_QUEUES_USER / ADMIN_QUEUES_PASSWORD. */
  basicAuth?: { username: string; password: string };
  /**
   * The role check (issue 4): e.g. only a county admin may see the queues. Runs after basic auth,
   * before every dashboard route, page and asset.
   */
  authorize?: QueueBoardGuard;
}

// Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const queueBoard: FastifyPluginAsync<QueueBoardOptions> = async (fastify, opts) => {
  if (!opts.enabled) return;
  const queues = Object.values(QUEUE).map((name) => new Queue(name, { connection: opts.settings.connection, prefix: opts.settings.prefix }));
  fastify.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
  });

  const { basicAuth, authorize } = opts;
  fastify.addHook('onRequest', async (request, reply) => {
    if (basicAuth) {
      const given = basicCredentials(request.headers.authorization);
      const ok = given !== undefined && sameSecret(given.username, basicAuth.username) && sameSecret(given.password, basicAuth.password);
      if (!ok) {
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="queues", charset="UTF-8"')
          .send({ code: 'unauthorized', message: 'Queue dashboard credentials are required' });
      }
    }
    if (authorize) {
      await authorize(request, reply);
      if (reply.sent) return reply;
    }
  });

  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Ticket queues' } },
  });
  await fastify.register(serverAdapter.registerPlugin());
};

export default queueBoard;
