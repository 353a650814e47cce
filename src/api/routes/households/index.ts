// PATCH /v1/households/:id: the town office or village records a household's kind and 五必访 key tags.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { setHouseholdKindAndTags } from '../../../services/household.service.js';
import { patchHouseholdSchema } from './schema.js';

const householdRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.patch('/households/:id', { schema: patchHouseholdSchema }, async (request) => {
    const h = await setHouseholdKindAndTags(app.services, request.caller(), request.params.id, request.body);
    request.log.info({ householdId: h.id, kind: h.kind, keyTags: h.key_tags }, 'household kind and tags set');
    return { id: h.id, unitId: h.unit_id, code: h.code, headName: h.head_name, kind: h.kind, keyTags: h.key_tags };
  });
};

export default householdRoutes;
