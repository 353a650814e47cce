// Builds the Fastify instance around the app plugin: logger, request ids, validation settings.
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LoggerOptions } from 'pino';
import app, { type AppOptions } from './app.js';

/** Paths pino never prints: tokens, passwords and residents' phone and ID numbers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'password',
  '*.password',
  'phone',
  '*.phone',
  '*.*.phone',
  'idNumber',
  '*.idNumber',
  'token',
  '*.token',
];

export async function buildServer(opts: AppOptions, logger: LoggerOptions | boolean = true): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: typeof logger === 'boolean' ? (logger ? { redact: REDACT_PATHS } : false) : { redact: REDACT_PATHS, ...logger },
    requestIdHeader: 'x-request-id',
    ajv: {
      // Unknown fields are refused, not silently dropped; `discriminator` gives clear errors per event type.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, discriminator: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await fastify.register(app, opts);
  return fastify;
}
