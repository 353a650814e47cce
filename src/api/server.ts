// Builds the Fastify instance around the app plugin: logger, request ids, validation settings.
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream, LoggerOptions } from 'pino';
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
  'id_number',
  '*.id_number',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'password_hash',
  '*.password_hash',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

// Unknown fields are refused, never silently dropped; `discriminator` names the failing event type.
const AJV_BASE: AjvOptions = { removeAdditional: false, useDefaults: true, discriminator: true, allErrors: false, strict: false };

function ajv(options: AjvOptions): Ajv {
  const instance = new Ajv({ ...AJV_BASE, ...options });
  addFormats.default(instance);
  return instance;
}

/**
 * Query strings, params and headers arrive as text and are coerced (`?state=a&state=b`, `limit=50`);
 * JSON bodies are not, so `{"summary": 123}` is a 400 rather than the string "123".
 */
function validatorCompiler() {
  const coercing = ajv({ coerceTypes: 'array' });
  const strictBodies = ajv({ coerceTypes: false });
  return ({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) =>
    (httpPart === 'body' ? strictBodies : coercing).compile(schema as object);
}

/** A hop count becomes the function form Fastify types (trust the first n hops); the rest go as they are. */
const trustedProxies = (trust: boolean | number | string[]) =>
  typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;

/** `stream` sends the log lines somewhere other than stdout (tests read them back). */
export async function buildServer(opts: AppOptions, logger: LoggerOptions | boolean = true, stream?: DestinationStream): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: typeof logger === 'boolean' ? (logger ? { redact: REDACT_PATHS, stream } : false) : { redact: REDACT_PATHS, ...logger, stream },
    requestIdHeader: 'x-request-id',
    // Open311 clients append paths to an endpoint URL that ends in '/', e.g. /open311/v2//requests.xml.
    routerOptions: { ignoreDuplicateSlashes: true },
    // Behind a reverse proxy or load balancer: which hops to believe about the client's address (X-Forwarded-For).
    trustProxy: trustedProxies(opts.access?.trustProxy ?? false),
  }).withTypeProvider<TypeBoxTypeProvider>();
  fastify.setValidatorCompiler(validatorCompiler());
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await fastify.register(app, opts);
  return fastify;
}
