// /v1/coverage: 入户率 of a unit for a period, for supervision.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { coverageReport } from '../../../services/coverage.service.js';
import { coverageSchema } from './schema.js';

const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.get('/coverage', { schema: coverageSchema }, async (request) => coverageReport(app.services, request.caller(), request.query));
};

export default coverageRoutes;
