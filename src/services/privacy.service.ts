// Masking of residents' personal numbers (138****5678, 110***********1234) in fields and in free text.
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** ID card numbers (身份证号, 18 or 15 characters) keep their first 3 and last 4 characters. */
export function maskIdNumber(id: string | null): string | null {
  if (id === null) return null;
  const v = id.replace(/\s+/g, '');
  if (v.length < 8) return '****';
  return `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`;
}

// Not inside a longer run of digits: an order number is not a phone number.
const ID_IN_TEXT = /(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])/g;
// Mobiles with or without the country code (+86 / 86); landlines as 0851-1234567, (0851)12345678 or 0851 1234567.
const MOBILE_IN_TEXT = /(?<![0-9])(?:\+?86[\s-]?)?1[3-9][0-9][\s-]?[0-9]{4}[\s-]?[0-9]{4}(?![0-9])/g;
const LANDLINE_IN_TEXT = /(?<![0-9])(?:0[0-9]{2,3}[-\s]|\(0[0-9]{2,3}\)\s?)[0-9]{7,8}(?![0-9])/g;

/** Phone and ID numbers a cadre typed into a description or a note. */
export function maskText(text: string): string {
  return text
    .replace(ID_IN_TEXT, (m) => maskIdNumber(m) ?? '')
    .replace(MOBILE_IN_TEXT, (m) => maskPhone(m.replace(/[\s-]/g, '').replace(/^\+?86(?=1[3-9])/, '')) ?? '')
    .replace(LANDLINE_IN_TEXT, (m) => `${m.slice(0, m.length - (m.match(/[0-9]{7,8}$/)?.[0].length ?? 0))}****${m.slice(-2)}`);
}

/** Every string inside a JSON value (an event payload) masked. */
export function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  }
  return value;
}

export const maskRecord = (r: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, maskDeep(v)]));

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Known terms longest first (a name inside a longer one is masked as part of it), each at least two characters. */
const usable = (terms: ReadonlyArray<string | null | undefined>): string[] =>
  [...new Set(terms.map((t) => (t ?? '').trim()).filter((t) => [...t].length >= 2))].sort((a, b) => b.length - a.length);

function replaceTerms(text: string, terms: ReadonlyArray<string | null | undefined>, mask: (term: string) => string): string {
  const list = usable(terms);
  if (list.length === 0) return text;
  return text.replace(new RegExp(list.map(escapeRegExp).join('|'), 'giu'), mask);
}

/**
 * Known names (a household head's, an Open311 requester's) wherever free text mentions them: 张大山 → 张**.
 * Only names the engine knows are found; a name it was never told stays as typed.
 */
export function maskNames(text: string, names: ReadonlyArray<string | null | undefined>): string {
  return replaceTerms(text, names, (m) => {
    const chars = [...m];
    return `${chars[0] ?? ''}${'*'.repeat(chars.length - 1)}`;
  });
}

/** Household codes (户编码) typed into free text: they name a family as surely as its head's name does. */
export function maskCodes(text: string, codes: ReadonlyArray<string | null | undefined>): string {
  return replaceTerms(text, codes, () => '****');
}

/** An email address keeps its first character and its domain: z***@example.com. */
export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '****';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
