// /v1/households/:id/link, /v1/me/status, /v1/units/:id/cadres: linkage (包联) and the cadre status board.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { cadreBoard, linkHousehold, setMyStatus } from '../../../services/linkage.service.js';
import { cadreBoardSchema, linkHouseholdSchema, myStatusSchema } from './schema.js';

const linkageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.put('/households/:id/link', { schema: linkHouseholdSchema }, async (request) => {
    const r = await linkHousehold(app.services, request.caller(), request.params.id, request.body.cadreId);
    request.log.info({ householdId: r.householdId, cadreId: r.cadreId, moved: r.movedTicketIds.length }, 'household linked');
    return { ...r, from: r.from.toISOString() };
  });

  app.put('/me/status', { schema: myStatusSchema }, async (request) => {
    const r = await setMyStatus(app.services, request.caller(), request.body.status);
    return { status: r.status, setAt: r.setAt.toISOString() };
  });

  app.get('/units/:id/cadres', { schema: cadreBoardSchema }, async (request) => ({
    items: (await cadreBoard(app.services, request.caller(), request.params.id)).map((r) => ({
      staffId: r.id,
      name: r.display_name,
      unitId: r.unit_id,
      status: r.status,
      statusAt: r.set_at ? r.set_at.toISOString() : null,
      households: Number(r.households),
    })),
  }));
};

export default linkageRoutes;
