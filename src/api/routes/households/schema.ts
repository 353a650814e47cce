// Schema of PATCH /v1/households/:id: a household's kind (常住 / 外出户) and key-household tags (五必访).
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Uuid } from '../common.schema.js';

const Kind = Type.Union([Type.Literal('resident'), Type.Literal('migrant')], { description: 'resident 常住 | migrant 外出户' });
const KeyTag = Type.Union(
  [Type.Literal('industry'), Type.Literal('flood_risk'), Type.Literal('dispute'), Type.Literal('low_income'), Type.Literal('left_behind')],
  { description: 'industry 产业 | flood_risk 地灾/洪涝 | dispute 矛盾纠纷 | low_income 低收入/低保 | left_behind 留守' },
);

export const patchHouseholdSchema = {
  tags: ['directory'],
  summary: 'Set a household\'s kind and key tags (town office and village, within their places); keyTags replaces the list',
  params: IdParams,
  body: Type.Object(
    { kind: Type.Optional(Kind), keyTags: Type.Optional(Type.Array(KeyTag, { maxItems: 5, uniqueItems: true })) },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: {
    200: Type.Object({
      id: Uuid,
      unitId: Uuid,
      code: Type.Union([Type.String(), Type.Null()], { description: 'The county\'s household code (CSV import)' }),
      headName: Type.String(),
      kind: Kind,
      keyTags: Type.Array(KeyTag),
    }),
    ...errorResponses,
  },
};
