// Staff accounts as the access layer changes them: login failures and lockout, password upgrades, enable/disable.
import { sql } from 'kysely';
import type { Executor } from './db.js';
import type { Staff } from './database.js';

/** Counts a failed login; the `maxFailures`-th in a row locks the account until `lockUntil` and restarts the count. */
export async function recordLoginFailure(ex: Executor, staffId: string, maxFailures: number, lockUntil: Date): Promise<{ locked: boolean }> {
  const row = await ex
    .updateTable('staff')
    .set({
      failed_logins: sql<number>`case when failed_logins + 1 >= ${maxFailures} then 0 else failed_logins + 1 end`,
      locked_until: sql<Date | null>`case when failed_logins + 1 >= ${maxFailures} then ${lockUntil}::timestamptz else locked_until end`,
    })
    .where('id', '=', staffId)
    .returning(['locked_until'])
    .executeTakeFirst();
  return { locked: row?.locked_until?.getTime() === lockUntil.getTime() };
}

export async function recordLoginSuccess(ex: Executor, staffId: string, newHash?: string): Promise<void> {
  await ex
    .updateTable('staff')
    .set({ failed_logins: 0, locked_until: null, ...(newHash ? { password_hash: newHash } : {}) })
    .where('id', '=', staffId)
    .execute();
}

export async function setStaffActive(ex: Executor, countyId: string, staffId: string, active: boolean): Promise<Staff | undefined> {
  return ex
    .updateTable('staff')
    .set({ active, ...(active ? { failed_logins: 0, locked_until: null } : {}) })
    .where('county_id', '=', countyId)
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirst();
}

/** A new password: the lockout and its failure count go with the old one. */
export async function setStaffPassword(ex: Executor, countyId: string, staffId: string, hash: string): Promise<Staff | undefined> {
  return ex
    .updateTable('staff')
    .set({ password_hash: hash, failed_logins: 0, locked_until: null })
    .where('county_id', '=', countyId)
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirst();
}

export async function listStaff(ex: Executor, countyId: string): Promise<Staff[]> {
  return ex.selectFrom('staff').selectAll().where('county_id', '=', countyId).orderBy('username').execute();
}
