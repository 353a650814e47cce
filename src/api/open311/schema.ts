// TypeBox schemas of the Open311 face: path formats and the query arguments the spec names (others are ignored, as it asks).
import { Type, type TProperties } from '@fastify/type-provider-typebox';

const Format = Type.Union([Type.Literal('xml'), Type.Literal('json')], { description: 'Answer format, from the path\'s extension' });
const Text = Type.String({ maxLength: 2000 });
/** A comma-separated list that a client may also repeat (`status=open&status=closed`). */
const CommaList = Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 });
const Flag = Type.Union([Type.Literal('true'), Type.Literal('false')]);

const common = {
  jurisdiction_id: Type.Optional(Text),
  api_key: Type.Optional(Text),
};

const query = <P extends TProperties>(props: P = {} as P) => Type.Object({ ...common, ...props }, { additionalProperties: true });

/** Form fields as decoded: strings, or lists of them for a repeated key. */
const FormBody = Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 100 })]), {
  maxProperties: 200,
});

const tags = ['open311'];

export const discoverySchema = { tags, summary: 'Service discovery document (Open311)', params: Type.Object({ format: Format }), querystring: query() };

export const servicesSchema = { tags, summary: 'GET services: the county\'s categories as Open311 services', params: Type.Object({ format: Format }), querystring: query() };

export const serviceDefinitionSchema = {
  tags,
  summary: 'GET service definition: the attributes a category asks for',
  params: Type.Object({ code: Type.String({ maxLength: 64 }), format: Format }),
  querystring: query(),
};

export const postRequestSchema = {
  tags,
  summary: 'POST requests (form-encoded): file a request; it becomes a ticket with source open311',
  params: Type.Object({ format: Format }),
  querystring: query(),
  body: FormBody,
};

const listArgs = {
  service_request_id: Type.Optional(CommaList),
  service_code: Type.Optional(CommaList),
  status: Type.Optional(CommaList),
  start_date: Type.Optional(Text),
  end_date: Type.Optional(Text),
  extended_statuses: Type.Optional(Flag),
};

export const listRequestsSchema = {
  tags,
  summary: 'GET requests: Open311 requests of the county (public lists are masked)',
  params: Type.Object({ format: Format }),
  querystring: query(listArgs),
};

export const getRequestSchema = {
  tags,
  summary: 'GET requests/{service_request_id}: one request',
  params: Type.Object({ id: Type.String({ maxLength: 64 }), format: Format }),
  querystring: query({ extended_statuses: Type.Optional(Flag) }),
};

export const tokenSchema = {
  tags,
  summary: 'GET tokens/{token}: the service_request_id of a request\'s token (its ticket id)',
  params: Type.Object({ token: Type.String({ maxLength: 64 }), format: Format }),
  querystring: query(),
};

export const listUpdatesSchema = {
  tags,
  summary: 'GET servicerequestupdates (mySociety\'s extension): public changes of the county\'s Open311 requests',
  params: Type.Object({ format: Format }),
  querystring: query({ start_date: Type.Optional(Text), end_date: Type.Optional(Text), extended_statuses: Type.Optional(Flag) }),
};

export const postUpdateSchema = {
  tags,
  summary: 'POST servicerequestupdates (mySociety\'s extension, form-encoded): a resident\'s comment on an open request',
  params: Type.Object({ format: Format }),
  querystring: query(),
  body: FormBody,
};
