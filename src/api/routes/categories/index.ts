// /v1/categories: what a ticket can be registered as (read by every account); /v1/admin/categories/:code: the county admin's edit.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listCategories, saveCategory } from '../../../services/categories.service.js';
import { listCategoriesSchema, saveCategorySchema } from './schema.js';

const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/categories', { schema: listCategoriesSchema }, async (request) => ({
    items: await listCategories(app.services, request.caller(), { includeRetired: request.query.includeRetired }),
  }));

  app.put('/admin/categories/:code', { schema: saveCategorySchema }, async (request) => {
    const category = await saveCategory(app.services, request.caller(), request.params.code, request.body);
    request.log.info({ code: category.code, active: category.active }, 'category saved');
    return category;
  });
};

export default categoryRoutes;
