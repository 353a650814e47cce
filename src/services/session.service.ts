// Sessions: login opens one, refresh tokens rotate inside it, logout or a disabled account revokes it; callers are loaded per request.
import { findStaff } from '../store/directory.repository.js';
import { loadSessionPrincipal, loadTokenPrincipal, type PrincipalRow } from '../store/principals.repository.js';
import { insertRefreshToken, insertSession, revokeSession, useRefreshToken } from '../store/sessions.repository.js';
import type { Staff } from '../store/database.js';
import type { ApiTokenScope } from '../store/access.tables.js';
import { uuidv7 } from '../store/uuidv7.js';
import { isRole, type Caller } from './access.service.js';
import { DomainError } from './errors.js';
import { hashSecret, newSecret, REFRESH_PREFIX } from './token-secret.js';
import type { ServiceContext } from './context.js';

export interface SessionTokens {
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** A login: a new session that lives `ttlMs` at most, and its first refresh token. */
export async function startSession(ctx: ServiceContext, staff: Staff, ttlMs: number): Promise<SessionTokens> {
  const now = ctx.now();
  const sessionId = uuidv7(now.getTime());
  const expiresAt = new Date(now.getTime() + ttlMs);
  const refreshToken = newSecret(REFRESH_PREFIX);
  await ctx.db.transaction().execute(async (trx) => {
    await insertSession(trx, { id: sessionId, countyId: staff.county_id, staffId: staff.id, now, expiresAt });
    await insertRefreshToken(trx, { id: uuidv7(now.getTime()), countyId: staff.county_id, sessionId, hash: hashSecret(refreshToken), now, expiresAt });
  });
  return { sessionId, refreshToken, refreshExpiresAt: expiresAt };
}

const invalid = () => new DomainError('invalid_refresh_token', 'The refresh token is not valid; log in again');

/**
 * Exchanges a refresh token for a new one in the same session. A token used twice means it was
 * copied: the whole session is revoked, so the thief's and the owner's tokens both stop working.
 */
export async function rotateRefreshToken(ctx: ServiceContext, refreshToken: string): Promise<SessionTokens & { staff: Staff }> {
  const now = ctx.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const found = await useRefreshToken(trx, hashSecret(refreshToken), now);
    if (!found) return { error: invalid() };
    if (found.usedAt !== null) {
      await revokeSession(trx, found.sessionId, 'refresh_token_reused', now);
      return { error: invalid() };
    }
    if (found.session.revoked_at !== null) return { error: new DomainError('session_revoked', 'This session was ended; log in again') };
    if (found.expiresAt <= now || found.session.expires_at <= now) return { error: invalid() };
    const staff = await findStaff(trx, found.staffId);
    if (!staff?.active) {
      await revokeSession(trx, found.sessionId, 'account_disabled', now);
      return { error: new DomainError('session_revoked', 'This account is disabled') };
    }
    const next = newSecret(REFRESH_PREFIX);
    await insertRefreshToken(trx, {
      id: uuidv7(now.getTime()), countyId: found.countyId, sessionId: found.sessionId, hash: hashSecret(next), now, expiresAt: found.session.expires_at,
    });
    return { ok: { staff, sessionId: found.sessionId, refreshToken: next, refreshExpiresAt: found.session.expires_at } };
  });
  // The reuse revocation must commit, so the refusal is thrown after the transaction.
  if ('error' in result) throw result.error;
  return result.ok;
}

export async function endSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  await revokeSession(ctx.db, sessionId, 'logout', ctx.now());
}

function toCaller(row: PrincipalRow, kind: Caller['kind'], sessionId: string): Caller {
  return {
    kind,
    staffId: row.staffId,
    countyId: row.countyId,
    name: row.name,
    unitId: row.unitId,
    unitPath: row.unitPath,
    unitKind: row.unitKind,
    // An API token acts as an integration whatever else its account may be.
    roles: kind === 'integration' ? ['integration'] : row.roles.filter(isRole).filter((r) => r !== 'integration'),
    sessionId,
  };
}

/** The staff member behind an access token, refused when the session ended or the account was disabled since. */
export async function resolveSessionCaller(ctx: ServiceContext, staffId: string, sessionId: string): Promise<Caller> {
  const row = await loadSessionPrincipal(ctx.db, staffId, sessionId);
  if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= ctx.now())) {
    throw new DomainError('session_revoked', 'This session was ended; log in again');
  }
  if (!row.active) throw new DomainError('session_revoked', 'This account is disabled');
  return toCaller(row, 'staff', sessionId);
}

export interface ApiTokenGrant {
  caller: Caller;
  routes: string[];
  /** Which API the token speaks: `v1` (its routes) or `open311`. */
  scope: ApiTokenScope;
  extendedStatuses: boolean;
}

/** An integration's API token: its account, its unit and the routes (or the API) it may call. */
export async function resolveApiToken(ctx: ServiceContext, token: string): Promise<ApiTokenGrant> {
  const row = await loadTokenPrincipal(ctx.db, hashSecret(token));
  const now = ctx.now();
  if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now) || !row.active || !row.roles.includes('integration')) {
    throw new DomainError('unauthorized', 'The API token is not valid');
  }
  return { caller: toCaller(row, 'integration', row.tokenId), routes: row.routes, scope: row.scope, extendedStatuses: row.extendedStatuses };
}
