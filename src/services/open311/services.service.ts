// GET services and service definitions: the county's active categories (事项类别) as Open311 services.
import type { CategoryAttribute } from '../../engine/category.defaults.js';
import { countyCategories, type Category } from '../categories.service.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors.js';

export interface ServiceEntry {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface AttributeEntry {
  variable: boolean;
  code: string;
  datatype: CategoryAttribute['datatype'];
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
}

export interface ServiceDefinition {
  service_code: string;
  attributes: AttributeEntry[];
}

/** How to fill a field of each datatype, for the people who read the form. */
const DATATYPE_HINTS: Record<CategoryAttribute['datatype'], string> = {
  string: '一行文字',
  number: '填写数字',
  datetime: '日期时间，如 2026-12-03T10:00:00+08:00',
  text: '文字，可分多行',
  singlevaluelist: '从选项中选一项',
  multivaluelist: '从选项中选一项或多项',
};

/** The categories a request can be filed under now: active ones only. */
export async function activeCategories(ctx: ServiceContext, countyId: string): Promise<Category[]> {
  return (await countyCategories(ctx, countyId)).filter((c) => c.active);
}

export async function activeCategory(ctx: ServiceContext, countyId: string, code: string): Promise<Category> {
  const found = (await activeCategories(ctx, countyId)).find((c) => c.code === code);
  if (!found) throw new DomainError('not_found', `服务类别不存在 (service_code not found: ${code})`);
  return found;
}

// Requests become tickets at once and answer with their number: every service is realtime.
export const toServiceEntry = (c: Category): ServiceEntry => ({
  service_code: c.code,
  service_name: c.name.zh,
  description: c.description,
  metadata: c.attributes.length > 0,
  type: 'realtime',
  keywords: c.keywords.join(','),
  group: c.group,
});

export async function listServices(ctx: ServiceContext, countyId: string): Promise<ServiceEntry[]> {
  return (await activeCategories(ctx, countyId)).map(toServiceEntry);
}

export async function serviceDefinition(ctx: ServiceContext, countyId: string, code: string): Promise<ServiceDefinition> {
  const category = await activeCategory(ctx, countyId, code);
  return {
    service_code: category.code,
    attributes: [...category.attributes]
      .sort((a, b) => a.order - b.order)
      .map((a) => ({
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: DATATYPE_HINTS[a.datatype],
        order: a.order,
        description: a.description,
        ...(a.values && a.values.length > 0 ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
      })),
  };
}
