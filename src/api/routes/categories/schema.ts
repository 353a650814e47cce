// Category routes' schemas: the list a county offers, and the admin's edit of one category.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, Label } from '../common.schema.js';

const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'lower-case letters, digits and _ (e.g. household_registration)' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const Attribute = Type.Object(
  {
    code: Code,
    datatype: Type.Union([
      Type.Literal('string'), Type.Literal('number'), Type.Literal('datetime'), Type.Literal('text'),
      Type.Literal('singlevaluelist'), Type.Literal('multivaluelist'),
    ]),
    required: Type.Boolean(),
    description: Text(200),
    order: Type.Integer({ minimum: 1, maximum: 100 }),
    values: Type.Optional(Type.Array(Type.Object({ key: Text(64), name: Text(100) }, { additionalProperties: false }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

const Category = Type.Object({
  code: Type.String(),
  name: Label,
  description: Type.String(),
  group: Type.String(),
  keywords: Type.Array(Type.String()),
  attributes: Type.Array(Attribute),
  active: Type.Boolean(),
  sortOrder: Type.Integer(),
  custom: Type.Boolean({ description: 'changed or added by the county (false: the default as shipped)' }),
});

export const listCategoriesSchema = {
  tags: ['directory'],
  summary: 'The categories (事项类别) the caller\'s county offers, in display order',
  querystring: Type.Object({ includeRetired: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
  response: { 200: Type.Object({ items: Type.Array(Category) }), ...errorResponses },
};

export const saveCategorySchema = {
  tags: ['admin'],
  summary: 'Add or change a category of the county (county admin); `active: false` retires it',
  params: Type.Object({ code: Code }),
  body: Type.Object(
    {
      name: Type.Object({ zh: Text(40), en: Text(80) }, { additionalProperties: false }),
      description: Type.Optional(Type.String({ maxLength: 500 })),
      group: Type.Optional(Type.String({ maxLength: 40 })),
      keywords: Type.Optional(Type.Array(Text(40), { maxItems: 20 })),
      attributes: Type.Optional(Type.Array(Attribute, { maxItems: 20 })),
      active: Type.Optional(Type.Boolean()),
      sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    },
    { additionalProperties: false },
  ),
  response: { 200: Category, ...errorResponses },
};
