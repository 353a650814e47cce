// /v1 routes of the Open311 capability: a ticket's requester (masked; full numbers logged) and unit locations for routing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listUnitPlaces, saveUnitPlaces } from '../../../services/open311/places.service.js';
import { requesterOf, revealRequester } from '../../../services/open311/requester.service.js';
import { listPlacesSchema, requesterContactSchema, requesterSchema, savePlacesSchema } from './schema.js';

const open311StaffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/tickets/:id/requester', { schema: requesterSchema }, async (request) => requesterOf(app.services, request.caller(), request.params.id));

  app.get('/tickets/:id/requester/contact', { schema: requesterContactSchema }, async (request) => {
    const contact = await revealRequester(app.services, request.caller(), { ticketId: request.params.id, reason: request.query.reason, requestId: request.id });
    request.log.info({ ticketId: contact.ticketId }, 'requester contact revealed');
    return contact;
  });

  app.get('/admin/open311/places', { schema: listPlacesSchema }, async (request) => ({ items: await listUnitPlaces(app.services, request.caller()) }));

  app.put('/admin/open311/places', { schema: savePlacesSchema }, async (request) => {
    const items = await saveUnitPlaces(app.services, request.caller(), request.body.items);
    request.log.info({ count: request.body.items.length }, 'open311 unit locations saved');
    return { items };
  });
};

export default open311StaffRoutes;
