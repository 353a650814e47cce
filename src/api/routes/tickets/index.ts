// /v1/tickets: register, read with timeline, send events, and list with filters; all within the caller's jurisdiction.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TIMER_EVENTS } from '../../../engine/ticket.events.js';
import { registerTicket } from '../../../services/register-ticket.service.js';
import { transitionTicket, type EventInput } from '../../../services/transition-ticket.service.js';
import { getTicketDetail, toTicketView } from '../../../services/ticket-view.service.js';
import { listTicketsPage } from '../../../services/list-tickets.service.js';
import { DomainError } from '../../../services/errors.js';
import { createTicketSchema, getTicketSchema, listTicketsSchema, postEventSchema } from './schema.js';

const timerEvents: readonly string[] = TIMER_EVENTS;

const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/tickets', { schema: createTicketSchema }, async (request, reply) => {
    const { ticket, replayed } = await registerTicket(app.services, {
      actor: request.actor(),
      actorName: request.user.name,
      caller: request.caller(),
      input: request.body,
      idempotencyKey: request.headers['idempotency-key'],
    });
    if (!replayed) request.log.info({ ticketId: ticket.id, number: ticket.number, state: ticket.state }, 'ticket registered');
    return reply.code(replayed ? 200 : 201).send(toTicketView(ticket, app.services.now()));
  });

  app.get('/tickets/:id', { schema: getTicketSchema }, async (request) =>
    getTicketDetail(app.services, request.caller(), request.params.id),
  );

  app.post('/tickets/:id/events', { schema: postEventSchema }, async (request) => {
    const { expectedVersion, ...event } = request.body as typeof request.body & { expectedVersion?: number };
    if (timerEvents.includes(event.type)) {
      throw new DomainError('worker_only_event', `${event.type} is sent by the system only (deadline workers, calendar loads)`);
    }
    const ticket = await transitionTicket(app.services, {
      countyId: request.user.cty,
      ticketId: request.params.id,
      event: event as EventInput,
      actor: { kind: 'staff', staffId: request.user.sub },
      actorName: request.user.name,
      expectedVersion,
      caller: request.caller(),
    });
    request.log.info({ ticketId: ticket.id, event: event.type, state: ticket.state, version: ticket.version }, 'ticket event');
    return getTicketDetail(app.services, request.caller(), ticket.id);
  });

  app.get('/tickets', { schema: listTicketsSchema }, async (request) =>
    listTicketsPage(app.services, request.caller(), request.query),
  );
};

export default ticketRoutes;
