// The CSV import's columns (English names and Chinese aliases) and how each cell becomes a value; pure, no I/O.
import type { UnitKind } from '../store/database.js';
import { KEY_TAGS, type HouseholdKind, type KeyTag } from '../store/linkage.tables.js';
import { ROLES, type Role } from './access.service.js';
import { DomainError } from './errors.js';

export const IMPORT_KINDS = ['units', 'staff', 'households'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** A bad cell or row: the physical line in the file (header = 1) and the column as the file names it. */
export interface RowError {
  line: number;
  column: string | null;
  message: string;
}

interface ColumnSpec {
  key: string;
  aliases: readonly string[];
  required: boolean;
}

// Keys are the documented English names; aliases are what county spreadsheets tend to call them.
export const COLUMNS = {
  units: [
    { key: 'code', aliases: ['编码', '单位编码', '代码'], required: true },
    { key: 'name', aliases: ['名称', '单位名称'], required: true },
    { key: 'kind', aliases: ['类型', '层级', '单位类型'], required: true },
    { key: 'parent_code', aliases: ['上级编码', '上级单位编码', 'parent'], required: false },
  ],
  staff: [
    { key: 'username', aliases: ['用户名', '账号'], required: true },
    { key: 'display_name', aliases: ['name', '姓名'], required: true },
    { key: 'unit_code', aliases: ['单位编码', '所在单位编码'], required: true },
    { key: 'roles', aliases: ['角色'], required: true },
    { key: 'password', aliases: ['初始密码', '密码'], required: false },
  ],
  households: [
    { key: 'code', aliases: ['户编码', '户号', '编码'], required: true },
    { key: 'group_code', aliases: ['组编码', '村民小组编码', '小组编码'], required: true },
    { key: 'head_name', aliases: ['户主', '户主姓名'], required: true },
    { key: 'phone', aliases: ['电话', '联系电话', '手机号'], required: false },
    { key: 'address', aliases: ['地址', '住址'], required: false },
    { key: 'kind', aliases: ['类型', '户类型'], required: false },
    { key: 'key_tags', aliases: ['重点户', '五必访', '标签'], required: false },
    { key: 'cadre_username', aliases: ['cadre', '包联干部', '包联干部账号'], required: false },
    { key: 'id_number', aliases: ['身份证号', '身份证号码'], required: false },
  ],
} as const satisfies Record<ImportKind, readonly ColumnSpec[]>;

/** Where each known column sits in the file, and the header text it had there. */
export type HeaderMap = Map<string, { index: number; header: string }>;

const normalise = (h: string): string => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

// Row numbers and remarks are in nearly every county ledger (台账); any other unknown column is refused,
// because a misspelt column name would otherwise be dropped without a word.
const IGNORED = new Set(['序号', '备注', 'no', 'note', 'notes', 'remark', 'remarks']);

export function mapHeader(kind: ImportKind, header: string[], errors: RowError[]): HeaderMap {
  const specs: readonly ColumnSpec[] = COLUMNS[kind];
  const byName = new Map<string, string>();
  for (const s of specs) for (const name of [s.key, ...s.aliases]) byName.set(normalise(name), s.key);
  const map: HeaderMap = new Map();
  header.forEach((raw, index) => {
    const key = byName.get(normalise(raw));
    if (raw.trim() === '' || IGNORED.has(normalise(raw))) return;
    if (!key) {
      errors.push({ line: 1, column: raw, message: `Unknown column; ${kind} files have: ${specs.map((s) => s.key).join(', ')}` });
    } else if (map.has(key)) {
      errors.push({ line: 1, column: raw, message: `Column ${key} appears twice` });
    } else {
      map.set(key, { index, header: raw });
    }
  });
  for (const s of specs) {
    if (s.required && !map.has(s.key)) errors.push({ line: 1, column: s.key, message: `Missing column ${s.key} (or ${s.aliases.join(' / ')})` });
  }
  return map;
}

/** Reads cells of one record; errors carry the record's line and the header as the file wrote it. */
export class RowReader {
  constructor(
    private readonly header: HeaderMap,
    private readonly fields: string[],
    readonly line: number,
    private readonly errors: RowError[],
  ) {}

  has(key: string): boolean {
    return this.header.has(key);
  }

  /** Trimmed cell text; '' for an empty cell or a column the file does not have. */
  text(key: string): string {
    const col = this.header.get(key);
    return col ? (this.fields[col.index] ?? '').trim() : '';
  }

  fail(key: string | null, message: string): void {
    this.errors.push({ line: this.line, column: key === null ? null : (this.header.get(key)?.header ?? key), message });
  }

  required(key: string, max: number): string {
    const v = this.text(key);
    if (v === '') this.fail(key, 'Required');
    else if (v.length > max) this.fail(key, `Longer than ${max} characters`);
    return v;
  }

  optional(key: string, max: number): string | null {
    const v = this.text(key);
    if (v.length > max) this.fail(key, `Longer than ${max} characters`);
    return v === '' ? null : v;
  }
}

const UNIT_KINDS: Record<string, UnitKind> = {
  county: 'county', 县: 'county', 区: 'county',
  town: 'town', 镇: 'town', 乡: 'town', 乡镇: 'town', 街道: 'town',
  village: 'village', 村: 'village', 社区: 'village', 行政村: 'village',
  group: 'group', 组: 'group', 村民小组: 'group', 小组: 'group',
  department: 'department', 部门: 'department', 县直部门: 'department',
};

export function unitKind(r: RowReader): UnitKind | undefined {
  const v = r.text('kind');
  const kind = UNIT_KINDS[v.toLowerCase()];
  if (!kind) r.fail('kind', 'Must be county, town, village, group or department (县/镇/村/组/部门)');
  return kind;
}

const ROLE_ALIASES: Record<string, Role> = {
  包联干部: 'cadre', 干部: 'cadre',
  村干部: 'village', 村支书: 'village', 村工作队: 'village',
  镇调度: 'town_dispatcher', 镇调度员: 'town_dispatcher',
  镇督查办: 'town_supervisor',
  部门: 'department', 县直部门: 'department',
  县督查办: 'county_supervisor',
  管理员: 'county_admin', 县管理员: 'county_admin',
};

/** Integration accounts are not imported: they have no password and get API tokens from the admin. */
const IMPORTABLE_ROLES = ROLES.filter((r) => r !== 'integration');

export function roles(r: RowReader): Role[] {
  const out = new Set<Role>();
  for (const part of r.text('roles').split(/[;|；]/)) {
    const v = part.trim();
    if (v === '') continue;
    const role = (IMPORTABLE_ROLES as readonly string[]).includes(v.toLowerCase()) ? (v.toLowerCase() as Role) : ROLE_ALIASES[v];
    if (role) out.add(role);
    else r.fail('roles', `Unknown role "${v}"; roles are ${IMPORTABLE_ROLES.join(', ')}, separated by ; or |`);
  }
  if (out.size === 0 && r.text('roles') === '') r.fail('roles', 'Required: at least one role');
  return [...out];
}

/** Where a role works: its unit must be of this kind. */
export const ROLE_UNIT_KINDS: Record<Exclude<Role, 'integration'>, readonly UnitKind[]> = {
  cadre: ['group', 'village'],
  village: ['village'],
  town_dispatcher: ['town'],
  town_supervisor: ['town'],
  department: ['department'],
  county_supervisor: ['county'],
  county_admin: ['county'],
};

const HOUSEHOLD_KINDS: Record<string, HouseholdKind> = {
  resident: 'resident', 常住: 'resident', 常住户: 'resident',
  migrant: 'migrant', 外出: 'migrant', 外出户: 'migrant',
};

export function householdKind(r: RowReader): HouseholdKind | undefined {
  const v = r.text('kind');
  if (v === '') return 'resident';
  const kind = HOUSEHOLD_KINDS[v.toLowerCase()];
  if (!kind) r.fail('kind', 'Must be resident (常住) or migrant (外出户)');
  return kind;
}

const TAG_ALIASES: Record<string, KeyTag> = {
  产业: 'industry', 产业户: 'industry', 产业发展: 'industry',
  地灾: 'flood_risk', 洪涝: 'flood_risk', 地质灾害: 'flood_risk', 防汛: 'flood_risk', 地灾隐患: 'flood_risk',
  纠纷: 'dispute', 矛盾纠纷: 'dispute',
  低收入: 'low_income', 低保: 'low_income', 低保户: 'low_income', 困难: 'low_income',
  留守: 'left_behind', 留守儿童: 'left_behind', 留守老人: 'left_behind', 留守妇女: 'left_behind',
};

export function keyTags(r: RowReader): KeyTag[] {
  const out = new Set<KeyTag>();
  for (const part of r.text('key_tags').split(/[;|,，、；]/)) {
    const v = part.trim();
    if (v === '') continue;
    const tag = (KEY_TAGS as readonly string[]).includes(v.toLowerCase()) ? (v.toLowerCase() as KeyTag) : TAG_ALIASES[v];
    if (tag) out.add(tag);
    else r.fail('key_tags', `Unknown tag "${v}"; tags are ${KEY_TAGS.join(', ')}, separated by ; or |`);
  }
  return KEY_TAGS.filter((t) => out.has(t));
}

/** A phone number: digits with an optional leading + and spaces or dashes. The value is never echoed. */
export function phone(r: RowReader): string | null {
  const v = r.text('phone');
  if (v === '') return null;
  if (!/^\+?[0-9][0-9 -]{4,23}$/.test(v)) r.fail('phone', 'Not a phone number (digits, optional +, spaces or dashes)');
  return v;
}

/** 18-character resident ID (身份证号; last may be X) or the old 15-digit one. The value is never echoed. */
export function idNumber(r: RowReader): string | null {
  const v = r.text('id_number').toUpperCase();
  if (v === '') return null;
  if (!/^(\d{17}[\dX]|\d{15})$/.test(v)) r.fail('id_number', 'Not a resident ID number (18 characters, or 15 digits)');
  return v;
}

export function username(r: RowReader): string {
  const v = r.text('username');
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/.test(v)) r.fail('username', 'Required: letters, digits, . _ @ - (up to 100)');
  return v;
}

export const MIN_PASSWORD_LENGTH = 8;

export function password(r: RowReader): string | null {
  const v = r.text('password');
  if (v === '') return null;
  if (v.length < MIN_PASSWORD_LENGTH || v.length > 200) r.fail('password', `Must be ${MIN_PASSWORD_LENGTH} to 200 characters`);
  return v;
}

/** At most this many problems are reported; `total` says how many there were. */
export const MAX_REPORTED_ERRORS = 50;

export function invalidCsv(errors: RowError[]): DomainError {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  const first = sorted[0];
  const where = first ? ` (first on line ${first.line})` : '';
  return new DomainError('invalid_csv', `${errors.length} problem(s) in the file${where}; nothing was imported`, {
    details: { errors: sorted.slice(0, MAX_REPORTED_ERRORS), total: errors.length },
  });
}

/** Reports the second and later rows that repeat a key (code, username). */
export function checkUnique<T>(rows: T[], key: (row: T) => string, reader: (row: T) => RowReader, column: string): void {
  const seen = new Map<string, number>();
  for (const row of rows) {
    const k = key(row);
    if (k === '') continue;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, reader(row).line);
    else reader(row).fail(column, `"${k}" is already on line ${first}`);
  }
}

