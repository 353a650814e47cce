// One error handler: domain errors, validation and client mistakes become `{code, message}` 4xx; the rest a bare 500.
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { DomainError } from '../../services/errors.js';

const PG_CLIENT_ERRORS: Record<string, { status: number; code: string }> = {
  '22P02': { status: 400, code: 'validation_failed' }, // invalid text representation (e.g. a bad uuid)
  '22007': { status: 400, code: 'validation_failed' }, // invalid datetime
  '22008': { status: 400, code: 'validation_failed' },
  '22021': { status: 400, code: 'validation_failed' }, // a character PostgreSQL cannot store (NUL)
  '22P05': { status: 400, code: 'validation_failed' }, // untranslatable character
};

// Fastify's own client errors, under names a client can act on.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
};
const clientCode = (code: string | undefined): string =>
  (code && FASTIFY_CODES[code]) ?? (code?.startsWith('FST_ERR_') ? code.slice(8).toLowerCase() : 'bad_request');

export default fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) => {
      void reply.code(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url}` });
    });
    app.setErrorHandler((error: FastifyError & { code?: string }, request, reply) => {
      if (error instanceof DomainError) {
        if (error.status >= 500) {
          request.log.error({ err: error }, 'domain error');
          return reply.code(error.status).send({ code: error.code, message: 'Internal error' });
        }
        return reply.code(error.status).send({ code: error.code, message: error.message, ...error.details });
      }
      if (error.validation) {
        return reply.code(400).send({ code: 'validation_failed', message: error.message });
      }
      const pg = error.code ? PG_CLIENT_ERRORS[error.code] : undefined;
      if (pg) return reply.code(pg.status).send({ code: pg.code, message: 'A value has the wrong format' });
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply.code(status).send({ code: clientCode(error.code), message: error.message });
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ code: 'internal_error', message: 'Internal error' });
    });
  },
  { name: 'errors' },
);
