// Calendar routes' schemas: load a year's holidays and make-up workdays, read the calendar's health.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses } from '../common.schema.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Days = Type.Union([Type.Array(Day, { maxItems: 366 }), Type.Record(Type.String(), Type.String())]);

export const loadYearSchema = {
  tags: ['calendar'],
  summary: "Load a year's official holidays and make-up workdays (调休) for the caller's county (county admin)",
  params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
  body: Type.Object({ holidays: Days, workdays: Days, source: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      year: Type.Integer(),
      holidays: Type.Integer(),
      workdays: Type.Integer(),
      recomputedDeadlines: Type.Integer({ description: 'Open deadlines guessed on plain weekdays, now worked out on the loaded calendar' }),
      recomputeFailures: Type.Integer({ description: 'Guessed deadlines that could not be worked out again (logged; the reconcile sweep tries again)' }),
    }),
    ...errorResponses,
  },
};

export const calendarStatusSchema = {
  tags: ['calendar'],
  summary: 'Whether deadlines in the coming months can use official calendar data',
  response: {
    200: Type.Object({
      status: Type.String({ description: 'ok | degraded' }),
      uncoveredYears: Type.Array(Type.Integer()),
      openTicketsOnPlainWeekdays: Type.Integer(),
    }),
    ...errorResponses,
  },
};
