// Shared setup of the Open311 tests: an Open311 token, household codes and unit locations, form posts, and XML read back
// element by element against the names the GeoReport v2 specification (and mySociety's extension) gives.
import type { Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../helper.js';
import { uuidv7 } from '../../../src/store/uuidv7.js';

type Teardown = Test['teardown'];

/** Element names of each document, in the specification's order. */
export const SPEC = {
  service: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  serviceDefinition: ['service_code', 'attributes'],
  attribute: ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'],
  value: ['key', 'name'],
  request: [
    'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
    'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
  ],
  filed: ['service_request_id', 'service_notice', 'account_id'],
  token: ['service_request_id', 'token'],
  update: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
  posted: ['update_id'],
  error: ['code', 'description'],
  discovery: ['changeset', 'contact', 'key_service', 'endpoints'],
  endpoint: ['specification', 'url', 'changeset', 'type', 'formats'],
} as const;

/** W3C datetime in Beijing time, as the endpoint writes them. */
export const W3C_BEIJING = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

const REPEATED = new Set(['service', 'attribute', 'value', 'request', 'error', 'endpoint', 'format', 'request_update']);
const parser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => REPEATED.has(name) });

export type XmlNode = Record<string, unknown>;

/** Parses a whole document (declared UTF-8, well-formed) and returns its root element's content under its name. */
export function parseXml(t: Test, body: string): XmlNode {
  t.match(body, /^<\?xml version="1\.0" encoding="utf-8"\?>\n/, 'XML declaration with UTF-8 first');
  const valid = XMLValidator.validate(body);
  t.equal(valid, true, 'well-formed XML');
  return parser.parse(body) as XmlNode;
}

/** The child elements of a node, exactly these names in this order. */
export function elementNames(node: unknown): string[] {
  return node !== null && typeof node === 'object' ? Object.keys(node) : [];
}

export interface Open311App extends TestApp {
  /** The Open311 api_key of the 12345 hotline, bound to the whole county. */
  key: string;
  /** A second Open311 client of the same county: a citizen app with its own integration account. */
  otherKey: string;
  /** A /v1 token of the hotline: no Open311 key. */
  v1Key: string;
  post: (path: string, fields: Record<string, string | string[]>, contentType?: string) => Promise<LightMyRequestResponse>;
  get: (path: string) => Promise<LightMyRequestResponse>;
}

/** `a=1&b=2` with keys as clients write them (`attribute[x][]`), UTF-8 percent-encoded, spaces as `+`. */
export function formBody(fields: Record<string, string | string[]>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return Object.entries(fields)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${enc(x)}`))
    .join('&');
}

export async function issueToken(h: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/admin/api-tokens', headers: await h.auth('admin'), payload: body });
  if (res.statusCode !== 201) throw new Error(`token: ${res.body}`);
  return (res.json() as { token: string }).token;
}

export async function buildOpen311App(teardown: Teardown, options: TestAppOptions = {}): Promise<Open311App> {
  const h = await buildTestApp(teardown, options);
  const { units, staff, countyId } = h.county;
  const key = await issueToken(h, { integrationId: staff.hotline, unitId: units.county, name: '12345 热线', scope: 'open311' });
  // Another client of the county: a citizen app with an integration account of its own.
  const appId = uuidv7();
  await h.db.insertInto('staff').values({ id: appId, county_id: countyId, unit_id: units.county as string, username: 'citizen-app', display_name: '群众 App', password_hash: '!', roles: ['integration'] }).execute();
  const otherKey = await issueToken(h, { integrationId: appId, unitId: units.county, name: '群众 App', scope: 'open311' });
  const v1Key = await issueToken(h, { integrationId: staff.hotline, unitId: units.county, name: '热线 v1', routes: ['POST /v1/tickets', 'GET /v1/tickets/:id'] });
  // Household codes (户编码) as a county's import gives them: HH-<n>.
  for (const [i, id] of h.county.households.entries()) {
    await h.db.updateTable('households').set({ code: `HH-${String(i + 1).padStart(3, '0')}` }).where('id', '=', id).where('county_id', '=', countyId).execute();
  }
  const post: Open311App['post'] = (path, fields, contentType = 'application/x-www-form-urlencoded') =>
    h.app.inject({ method: 'POST', url: path, headers: { 'content-type': contentType }, payload: formBody(fields) });
  const get: Open311App['get'] = (path) => h.app.inject({ method: 'GET', url: path });
  return { ...h, key, otherKey, v1Key, post, get };
}

/** Files a request as the hotline; returns its number. */
export async function file(h: Open311App, fields: Record<string, string | string[]>, key = h.key): Promise<string> {
  const res = await h.post('/open311/v2/requests.json', { api_key: key, ...fields });
  if (res.statusCode !== 201) throw new Error(`file: ${res.statusCode} ${res.body}`);
  return (res.json() as Array<{ service_request_id: string }>)[0]?.service_request_id ?? '';
}

export async function ticketOf(h: TestApp, number: string) {
  return h.db.selectFrom('tickets').selectAll().where('county_id', '=', h.county.countyId).where('number', '=', number).executeTakeFirstOrThrow();
}
