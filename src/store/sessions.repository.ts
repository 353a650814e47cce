// Login sessions and their rotating refresh tokens (stored as SHA-256 hashes only).
import type { Executor } from './db.js';
import type { AuthSession } from './access.tables.js';

export async function insertSession(ex: Executor, s: { id: string; countyId: string; staffId: string; now: Date; expiresAt: Date }): Promise<void> {
  await ex
    .insertInto('auth_sessions')
    .values({ id: s.id, county_id: s.countyId, staff_id: s.staffId, created_at: s.now, expires_at: s.expiresAt })
    .execute();
}

export async function insertRefreshToken(
  ex: Executor,
  t: { id: string; countyId: string; sessionId: string; hash: string; now: Date; expiresAt: Date },
): Promise<void> {
  await ex
    .insertInto('refresh_tokens')
    .values({ id: t.id, county_id: t.countyId, session_id: t.sessionId, token_hash: t.hash, created_at: t.now, expires_at: t.expiresAt })
    .execute();
}

export interface RefreshLookup {
  sessionId: string;
  countyId: string;
  staffId: string;
  expiresAt: Date;
  usedAt: Date | null;
  session: Pick<AuthSession, 'revoked_at' | 'expires_at'>;
}

/** Marks the token used and returns it; `usedAt` is non-null when it had already been used (a replay). */
export async function useRefreshToken(ex: Executor, hash: string, now: Date): Promise<RefreshLookup | undefined> {
  const row = await ex
    .selectFrom('refresh_tokens as r')
    .innerJoin('auth_sessions as s', 's.id', 'r.session_id')
    .select(['r.id', 'r.session_id', 'r.county_id', 's.staff_id', 'r.expires_at', 'r.used_at', 's.revoked_at', 's.expires_at as session_expires_at'])
    .where('r.token_hash', '=', hash)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.used_at === null) await ex.updateTable('refresh_tokens').set({ used_at: now }).where('id', '=', row.id).execute();
  return {
    sessionId: row.session_id,
    countyId: row.county_id,
    staffId: row.staff_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    session: { revoked_at: row.revoked_at, expires_at: row.session_expires_at },
  };
}

export async function revokeSession(ex: Executor, sessionId: string, reason: string, now: Date): Promise<void> {
  await ex
    .updateTable('auth_sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeStaffSessions(ex: Executor, staffId: string, reason: string, now: Date): Promise<void> {
  await ex
    .updateTable('auth_sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .execute();
}
