// Loads who is calling on every request: the staff member behind a session, or the account behind an API token.
import type { Executor } from './db.js';
import type { UnitKind } from './database.js';
import type { ApiTokenScope } from './access.tables.js';

export interface PrincipalRow {
  staffId: string;
  countyId: string;
  name: string;
  roles: string[];
  active: boolean;
  unitId: string;
  unitPath: string;
  unitKind: UnitKind;
  /** Session or token state. */
  revokedAt: Date | null;
  expiresAt: Date | null;
}

export async function loadSessionPrincipal(ex: Executor, staffId: string, sessionId: string): Promise<PrincipalRow | undefined> {
  const row = await ex
    .selectFrom('staff as s')
    .innerJoin('units as u', 'u.id', 's.unit_id')
    .innerJoin('auth_sessions as a', (j) => j.onRef('a.staff_id', '=', 's.id').on('a.id', '=', sessionId))
    .select(['s.id', 's.county_id', 's.display_name', 's.roles', 's.active', 'u.id as unit_id', 'u.path', 'u.kind', 'a.revoked_at', 'a.expires_at'])
    .where('s.id', '=', staffId)
    .executeTakeFirst();
  return row && toPrincipal(row);
}

export interface TokenPrincipalRow extends PrincipalRow {
  tokenId: string;
  routes: string[];
  scope: ApiTokenScope;
  extendedStatuses: boolean;
}

/** The token's own unit, not its account's, bounds what it sees. */
export async function loadTokenPrincipal(ex: Executor, tokenHash: string): Promise<TokenPrincipalRow | undefined> {
  const row = await ex
    .selectFrom('api_tokens as t')
    .innerJoin('staff as s', 's.id', 't.staff_id')
    .innerJoin('units as u', 'u.id', 't.unit_id')
    .select(['t.id as token_id', 't.routes', 't.scope', 't.extended_statuses', 't.revoked_at', 't.expires_at', 's.id', 's.county_id', 's.display_name', 's.roles', 's.active', 'u.id as unit_id', 'u.path', 'u.kind'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { tokenId: row.token_id, routes: row.routes, scope: row.scope, extendedStatuses: row.extended_statuses, ...toPrincipal(row) };
}

type PrincipalColumns = {
  id: string; county_id: string; display_name: string; roles: string[]; active: boolean;
  unit_id: string; path: string; kind: PrincipalRow['unitKind']; revoked_at: Date | null; expires_at: Date | null;
};

/** The staff, unit and session or token columns both loaders select, as the caller's principal. */
function toPrincipal(row: PrincipalColumns): PrincipalRow {
  return {
      staffId: row.id,
      countyId: row.county_id,
      name: row.display_name,
      roles: row.roles,
      active: row.active,
      unitId: row.unit_id,
      unitPath: row.path,
      unitKind: row.kind,
      revokedAt: row.revoked_at,
      expiresAt: row.expires_at,
  };
}
