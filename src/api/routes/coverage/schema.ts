// Schema of the coverage report (入户率): per cadre, village and town for a period.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, Uuid } from '../common.schema.js';

const Figures = {
  residentTotal: Type.Integer(),
  residentVisited: Type.Integer({ description: 'Resident households with a confirmed visit in the period' }),
  migrantTotal: Type.Integer(),
  migrantContacted: Type.Integer({ description: '外出户 with a confirmed contact (phone, WeChat or in person)' }),
  keyTotal: Type.Integer({ description: '五必访 key households' }),
  keyVisited: Type.Integer(),
  neverReached: Type.Integer({ description: 'Households with no visit at all in the period' }),
  unconfirmedVisits: Type.Integer({ description: 'Visits kept but not confirmed by the household: not counted as coverage' }),
  rate: Type.Union([Type.Number(), Type.Null()], { description: 'residentVisited / residentTotal' }),
};

const Area = Type.Object({ unitId: Uuid, name: Type.String(), ...Figures });

export const coverageSchema = {
  tags: ['coverage'],
  summary: 'Coverage of a unit for a period (default: this month, Beijing time), per cadre and rolled up per village and town',
  querystring: Type.Object(
    {
      unitId: Uuid,
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      unitId: Uuid,
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      cadres: Type.Array(Type.Object({ cadreId: Uuid, name: Type.String(), ...Figures }), {
        description: 'Households linked to the cadre at the end of the period, and the cadre\'s own visits',
      }),
      villages: Type.Array(Area, { description: 'Every household of the village, visited by any cadre' }),
      towns: Type.Array(Area),
    }),
    ...errorResponses,
  },
};
