// Login: checks a staff member's password; the API signs the token.
import { findStaffByUsername } from '../store/directory.repository.js';
import type { Staff } from '../store/database.js';
import { DomainError } from './errors.js';
import { verifyPassword } from './password.service.js';
import type { ServiceContext } from './context.js';

// Compared against when the username is unknown, so both failures take the same time.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function authenticate(ctx: ServiceContext, username: string, password: string): Promise<Staff> {
  const staff = await findStaffByUsername(ctx.db, username);
  const ok = await verifyPassword(password, staff?.password_hash ?? DUMMY_HASH);
  if (!staff || !ok || !staff.active) throw new DomainError('invalid_credentials', 'Wrong username or password');
  return staff;
}
