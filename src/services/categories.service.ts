// The category list (事项类别) a county offers: the defaults in code, overlaid by the county's own rows.
import { DEFAULT_CATEGORIES, type CategoryAttribute, type CategoryDefinition } from '../engine/category.defaults.js';
import { listCountyCategories, upsertCountyCategory } from '../store/categories.repository.js';
import type { CountyCategoryRow } from '../store/categories.tables.js';
import { mayAdminister, type Caller } from './access.service.js';
import type { ServiceContext } from './context.js';
import { DomainError } from './errors.js';

export interface Category extends CategoryDefinition {
  active: boolean;
  /** Lower first; the defaults come in steps of 10 in their listed order. */
  sortOrder: number;
  /** True when the county changed or added it (false: the default as shipped). */
  custom: boolean;
}

const fromDefault = (d: CategoryDefinition, i: number): Category => ({ ...d, active: true, sortOrder: (i + 1) * 10, custom: false });

const fromRow = (r: CountyCategoryRow): Category => ({
  code: r.code,
  name: { zh: r.name_zh, en: r.name_en },
  description: r.description,
  group: r.group_name,
  keywords: r.keywords,
  attributes: r.attributes,
  active: r.active,
  sortOrder: r.sort_order,
  custom: true,
});

/** Every category of the county, retired ones included, in display order. */
export async function countyCategories(ctx: ServiceContext, countyId: string): Promise<Category[]> {
  const own = new Map((await listCountyCategories(ctx.db, countyId)).map((r) => [r.code, fromRow(r)]));
  const merged = DEFAULT_CATEGORIES.map((d, i) => own.get(d.code) ?? fromDefault(d, i));
  for (const [code, c] of own) if (!DEFAULT_CATEGORIES.some((d) => d.code === code)) merged.push(c);
  return merged.sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
}

/** What the caller's county offers now; every account of the county may read it (it is not personal data). */
export async function listCategories(ctx: ServiceContext, caller: Caller, options: { includeRetired?: boolean } = {}): Promise<Category[]> {
  const all = await countyCategories(ctx, caller.countyId);
  return options.includeRetired ? all : all.filter((c) => c.active);
}

export interface CategoryInput {
  name: { zh: string; en: string };
  description?: string;
  group?: string;
  keywords?: string[];
  attributes?: CategoryAttribute[];
  active?: boolean;
  sortOrder?: number;
}

/** The county admin adds a category or changes one (a default included); retiring is `active: false`, never a delete. */
export async function saveCategory(ctx: ServiceContext, caller: Caller, code: string, input: CategoryInput): Promise<Category> {
  if (!mayAdminister(caller)) throw new DomainError('forbidden', 'Only a county admin edits the category list');
  const codes = new Set<string>();
  for (const a of input.attributes ?? []) {
    if (codes.has(a.code)) throw new DomainError('validation_failed', `attribute ${a.code} is listed twice`);
    codes.add(a.code);
    const listed = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    if (listed !== (a.values !== undefined && a.values.length > 0)) {
      throw new DomainError('validation_failed', `attribute ${a.code}: values go with the list datatypes, and only with them`);
    }
  }
  const current = (await countyCategories(ctx, caller.countyId)).find((c) => c.code === code);
  const row = await upsertCountyCategory(ctx.db, {
    county_id: caller.countyId,
    code,
    name_zh: input.name.zh,
    name_en: input.name.en,
    description: input.description ?? current?.description ?? '',
    group_name: input.group ?? current?.group ?? '',
    keywords: input.keywords ?? current?.keywords ?? [],
    attributes: JSON.stringify(input.attributes ?? current?.attributes ?? []),
    active: input.active ?? true,
    sort_order: input.sortOrder ?? current?.sortOrder ?? 1000,
    updated_at: ctx.now(),
  });
  return fromRow(row);
}
