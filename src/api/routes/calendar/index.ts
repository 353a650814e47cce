// /v1/calendar: load next year's official schedule or local closures; see whether the calendar is complete.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { calendarHealth, loadCalendarYear } from '../../../services/calendar.service.js';
import { DomainError } from '../../../services/errors.js';
import { calendarStatusSchema, loadYearSchema } from './schema.js';

const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.put('/calendar/years/:year', { schema: loadYearSchema }, async (request) => {
    if (!request.user.roles.includes('county_admin')) {
      throw new DomainError('forbidden', 'Only a county admin loads the calendar');
    }
    const { year } = request.params;
    const result = await loadCalendarYear(
      app.services,
      { year, holidays: request.body.holidays, workdays: request.body.workdays },
      { countyId: request.user.cty, source: request.body.source ?? `api:${request.user.sub}` },
    );
    request.log.info({ year, ...result }, 'calendar year loaded');
    return { year, holidays: result.holidays, workdays: result.workdays, recomputedDeadlines: result.recomputed, recomputeFailures: result.failed };
  });

  app.get('/calendar/status', { schema: calendarStatusSchema }, async (request) => calendarHealth(app.services, request.user.cty));
};

export default calendarRoutes;
