// /v1/coverage: 入户率 of a unit for a period, the towns' periods (month or half month) and the stored reports.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { coverageReport } from '../../../services/coverage.service.js';
import { listPeriods, setPeriod } from '../../../services/coverage-period.service.js';
import { getStoredReport, listStoredReports, myStoredCoverage } from '../../../services/coverage-report.service.js';
import { coverageSchema, getReportSchema, listPeriodsSchema, listReportsSchema, myCoverageSchema, setPeriodSchema } from './schema.js';

const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  app.get('/coverage', { schema: coverageSchema }, async (request) => coverageReport(app.services, request.caller(), request.query));
  app.get('/coverage/periods', { schema: listPeriodsSchema }, async (request) => ({ items: await listPeriods(app.services, request.caller()) }));
  app.put('/coverage/periods/:townId', { schema: setPeriodSchema }, async (request) => {
    const town = await setPeriod(app.services, request.caller(), request.params.townId, request.body.period);
    request.log.info({ townId: town.townId, period: town.period }, 'coverage period set');
    return town;
  });
  app.get('/coverage/reports', { schema: listReportsSchema }, async (request) => listStoredReports(app.services, request.caller(), request.query));
  app.get('/coverage/reports/:id', { schema: getReportSchema }, async (request) => getStoredReport(app.services, request.caller(), request.params.id));
  app.get('/coverage/me', { schema: myCoverageSchema }, async (request) => myStoredCoverage(app.services, request.caller(), request.query));
};

export default coverageRoutes;
