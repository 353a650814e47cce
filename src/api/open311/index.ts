// The Open311 face (GeoReport v2 at /open311/v2, mySociety's servicerequestupdates): XML and JSON, its own errors, over the same services.
import { createHash } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../services/errors.js';
import { isKeyed, resolveClient } from '../../services/open311/client.service.js';
import { discovery } from '../../services/open311/discovery.service.js';
import { fileRequest } from '../../services/open311/file-request.service.js';
import { getOpen311Request, listOpen311Requests, requestForToken } from '../../services/open311/request-view.service.js';
import { listServices, serviceDefinition } from '../../services/open311/services.service.js';
import { listUpdates, postComment } from '../../services/open311/updates.service.js';
import { findCountyByCode } from '../../store/open311/places.repository.js';
import { clientKey } from '../plugins/security.plugin.js';
import { open311ErrorHandler, open311NotFound } from './errors.js';
import { List, sendAs } from './format.js';
import * as s from './schema.js';

export interface Open311Options {
  /** Requests a minute per api_key. */
  rateLimit?: number;
  /** Requests a minute per client address, keyed or not. */
  addressRateLimit?: number;
}

/** The spec bounds descriptions at 4,000 characters; a form is a few kilobytes. */
const BODY_LIMIT = 64 * 1024;

const arg = (request: FastifyRequest, name: string): string | undefined => {
  for (const source of [request.body, request.query]) {
    if (source !== null && typeof source === 'object' && name in source) {
      const v = (source as Record<string, unknown>)[name];
      if (typeof v === 'string') return v;
    }
  }
  return undefined;
};

/** `a,b&status=c` → [a, b, c]; absent stays absent (the spec: optional means not filtered). */
const list = (values: string[] | undefined): string[] | undefined => {
  const out = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return out.length > 0 ? out : undefined;
};

const flag = (v: 'true' | 'false' | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true');

const open311: FastifyPluginAsyncTypebox<Open311Options> = async (app, opts) => {
  const { services } = app;
  // Form bodies exactly as clients send them (no charset: UTF-8); multipart is refused in the spec's format.
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  app.setErrorHandler(open311ErrorHandler);
  app.setNotFoundHandler(open311NotFound);

  // Every call spends its address's budget; a call with an api_key also spends that key's.
  const perAddress = app.createRateLimit({ max: opts.addressRateLimit ?? 300, timeWindow: 60_000, keyGenerator: (r) => `open311|address|${clientKey(r.ip)}` });
  const perKey = app.createRateLimit({
    max: opts.rateLimit ?? 120,
    timeWindow: 60_000,
    keyGenerator: (r) => `open311|key|${createHash('sha256').update(arg(r, 'api_key') ?? '').digest('hex')}`,
  });
  app.addHook('preHandler', async (request, reply) => {
    const key = arg(request, 'api_key')?.trim();
    for (const limiter of key ? [perAddress, perKey] : [perAddress]) {
      const limit = await limiter(request);
      if (limit.isAllowed || !limit.isExceeded) continue;
      reply.header('retry-after', limit.ttlInSeconds);
      throw new DomainError('rate_limited', `请求过于频繁，请 ${limit.ttlInSeconds} 秒后重试 (too many requests; retry in ${limit.ttlInSeconds} s)`);
    }
  });

  const client = (request: FastifyRequest, requireKey = false) =>
    resolveClient(services, { apiKey: arg(request, 'api_key'), jurisdictionId: arg(request, 'jurisdiction_id'), requireKey });

  // The discovery document is the provider's, not a county's: a jurisdiction_id only dates its changeset.
  const sendDiscovery = async (request: FastifyRequest) => {
    const code = arg(request, 'jurisdiction_id')?.trim();
    const county = code ? await findCountyByCode(services.db, code) : undefined;
    if (code && !county) throw new DomainError('not_found', `jurisdiction_id 不存在 (jurisdiction_id not found: ${code})`);
    const d = await discovery(services, `${request.protocol}://${request.host}/open311/v2/`, county?.id);
    return { ...d, endpoints: new List('endpoint', d.endpoints.map((e) => ({ ...e, formats: new List('format', e.formats) }))) };
  };
  app.get('/discovery.:format', { schema: s.discoverySchema }, async (request, reply) => sendAs(reply, request.params.format, 'discovery', await sendDiscovery(request)));
  app.get('/v2/discovery.:format', { schema: s.discoverySchema }, async (request, reply) => sendAs(reply, request.params.format, 'discovery', await sendDiscovery(request)));

  app.get('/v2/services.:format', { schema: s.servicesSchema }, async (request, reply) => {
    const { countyId } = await client(request);
    return sendAs(reply, request.params.format, 'services', new List('service', await listServices(services, countyId)));
  });

  app.get('/v2/services/:code.:format', { schema: s.serviceDefinitionSchema }, async (request, reply) => {
    const { countyId } = await client(request);
    const d = await serviceDefinition(services, countyId, request.params.code);
    const attributes = d.attributes.map((a) => ({ ...a, values: a.values && new List('value', a.values) }));
    return sendAs(reply, request.params.format, 'service_definition', { service_code: d.service_code, attributes: new List('attribute', attributes) });
  });

  app.post('/v2/requests.:format', { schema: s.postRequestSchema, bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const c = await client(request, true);
    if (!isKeyed(c)) throw new DomainError('unauthorized', 'api_key required');
    const filed = await fileRequest(services, c, request.body);
    request.log.info({ number: filed.service_request_id, tokenId: c.caller.sessionId }, 'open311 request filed');
    return sendAs(reply, request.params.format, 'service_requests', new List('request', [filed]), 201);
  });

  app.get('/v2/requests.:format', { schema: s.listRequestsSchema }, async (request, reply) => {
    const q = request.query;
    const items = await listOpen311Requests(services, await client(request), {
      serviceRequestIds: list(q.service_request_id),
      serviceCodes: list(q.service_code),
      statuses: list(q.status),
      startDate: q.start_date,
      endDate: q.end_date,
      extended: flag(q.extended_statuses),
    });
    return sendAs(reply, request.params.format, 'service_requests', new List('request', items));
  });

  app.get('/v2/requests/:id.:format', { schema: s.getRequestSchema }, async (request, reply) => {
    const items = await getOpen311Request(services, await client(request), request.params.id, flag(request.query.extended_statuses));
    return sendAs(reply, request.params.format, 'service_requests', new List('request', items));
  });

  app.get('/v2/tokens/:token.:format', { schema: s.tokenSchema }, async (request, reply) => {
    const items = await requestForToken(services, await client(request), request.params.token);
    return sendAs(reply, request.params.format, 'service_requests', new List('request', items));
  });

  app.get('/v2/servicerequestupdates.:format', { schema: s.listUpdatesSchema }, async (request, reply) => {
    const q = request.query;
    const items = await listUpdates(services, await client(request), { startDate: q.start_date, endDate: q.end_date, extended: flag(q.extended_statuses) });
    return sendAs(reply, request.params.format, 'service_request_updates', new List('request_update', items));
  });

  app.post('/v2/servicerequestupdates.:format', { schema: s.postUpdateSchema, bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const c = await client(request, true);
    if (!isKeyed(c)) throw new DomainError('unauthorized', 'api_key required');
    const posted = await postComment(services, c, request.body);
    request.log.info({ updateId: posted.update_id, tokenId: c.caller.sessionId }, 'open311 comment posted');
    return sendAs(reply, request.params.format, 'service_request_updates', new List('request_update', [posted]));
  });
};

export default open311;
