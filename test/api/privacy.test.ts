// Residents' privacy: numbers masked in every list and ticket, full ones only through the logged contact route, never in logs.
import t from 'tap';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../helper.js';

// A number stands alone: not inside a uuid (stripped first), a timestamp or a decimal.
const PHONE = /(?<![\d.])1[3-9]\d{9}(?![\d.])/;
const ID_NUMBER = /(?<![\d.])\d{17}[\dXx](?![\d.])/;
const withoutIds = (text: string): string => text.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, '');
const SEEDED_PHONE = '13800001000';

/** A ticket whose free text carries a phone number and an ID number, as cadres do type them. */
const registerWithNumbers = async (h: TestApp) =>
  (await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { householdId: h.county.households[0], category: 'subsidy', description: '张大山 13912345678 身份证522701198001101000 申请救助', mode: 'proxy' },
  })).json() as { id: string; description: string };

t.test('every list answers with masked phone and ID numbers, tickets included', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await registerWithNumbers(h);
  t.equal(ticket.description, '张大山 139****5678 身份证522***********1000 申请救助', 'masked in the registration answer');
  await h.app.inject({ method: 'POST', url: `/v1/tickets/${ticket.id}/events`, headers: await h.auth('cadre'), payload: { type: 'RESOLVE', summary: '已电话13912345678告知' } });
  await h.app.inject({ method: 'GET', url: `/v1/households/${h.county.households[0]}/contact`, headers: await h.auth('cadre') });
  const lists: Array<[string, string]> = [
    ['cadre', `/v1/households?unitId=${h.county.units['village-1-1']}`],
    ['county-supervisor', `/v1/households?unitId=${h.county.countyId}`],
    ['cadre', '/v1/tickets'],
    ['county-supervisor', '/v1/tickets?state=awaitingFeedback'],
    ['cadre', `/v1/tickets/${ticket.id}`],
    ['cadre', '/v1/units'],
    ['admin', '/v1/admin/accounts'],
    ['admin', '/v1/admin/access-log'],
    ['admin', '/v1/admin/api-tokens'],
  ];
  for (const [user, url] of lists) {
    const res = await h.app.inject({ method: 'GET', url, headers: await h.auth(user) });
    t.equal(res.statusCode, 200, url);
    t.notMatch(withoutIds(res.body), PHONE, `${url}: no phone number`);
    t.notMatch(withoutIds(res.body), ID_NUMBER, `${url}: no ID number`);
  }
  const households = (await h.app.inject({ method: 'GET', url: `/v1/households?unitId=${h.county.countyId}`, headers: await h.auth('county-supervisor') })).json();
  for (const item of households.items as Array<{ phone: string; idNumber: string }>) {
    t.match(item.phone, /^138\*{4}\d{4}$/);
    t.match(item.idNumber, /^522\*{11}\d{4}$/);
  }
});

t.test('a full number is read through the contact route only, and each read is in the append-only access log', async (t) => {
  const h = await buildTestApp(t.teardown);
  const ticket = await registerWithNumbers(h);
  const household = h.county.households[0] as string;
  const res = await h.app.inject({
    method: 'GET', url: `/v1/households/${household}/contact?ticketId=${ticket.id}&reason=callback`,
    headers: { ...(await h.auth('town-supervisor')), 'x-request-id': 'req-callback-1' },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { householdId: household, headName: '张大山', phone: SEEDED_PHONE, idNumber: '522701198001101000' });
  const log = await h.app.inject({ method: 'GET', url: `/v1/admin/access-log?householdId=${household}`, headers: await h.auth('admin') });
  t.match(log.json().items, [{ staffId: h.county.staff['town-supervisor'], householdId: household, ticketId: ticket.id, fields: ['phone', 'idNumber'], reason: 'callback', requestId: 'req-callback-1' }]);
  const notTheirs = await h.app.inject({ method: 'GET', url: `/v1/households/${h.county.households[2]}/contact?ticketId=${ticket.id}`, headers: await h.auth('town-supervisor') });
  t.equal(notTheirs.json().code, 'unknown_ticket_reference', 'the ticket must be that household\'s');
  t.equal((await h.db.selectFrom('access_log').select('id').execute()).length, 1, 'a refused read is not logged as a read');
  await t.rejects(sql`update access_log set reason = 'x'`.execute(h.db), /append-only/);
  await t.rejects(sql`delete from access_log`.execute(h.db), /append-only/);
  const village = await h.app.inject({ method: 'GET', url: `/v1/households/${household}/contact`, headers: await h.auth('village') });
  t.equal(village.statusCode, 403, 'the village secretary works with masked numbers');
});

t.test('no phone number, ID number, password or token reaches the log of a run', async (t) => {
  const lines: string[] = [];
  const logStream = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(chunk.toString()); done(); } });
  const h = await buildTestApp(t.teardown, { logStream, logLevel: 'trace' });
  const login = (await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'cadre', password: 'demo-cadre' } })).json();
  const ticket = await registerWithNumbers(h);
  const headers = await h.auth('town-supervisor');
  await h.app.inject({ method: 'GET', url: `/v1/households/${h.county.households[0]}/contact?ticketId=${ticket.id}`, headers });
  await h.app.inject({ method: 'GET', url: `/v1/households?unitId=${h.county.units['town-1']}`, headers });
  await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.id}`, headers });
  await h.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
  await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'cadre', password: 'wrong-13912345678' } });
  await h.app.inject({ method: 'POST', url: '/v1/tickets', headers, payload: { householdId: 'x', description: '13912345678' } });
  // Requests that carry numbers through the services: a CSV import with a good and a bad phone, a household
  // edit, offline sync (their routes log; the services log little today, so these guard future lines).
  const admin = await h.auth('admin');
  const csv = (body: string) =>
    h.app.inject({ method: 'POST', url: '/v1/admin/imports/households', headers: { ...admin, 'content-type': 'text/csv' }, payload: Buffer.from(body, 'utf8') });
  await csv('code,group_code,head_name,phone,id_number\nP001,group-1-1-1,钱七,13712345678,522701198001101000\n');
  await csv('code,group_code,head_name,phone\nP002,group-1-1-1,孙八,1371234567x\n');
  await h.app.inject({ method: 'PATCH', url: `/v1/households/${h.county.households[0]}`, headers: admin, payload: { kind: 'migrant' } });
  const synced = await h.app.inject({
    method: 'POST', url: '/v1/sync', headers: await h.auth('cadre'),
    payload: { items: [{ kind: 'visit', clientId: 'privacy-1', deviceTime: '2026-11-23T01:00:00.000Z', householdId: h.county.households[0], channel: 'in_person', notes: '电话13712345678已核实' }] },
  });
  t.equal(synced.statusCode, 200, synced.body);
  // A deadline guessed into 2027, then worked out again when 2027 is loaded: both logged by the services.
  h.clock.set('2026-12-28T02:00:00Z');
  const joint = await h.app.inject({
    method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'),
    payload: { unitId: h.county.units['village-1-1'], category: 'road', description: '修路，联系13712345678', mode: 'joint', leadUnitId: h.county.units['dept-transport'] },
  });
  await h.app.inject({ method: 'POST', url: `/v1/tickets/${joint.json().id}/events`, headers: await h.auth('transport'), payload: { type: 'ACCEPT' } });
  await h.app.inject({ method: 'PUT', url: '/v1/calendar/years/2027', headers: admin, payload: { holidays: ['2027-01-01'], workdays: [] } });
  // Whatever code logs a resident or a credential by mistake, the redaction paths catch it.
  h.app.log.info({ phone: SEEDED_PHONE, household: { phone: SEEDED_PHONE, id_number: '522701198001101000', idNumber: '522701198001101000' } }, 'resident');
  h.app.log.info({ body: { password: 'demo-cadre', refreshToken: login.refreshToken, token: login.token } }, 'credentials');
  // And the services' logger (the workers' and the CLI's) redacts the same paths.
  h.services.log?.warn({ phone: SEEDED_PHONE, household: { phone: SEEDED_PHONE, idNumber: '522701198001101000' } }, 'resident (service)');
  h.services.log?.warn({ body: { password: 'demo-cadre', token: login.token } }, 'credentials (service)');
  t.ok(h.services.log, 'the services have a logger in this run');
  const out = lines.join('');
  t.ok(lines.length > 10, 'the run logged');
  t.match(out, /"phone":"\[Redacted\]"/, 'redacted, not dropped');
  t.match(out, /"msg":"deadline computed on plain weekdays/, 'the services’ own lines are in it');
  t.match(out, /"phone":"\[Redacted\]"[^\n]*"msg":"resident \(service\)"/, 'redacted by the services’ logger too');
  t.match(out, /"msg":"guessed deadlines worked out again/);
  for (const secret of [SEEDED_PHONE, '13912345678', '13712345678', '1371234567x', '522701198001101000', 'demo-cadre', login.token, login.refreshToken]) {
    t.notOk(out.includes(secret), `not in the log: ${secret.slice(0, 6)}…`);
  }
  t.notMatch(withoutIds(out), PHONE, 'no phone-like number at all');
  t.notMatch(withoutIds(out), ID_NUMBER, 'no ID-like number at all');
});

t.test('security headers on every answer; CORS only for the configured origins', async (t) => {
  const h = await buildTestApp(t.teardown, { access: { corsOrigins: ['https://town.example.cn'] } });
  const res = await h.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://town.example.cn' } });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  t.ok(res.headers['strict-transport-security'], 'HSTS');
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  t.equal(res.headers['access-control-allow-origin'], 'https://town.example.cn');
  const preflight = await h.app.inject({
    method: 'OPTIONS', url: '/v1/tickets',
    headers: { origin: 'https://town.example.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  t.equal(preflight.statusCode, 204);
  t.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
  const stranger = await h.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example.com' } });
  t.notOk(stranger.headers['access-control-allow-origin'], 'an origin not on the list gets no CORS grant');
  const closed = await buildTestApp(t.teardown);
  const none = await closed.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://town.example.cn' } });
  t.notOk(none.headers['access-control-allow-origin'], 'no CORS_ORIGINS: no cross-origin access');
});
