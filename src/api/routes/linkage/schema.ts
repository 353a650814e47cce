// Schemas of the linkage routes (包联): link a household to a cadre, a cadre's status, the town's status board.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Uuid } from '../common.schema.js';

const CadreStatus = Type.Union(
  [Type.Literal('on_duty'), Type.Literal('in_village'), Type.Literal('training'), Type.Literal('meeting')],
  { description: 'on_duty 在岗 | in_village 下乡 | training 培训 | meeting 开会' },
);

export const linkHouseholdSchema = {
  tags: ['linkage'],
  summary: 'Link a household to a cadre of the town (re-linking closes the old link and moves its open tickets)',
  params: IdParams,
  body: Type.Object({ cadreId: Uuid }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      householdId: Uuid,
      cadreId: Uuid,
      from: Type.String({ format: 'date-time' }),
      previousCadreId: Type.Union([Uuid, Type.Null()]),
      movedTicketIds: Type.Array(Uuid, { description: 'Open tickets moved to the new cadre, each with a RELINK event' }),
    }),
    ...errorResponses,
  },
};

export const myStatusSchema = {
  tags: ['linkage'],
  summary: 'Set the calling cadre\'s status on the town\'s board',
  body: Type.Object({ status: CadreStatus }, { additionalProperties: false }),
  response: { 200: Type.Object({ status: CadreStatus, setAt: Type.String({ format: 'date-time' }) }), ...errorResponses },
};

export const cadreBoardSchema = {
  tags: ['linkage'],
  summary: 'Status board: the cadres under a town or village, their status and number of linked households',
  params: IdParams,
  response: {
    200: Type.Object({
      items: Type.Array(
        Type.Object({
          staffId: Uuid,
          name: Type.String(),
          unitId: Uuid,
          status: Type.Union([CadreStatus, Type.Null()]),
          statusAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          households: Type.Integer(),
        }),
      ),
    }),
    ...errorResponses,
  },
};
