// /v1/visits: a cadre's visit to a household (民情日志), optionally opening tickets in the same transaction.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { recordVisit } from '../../../services/visit.service.js';
import { createVisitSchema } from './schema.js';

const visitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/visits', { schema: createVisitSchema }, async (request, reply) => {
    const { visit: v, replayed } = await recordVisit(app.services, {
      actor: request.actor(),
      actorName: request.user.name,
      caller: request.caller(),
      input: request.body,
    });
    if (!replayed) request.log.info({ visitId: v.id, householdId: v.household_id, tickets: v.ticket_ids.length }, 'visit recorded');
    return reply.code(replayed ? 200 : 201).send({
      id: v.id,
      householdId: v.household_id,
      cadreId: v.cadre_id,
      visitedAt: v.visited_at.toISOString(),
      channel: v.channel,
      notes: v.notes,
      confirmed: v.confirmed,
      mustAttend: v.must_attend,
      deviceTime: v.device_time ? v.device_time.toISOString() : null,
      clientId: v.client_id,
      ticketIds: v.ticket_ids,
    });
  });
};

export default visitRoutes;
