// Reads the fields of an Open311 form (POST requests, POST servicerequestupdates) as the spec and real clients send them.
import type { CategoryAttribute } from '../../engine/category.defaults.js';
import { DomainError } from '../errors.js';
import { parseW3c } from './w3c-time.js';

/** Form fields as decoded: a repeated key (`attribute[x][]=a&attribute[x][]=b`) is a list. */
export type Form = Record<string, unknown>;

/** The spec's limit on descriptions. */
export const DESCRIPTION_MAX = 4000;

const invalid = (message: string) => new DomainError('validation_failed', message);

/** One text field: the first value when a client repeated it, trimmed; empty is absent (the spec's "optional"). */
export function field(form: Form, name: string, max = 200): string | undefined {
  const raw = form[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null) return undefined;
  const text = (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '').trim();
  if (text === '') return undefined;
  if ([...text].length > max) throw invalid(`${name} 过长，最多 ${max} 字 (${name} is longer than ${max} characters)`);
  return text;
}

/** Clients that split "first last" at a space send a Chinese name whole, with `-` or nothing as last_name. */
export const nameField = (form: Form, name: string): string | undefined => {
  const v = field(form, name, 100);
  return v === '-' ? undefined : v;
};

const CJK = /[\u3400-\u9fff]/;

/** Family name first and no space for Chinese names (张 + 三 = 张三), given name first otherwise. */
export function displayName(first: string | undefined | null, last: string | undefined | null): string | undefined {
  const parts = [first ?? '', last ?? ''].map((p) => p.trim()).filter((p) => p !== '' && p !== '-');
  if (parts.length === 0) return undefined;
  if (parts.length === 2 && CJK.test(parts.join(''))) return `${last ?? ''}${first ?? ''}`.trim();
  return parts.join(' ');
}

export function numberField(form: Form, name: string, min: number, max: number): number | undefined {
  const v = field(form, name, 40);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[+-]?\d+(\.\d+)?$/.test(v) || n < min || n > max) throw invalid(`${name} 须为 ${min} 到 ${max} 之间的数 (${name} must be a number from ${min} to ${max})`);
  return n;
}

export function urlField(form: Form, name: string): string | undefined {
  const v = field(form, name, 2000);
  if (v === undefined) return undefined;
  if (!URL.canParse(v) || !['http:', 'https:'].includes(new URL(v).protocol)) throw invalid(`${name} 须为 http(s) 网址 (${name} must be an http or https URL)`);
  return v;
}

export function emailField(form: Form, name: string): string | undefined {
  const v = field(form, name, 200);
  if (v !== undefined && !/^[^\s@]+@[^\s@]+$/.test(v)) throw invalid(`${name} 不是电子邮箱地址 (${name} is not an email address)`);
  return v;
}

export function descriptionField(form: Form, name = 'description'): string | undefined {
  return field(form, name, DESCRIPTION_MAX);
}

/** `attribute[code]` and `attribute[code][]` keys, in any order, as code → one value or a list. */
export function attributesOf(form: Form): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, raw] of Object.entries(form)) {
    const m = /^attribute\[([^\]]{1,100})\](\[\])?$/.exec(key);
    if (!m?.[1]) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'string' ? v.trim() : String(v ?? ''))).filter((v) => v !== '');
    if (values.length === 0) continue;
    out.set(m[1], [...(out.get(m[1]) ?? []), ...values]);
  }
  return out;
}

const MAX_EXTRA_ATTRIBUTES = 50;
const ATTRIBUTE_VALUE_MAX = 1000;

/**
 * Checks the category's attributes (required ones present, numbers, dates, list keys) and keeps the
 * others a client adds for its own purposes (FixMyStreet sends its report URL, title...) as they came.
 */
export function checkAttributes(defined: readonly CategoryAttribute[], sent: Map<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const a of defined) {
    const values = sent.get(a.code) ?? [];
    if (values.length === 0) {
      if (a.required) throw invalid(`缺少必填项 attribute[${a.code}]（${a.description}） (attribute[${a.code}] is required)`);
      continue;
    }
    if (a.datatype !== 'multivaluelist' && values.length > 1) throw invalid(`attribute[${a.code}] 只能填一个值 (attribute[${a.code}] takes one value)`);
    for (const v of values) {
      if (v.length > ATTRIBUTE_VALUE_MAX) throw invalid(`attribute[${a.code}] 过长 (attribute[${a.code}] is too long)`);
      if (a.datatype === 'number' && !/^[+-]?\d+(\.\d+)?$/.test(v)) throw invalid(`attribute[${a.code}] 须为数字 (attribute[${a.code}] must be a number)`);
      if (a.datatype === 'datetime' && parseW3c(v) === undefined) throw invalid(`attribute[${a.code}] 须为 W3C 日期时间 (attribute[${a.code}] must be a W3C datetime)`);
      if ((a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') && !(a.values ?? []).some((o) => o.key === v)) {
        throw invalid(`attribute[${a.code}] 没有选项 ${v} (attribute[${a.code}] has no value ${v})`);
      }
      if (a.datatype === 'string' && /[\r\n]/.test(v)) throw invalid(`attribute[${a.code}] 须为一行文字 (attribute[${a.code}] must be one line)`);
    }
    out[a.code] = a.datatype === 'multivaluelist' ? values : (values[0] as string);
  }
  let extras = 0;
  for (const [code, values] of sent) {
    if (code in out || defined.some((a) => a.code === code)) continue;
    if (++extras > MAX_EXTRA_ATTRIBUTES) throw invalid(`attribute 过多 (more than ${MAX_EXTRA_ATTRIBUTES} extra attributes)`);
    const kept = values.map((v) => v.slice(0, ATTRIBUTE_VALUE_MAX));
    out[code] = kept.length === 1 ? (kept[0] as string) : kept;
  }
  return out;
}

/** The category's answers as lines of the ticket's description, so the people handling it read them. */
export function attributeLines(defined: readonly CategoryAttribute[], values: Record<string, string | string[]>): string[] {
  return [...defined]
    .sort((a, b) => a.order - b.order)
    .filter((a) => values[a.code] !== undefined)
    .map((a) => {
      const v = values[a.code];
      const keys = Array.isArray(v) ? v : [v ?? ''];
      const shown = keys.map((k) => a.values?.find((o) => o.key === k)?.name ?? k).join('、');
      return `${a.description}：${shown}`;
    });
}
