// County administration of access: disable and enable staff, issue and revoke integration API tokens.
import { findStaff, findUnit } from '../store/directory.repository.js';
import { setStaffActive, setStaffPassword } from '../store/staff.repository.js';
import { hashPassword } from './password.service.js';
import { revokeStaffSessions } from '../store/sessions.repository.js';
import { insertApiToken, revokeApiToken } from '../store/api-tokens.repository.js';
import type { ApiTokenRow, ApiTokenScope } from '../store/access.tables.js';
import type { Staff } from '../store/database.js';
import { uuidv7 } from '../store/uuidv7.js';
import { INTEGRATION_ROUTES, mayAdminister, type Caller } from './access.service.js';
import { DomainError } from './errors.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './token-secret.js';
import type { ServiceContext } from './context.js';

export function assertAdmin(caller: Caller): void {
  if (!mayAdminister(caller)) throw new DomainError('forbidden', 'Only the county admin manages accounts and tokens');
}

/** Disabling also ends every session of the account at once: its refresh and access tokens stop working. */
export async function setAccountActive(ctx: ServiceContext, caller: Caller, staffId: string, active: boolean): Promise<Staff> {
  assertAdmin(caller);
  if (staffId === caller.staffId && !active) throw new DomainError('validation_failed', 'You cannot disable your own account');
  return ctx.db.transaction().execute(async (trx) => {
    const staff = await setStaffActive(trx, caller.countyId, staffId, active);
    if (!staff) throw new DomainError('staff_not_found', `No account ${staffId} in this county`);
    if (!active) await revokeStaffSessions(trx, staff.id, 'account_disabled', ctx.now());
    return staff;
  });
}

/**
 * The admin sets a password: the first one of an account imported without one, or a new one for a
 * person who forgot theirs. Every session of the account ends, so a stolen session dies with the old password.
 */
export async function resetAccountPassword(ctx: ServiceContext, caller: Caller, staffId: string, password: string): Promise<Staff> {
  assertAdmin(caller);
  const target = await findStaff(ctx.db, staffId);
  if (!target || target.county_id !== caller.countyId) throw new DomainError('staff_not_found', `No account ${staffId} in this county`);
  if (target.roles.includes('integration')) throw new DomainError('validation_failed', 'Integration accounts use API tokens, not passwords');
  const hash = await hashPassword(password);
  return ctx.db.transaction().execute(async (trx) => {
    const staff = await setStaffPassword(trx, caller.countyId, staffId, hash);
    if (!staff) throw new DomainError('staff_not_found', `No account ${staffId} in this county`);
    await revokeStaffSessions(trx, staff.id, 'password_reset', ctx.now());
    return staff;
  });
}

export interface NewApiToken {
  integrationId: string;
  unitId: string;
  name: string;
  /** `v1` (default): the listed /v1 routes; `open311`: the Open311 endpoint only, no /v1 route. */
  scope?: ApiTokenScope;
  routes?: string[];
  /** Open311 tokens: FixMyStreet's extended statuses unless a call asks otherwise. */
  extendedStatuses?: boolean;
  expiresAt?: string;
}

/** A token speaks one API: /v1 routes, or Open311 with none of them (docs/SECURITY.md). */
function tokenRoutes(input: NewApiToken): string[] {
  const routes = input.routes ?? [];
  if ((input.scope ?? 'v1') === 'open311') {
    if (routes.length > 0) throw new DomainError('validation_failed', 'An Open311 token calls /open311/v2 only: leave routes out');
    return [];
  }
  if (input.extendedStatuses !== undefined) throw new DomainError('validation_failed', 'extendedStatuses goes with scope open311 only');
  const allowed: readonly string[] = INTEGRATION_ROUTES;
  const unknown = routes.filter((r) => !allowed.includes(r));
  if (unknown.length > 0 || routes.length === 0) {
    throw new DomainError('validation_failed', `routes must be some of: ${INTEGRATION_ROUTES.join(', ')}`);
  }
  return [...new Set(routes)];
}

/** The secret is returned once, here; only its hash is kept. */
export async function issueApiToken(ctx: ServiceContext, caller: Caller, input: NewApiToken): Promise<{ row: ApiTokenRow; token: string }> {
  assertAdmin(caller);
  const account = await findStaff(ctx.db, input.integrationId);
  if (!account || account.county_id !== caller.countyId || !account.roles.includes('integration') || !account.active) {
    throw new DomainError('staff_not_found', `No active integration account ${input.integrationId} in this county`);
  }
  const unit = await findUnit(ctx.db, caller.countyId, input.unitId);
  if (!unit || unit.kind === 'department') throw new DomainError('unknown_unit', `No town, village or group ${input.unitId} in this county`);
  const routes = tokenRoutes(input);
  const now = ctx.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) throw new DomainError('validation_failed', 'expiresAt must be in the future');
  const token = newSecret(API_TOKEN_PREFIX);
  const row = await insertApiToken(ctx.db, {
    id: uuidv7(now.getTime()),
    countyId: caller.countyId,
    staffId: account.id,
    unitId: unit.id,
    name: input.name,
    routes,
    scope: input.scope ?? 'v1',
    extendedStatuses: input.extendedStatuses ?? false,
    hash: hashSecret(token),
    createdBy: caller.staffId,
    now,
    expiresAt,
  });
  return { row, token };
}

export async function withdrawApiToken(ctx: ServiceContext, caller: Caller, id: string): Promise<void> {
  assertAdmin(caller);
  if (!(await revokeApiToken(ctx.db, caller.countyId, id, ctx.now()))) {
    throw new DomainError('api_token_not_found', `No active API token ${id} in this county`);
  }
}
