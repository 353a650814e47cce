// A household's kind and key-household tags (五必访), changed on their own: name, phone and address stay as they are.
import type { Executor } from './db.js';
import type { Household } from './database.js';
import type { HouseholdKind, KeyTag } from './linkage.tables.js';

export async function setHouseholdProfile(
  ex: Executor,
  countyId: string,
  id: string,
  patch: { kind?: HouseholdKind; key_tags?: KeyTag[] },
): Promise<Household | undefined> {
  const set = { ...(patch.kind ? { kind: patch.kind } : {}), ...(patch.key_tags ? { key_tags: patch.key_tags } : {}) };
  if (Object.keys(set).length === 0) {
    return ex.selectFrom('households').selectAll().where('county_id', '=', countyId).where('id', '=', id).executeTakeFirst();
  }
  return ex.updateTable('households').set(set).where('county_id', '=', countyId).where('id', '=', id).returningAll().executeTakeFirst();
}
