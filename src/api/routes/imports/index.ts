// POST /v1/admin/imports/:kind: the county admin imports units, staff or households from a CSV body.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assertAdmin } from '../../../services/admin.service.js';
import { CsvSyntaxError, decodeUtf8 } from '../../../services/csv.parser.js';
import { invalidCsv } from '../../../services/import.columns.js';
import { importCsv } from '../../../services/import.service.js';
import { importSchema } from './schema.js';

/** A 70,000-household county is about 10 MB of CSV; bigger files go through `npm run import`. */
export const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Refuse anyone but the admin before a 20 MB body is read.
  app.addHook('onRequest', async (request) => assertAdmin(request.caller()));
  // Scoped to this plugin: no other route accepts CSV, and these routes accept nothing else (415).
  // Read as bytes so that a file that is not UTF-8 is refused rather than imported with replacement characters.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, decodeUtf8(body as Buffer));
    } catch (err) {
      done(err instanceof CsvSyntaxError ? invalidCsv([{ line: err.line, column: null, message: err.message }]) : (err as Error), undefined);
    }
  });

  app.post('/admin/imports/:kind', { schema: importSchema, bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
    const body = request.body ?? '';
    const caller = request.caller();
    const summary = await importCsv(
      app.services,
      { countyId: caller.countyId, actor: { kind: 'staff', staffId: caller.staffId, name: caller.name } },
      request.params.kind,
      body,
    );
    request.log.info({ summary, characters: body.length }, 'CSV imported');
    return summary;
  });
};

export default importRoutes;
