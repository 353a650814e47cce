// Schema of POST /v1/admin/imports/:kind: a CSV file of units, staff or households in, counts or line-numbered problems out.
import { Type } from '@fastify/type-provider-typebox';
import { ErrorBody, errorResponses, Uuid } from '../common.schema.js';

const RowError = Type.Object({
  line: Type.Integer({ description: 'Physical line in the file, 1-based; the header is line 1' }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'The column as the file names it; null for the whole line' }),
  message: Type.String(),
});

export const importSchema = {
  tags: ['admin'],
  summary: 'Import a CSV file (UTF-8, header row): units, staff or households of the county; one bad row and nothing is written',
  description: 'Body: the file itself, Content-Type: text/csv, up to 20 MB. Columns are listed in the README ("Importing a county from CSV").',
  consumes: ['text/csv'],
  body: Type.Optional(Type.String({ description: 'The CSV file, UTF-8 with a header row' })),
  params: Type.Object({ kind: Type.Union([Type.Literal('units'), Type.Literal('staff'), Type.Literal('households')]) }),
  response: {
    200: Type.Object({
      kind: Type.String(),
      countyId: Uuid,
      rows: Type.Integer(),
      created: Type.Integer(),
      updated: Type.Integer(),
      unchanged: Type.Integer({ description: 'Rows equal to what is stored: a re-import of the same file changes nothing' }),
      withoutPassword: Type.Optional(Type.Integer({ description: 'Staff created without a password: nobody can log in as them until a re-import gives one' })),
      linksCreated: Type.Optional(Type.Integer({ description: '包联 links opened to the cadre_username of a row' })),
      linksClosed: Type.Optional(Type.Integer({ description: 'Earlier links closed by a re-link (history kept)' })),
      ticketsMoved: Type.Optional(Type.Integer({ description: 'Open tickets moved to the new cadre, each with a RELINK event' })),
    }),
    ...errorResponses,
    422: Type.Intersect([
      ErrorBody,
      Type.Object({
        details: Type.Optional(
          Type.Object({
            errors: Type.Array(RowError, { description: 'The first 50 problems, by line' }),
            total: Type.Integer({ description: 'How many problems the file has' }),
          }),
        ),
      }),
    ]),
  },
};
