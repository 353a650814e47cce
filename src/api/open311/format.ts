// Open311's two formats from one shape: XML (schemaless, no namespace) and JSON by the Spark convention.
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Format = 'xml' | 'json';

/** A repeated element: `<services><service/>…</services>` in XML, an array in JSON. */
export class List {
  constructor(
    readonly item: string,
    readonly values: readonly Value[],
  ) {}
}

/** Scalars, lists, or records of values (the services' plain objects, whose keys are the spec's element names). */
export type Value = string | number | boolean | null | undefined | List | object;

// Characters XML 1.0 cannot carry at all (C0 controls but tab and line breaks, lone surrogates, U+FFFE/F).
// eslint-disable-next-line no-control-regex -- these control characters are exactly what must go
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const escapeXml = (s: string): string =>
  s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function element(name: string, value: Value): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}></${name}>`;
  if (value instanceof List) return `<${name}>${value.values.map((v) => element(value.item, v)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value as Record<string, Value>).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The document with its declaration; nulls are empty elements, as the spec's examples show them. */
export function toXml(root: string, value: Value): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

/** The same shape as JSON: the root element drops away, lists are arrays. */
export function toJson(value: Value): unknown {
  if (value instanceof List) return value.values.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, Value>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]));
  }
  return value ?? null;
}

export const CONTENT_TYPES: Record<Format, string> = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' };

export function sendAs(reply: FastifyReply, format: Format, root: string, value: Value, status = 200): FastifyReply {
  const body = format === 'xml' ? toXml(root, value) : JSON.stringify(toJson(value));
  return reply.code(status).header('content-type', CONTENT_TYPES[format]).send(body);
}

/** The format a path asks for (`….json`), XML otherwise: the spec's required format, also for errors. */
export function formatOf(request: FastifyRequest): Format {
  const path = request.url.split('?')[0] ?? '';
  return path.toLowerCase().endsWith('.json') ? 'json' : 'xml';
}
