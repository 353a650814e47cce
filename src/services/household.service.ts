// A household's kind (常住 resident / 外出户 migrant) and 五必访 key tags, set by the town office or the village within its places.
import { findHouseholdWithPath } from '../store/households.repository.js';
import { setHouseholdProfile } from '../store/households-profile.repository.js';
import type { Household } from '../store/database.js';
import { KEY_TAGS, type HouseholdKind, type KeyTag } from '../store/linkage.tables.js';
import { isUnder, type Caller, type Role } from './access.service.js';
import type { ServiceContext } from './context.js';
import { DomainError } from './errors.js';

// They know which households are away, at risk or left behind; cadres report it, these offices record it.
const PROFILE_ROLES: readonly Role[] = ['town_dispatcher', 'town_supervisor', 'village'];

export async function setHouseholdKindAndTags(
  ctx: ServiceContext,
  caller: Caller,
  householdId: string,
  patch: { kind?: HouseholdKind; keyTags?: KeyTag[] },
): Promise<Household> {
  if (caller.kind !== 'staff' || !caller.roles.some((r) => PROFILE_ROLES.includes(r))) {
    throw new DomainError('forbidden', 'Only the town office and the village set a household\'s kind and key tags');
  }
  const household = await findHouseholdWithPath(ctx.db, caller.countyId, householdId);
  // Outside the caller's places a household does not exist for them, as for linking.
  if (!household || !isUnder(household.path, caller.unitPath)) throw new DomainError('household_not_found', `No household ${householdId}`);
  const keyTags = patch.keyTags ? KEY_TAGS.filter((t) => patch.keyTags?.includes(t)) : undefined;
  const row = await setHouseholdProfile(ctx.db, caller.countyId, householdId, { kind: patch.kind, key_tags: keyTags });
  if (!row) throw new DomainError('household_not_found', `No household ${householdId}`);
  return row;
}
