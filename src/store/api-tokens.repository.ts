// Integration API tokens: created with a unit and a scope (a set of /v1 routes, or Open311), listed without their secret, revoked.
import type { Executor } from './db.js';
import type { ApiTokenRow, ApiTokenScope } from './access.tables.js';

export async function insertApiToken(
  ex: Executor,
  t: {
    id: string; countyId: string; staffId: string; unitId: string; name: string; routes: string[]; scope: ApiTokenScope; extendedStatuses: boolean; hash: string; createdBy: string; now: Date; expiresAt: Date | null;
  },
): Promise<ApiTokenRow> {
  return ex
    .insertInto('api_tokens')
    .values({
      id: t.id,
      county_id: t.countyId,
      staff_id: t.staffId,
      unit_id: t.unitId,
      name: t.name,
      routes: t.routes,
      scope: t.scope,
      extended_statuses: t.extendedStatuses,
      token_hash: t.hash,
      created_by: t.createdBy,
      created_at: t.now,
      expires_at: t.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiTokens(ex: Executor, countyId: string): Promise<ApiTokenRow[]> {
  return ex.selectFrom('api_tokens').selectAll().where('county_id', '=', countyId).orderBy('created_at', 'desc').execute();
}

export async function revokeApiToken(ex: Executor, countyId: string, id: string, now: Date): Promise<boolean> {
  const row = await ex
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('county_id', '=', countyId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
