// County categories: the county's own rows over the defaults (services/categories.service.ts merges them).
import type { Executor } from './db.js';
import type { CountyCategoriesTable, CountyCategoryRow } from './categories.tables.js';
import type { Insertable } from 'kysely';

export async function listCountyCategories(ex: Executor, countyId: string): Promise<CountyCategoryRow[]> {
  return ex.selectFrom('county_categories').selectAll().where('county_id', '=', countyId).execute();
}

export async function upsertCountyCategory(ex: Executor, row: Insertable<CountyCategoriesTable>): Promise<CountyCategoryRow> {
  const { county_id: _c, code: _k, ...changes } = row;
  return ex
    .insertInto('county_categories')
    .values(row)
    .onConflict((oc) => oc.columns(['county_id', 'code']).doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}
