// Login: checks a staff member's password with lockout after repeated failures (the API signs the token); password changes.
import { randomBytes } from 'node:crypto';
import { findStaff, findStaffByUsername } from '../store/directory.repository.js';
import { recordLoginFailure, recordLoginSuccess, setStaffPassword } from '../store/staff.repository.js';
import { revokeStaffSessions } from '../store/sessions.repository.js';
import type { Staff } from '../store/database.js';
import { DomainError } from './errors.js';
import { hashPassword, isPasswordHash, needsRehash, verifyPassword } from './password.service.js';
import type { ServiceContext } from './context.js';

export interface LoginPolicy {
  /** Failed logins in a row that lock the account. */
  maxFailures: number;
  /** How long a locked account stays locked. */
  lockMs: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

// Compared against when the username is unknown, so both failures cost the same argon2 time.
let dummyHash: Promise<string> | undefined;
const dummy = (): Promise<string> => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

const wrong = () => new DomainError('invalid_credentials', 'Wrong username or password (after repeated failures an account is locked for a while)');

/**
 * A person changes their own password, proving the current one (failures count towards the lockout, as
 * at login). Every session ends, this one included: the caller logs in again with the new password.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  staffId: string,
  current: string,
  next: string,
  policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<void> {
  const staff = await findStaff(ctx.db, staffId);
  if (!staff) throw new DomainError('unauthorized', 'No such account');
  await authenticate(ctx, staff.username, current, policy);
  if (current === next) throw new DomainError('validation_failed', 'The new password must differ from the current one');
  const hash = await hashPassword(next);
  await ctx.db.transaction().execute(async (trx) => {
    await setStaffPassword(trx, staff.county_id, staff.id, hash);
    await revokeStaffSessions(trx, staff.id, 'password_changed', ctx.now());
  });
}

export async function authenticate(
  ctx: ServiceContext,
  username: string,
  password: string,
  policy: LoginPolicy = DEFAULT_LOGIN_POLICY,
): Promise<Staff> {
  const staff = await findStaffByUsername(ctx.db, username);
  // Machine accounts (integrations) authenticate with API tokens only.
  if (!staff || staff.roles.includes('integration')) {
    await verifyPassword(password, await dummy());
    throw wrong();
  }
  const now = ctx.now();
  // While locked, the password is not even tried: guessing on cannot help. The answer (and the time it
  // takes) is that of a wrong password, so a lock tells a guesser neither that the username exists nor
  // anything about the password; the county admin sees the lock in the account list.
  if (staff.locked_until !== null && staff.locked_until > now) {
    await verifyPassword(password, await dummy());
    throw wrong();
  }
  // An account without a password fails like the others, after the same argon2 work.
  const stored = isPasswordHash(staff.password_hash) ? staff.password_hash : await dummy();
  if (!(await verifyPassword(password, stored)) || stored !== staff.password_hash) {
    await recordLoginFailure(ctx.db, staff.id, policy.maxFailures, new Date(now.getTime() + policy.lockMs));
    throw wrong();
  }
  // Told only to someone who knows the password, so it reveals nothing to a guesser.
  if (!staff.active) throw new DomainError('account_disabled', 'This account is disabled');
  await recordLoginSuccess(ctx.db, staff.id, needsRehash(staff.password_hash) ? await hashPassword(password) : undefined);
  return staff;
}
