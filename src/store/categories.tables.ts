// Row type of county_categories, part of the Database interface.
import type { ColumnType, JSONColumnType, Selectable } from 'kysely';
import type { CategoryAttribute } from '../engine/category.defaults.js';

export interface CountyCategoriesTable {
  county_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  description: string;
  group_name: string;
  keywords: string[];
  attributes: JSONColumnType<CategoryAttribute[], string, string>;
  active: boolean;
  sort_order: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type CountyCategoryRow = Selectable<CountyCategoriesTable>;
