// GET requests, requests/{id} and tokens/{token}: the spec's elements in both formats, filters and dates, statuses standard
// and extended, and privacy: only the client that filed a request reads what it sent; public lists are masked.
import t from 'tap';
import { buildOpen311App, elementNames, file, issueToken, parseXml, SPEC, ticketOf, W3C_BEIJING, type Open311App, type XmlNode } from './open311-fixture.js';

const PERSONAL = {
  service_code: 'water',
  description: '张大山家水管破了，电话13800001000，身份证522701198001101000，户号HH-001，李四代报',
  first_name: '四',
  last_name: '李',
  phone: '13700001111',
  email: 'lisi@example.cn',
  address_id: 'HH-001',
  address_string: '青山东村1组1号张大山家',
  lat: '26.581234',
  long: '106.712345',
  media_url: 'https://photos.example.cn/zhang.jpg',
};

const send = async (h: Open311App, ticketId: string, headers: Record<string, string>, payload: Record<string, unknown>) => {
  const res = await h.app.inject({ method: 'POST', url: `/v1/tickets/${ticketId}/events`, headers, payload });
  if (res.statusCode !== 200) throw new Error(`${String(payload.type)}: ${res.body}`);
};

t.test('public lists mask what is personal; the filing client reads its own request in full', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const number = await file(h, PERSONAL);
  for (const url of [`/open311/v2/requests.json`, `/open311/v2/requests/${number}.json`, `/open311/v2/requests.json?api_key=${h.otherKey}`]) {
    const res = await h.get(url);
    t.equal(res.statusCode, 200, url);
    const [r] = res.json() as Array<Record<string, unknown>>;
    t.match(r, {
      service_request_id: number,
      description: '张**家水管破了，电话138****1000，身份证522***********1000，户号****，李*代报',
      address: '示范县青山镇青山东村第1村民小组',
      address_id: 'group-1-1-1',
      lat: 26.58,
      long: 106.71,
      media_url: null,
    }, `${url}: masked`);
    for (const secret of ['张大山', '13800001000', '13700001111', '522701198001101000', 'HH-001', 'lisi@', 'zhang.jpg', '李四', '1号']) {
      t.notOk(res.body.includes(secret), `${url}: no ${secret}`);
    }
  }
  const xml = await h.get('/open311/v2/requests.xml');
  for (const secret of ['张大山', '13800001000', 'HH-001']) t.notOk(xml.body.includes(secret), `XML: no ${secret}`);

  const own = (await h.get(`/open311/v2/requests/${number}.json?api_key=${h.key}`)).json()[0] as Record<string, unknown>;
  t.match(own, {
    description: PERSONAL.description, address: PERSONAL.address_string, address_id: 'HH-001', lat: 26.581234, long: 106.712345, media_url: PERSONAL.media_url,
  }, 'the hotline that filed it reads what it sent');
});

t.test('GET requests: the spec\'s elements in both formats, filters, dates and the 90-day window', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const dispatcher = await h.auth('dispatcher');
  const old = await file(h, { service_code: 'water', address_id: 'HH-002', description: '去年的事' });
  h.clock.advance(100 * 86_400_000);
  const water = await file(h, { service_code: 'water', address_id: 'HH-001', description: '水管破了' });
  h.clock.advance(3_600_000);
  const road = await file(h, { service_code: 'infrastructure', address_id: 'HH-003', description: '路塌了' });
  const roadTicket = await ticketOf(h, road);
  h.clock.advance(1_800_000);
  await send(h, roadTicket.id, dispatcher, { type: 'REJECT', reason: '属于国道，由公路局处理' });
  h.clock.advance(3_600_000);

  const doc = parseXml(t, (await h.get('/open311/v2/requests.xml')).body);
  const requests = (doc.service_requests as XmlNode).request as XmlNode[];
  t.same(requests.map((r) => r.service_request_id), [road, water], 'the last 90 days, newest first');
  for (const r of requests) t.same(elementNames(r), SPEC.request, 'every element of the spec, in its order');
  const [rejected, open] = requests;
  t.match(rejected, {
    status: 'closed', status_notes: '不予受理：属于国道，由公路局处理', service_name: '道路设施', service_code: 'infrastructure', agency_responsible: '青山镇',
    service_notice: '不予受理', expected_datetime: '', zipcode: '',
  });
  t.match(open, { status: 'open', status_notes: '', service_notice: /^已挂号，当前环节期限 \d{4}年/ });
  for (const r of requests) {
    t.match(r.requested_datetime, W3C_BEIJING);
    t.match(r.updated_datetime, W3C_BEIJING);
  }
  t.equal(rejected?.requested_datetime, '2027-03-03T11:00:00+08:00', 'requested in Beijing time');
  t.equal(rejected?.updated_datetime, '2027-03-03T11:30:00+08:00', 'a closed request\'s update time is its closing time');
  const json = (await h.get('/open311/v2/requests.json')).json() as Array<Record<string, unknown>>;
  t.same(Object.keys(json[0] ?? {}), SPEC.request);
  t.equal(json[1]?.status_notes, null, 'JSON: null where XML is empty');

  const list = async (query: string) => ((await h.get(`/open311/v2/requests.json?${query}`)).json() as Array<{ service_request_id: string }>).map((r) => r.service_request_id);
  t.same(await list('status=open'), [water]);
  t.same(await list('status=closed'), [road]);
  t.same(await list('status=open,closed'), [road, water]);
  t.same(await list('status=open&status=closed'), [road, water], 'status declared twice');
  t.same(await list('status=not_councils_responsibility'), [road], 'an extended status as a filter');
  t.same(await list('service_code=water,subsidy'), [water]);
  t.same(await list(`service_request_id=${old},${water},2026-999999`), [water, old], 'ids override the window; unknown ones are just absent');
  t.same(await list('start_date=2026-11-22T00:00:00Z&end_date=2026-11-24T00:00:00Z'), [old], 'W3C dates with Z');
  t.same(await list('start_date=2026-11-23T08:00:00+08:00&end_date=2026-11-23T11:00:00 08:00'), [old], 'an offset, and a + sent unencoded');
  t.same(await list('start_date=2026-11-23'), [old], 'from a day, 90 days on');
  for (const [query, why] of [
    ['start_date=yesterday', 'a date that is no date'],
    ['start_date=2026-11-23T10:00:00', 'a time without its zone'],
    ['start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z', 'more than 90 days'],
    ['start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z', 'a start after its end'],
    ['status=bogus', 'a status nobody has'],
  ] as const) {
    const res = await h.get(`/open311/v2/requests.json?${query}`);
    t.equal(res.statusCode, 400, why);
    t.match(res.json(), [{ code: 400 }], why);
  }
});

t.test('requests/{id} and tokens/{token}: one request, 404 for anything else', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const number = await file(h, { service_code: 'water', address_id: 'HH-001' });
  const ticket = await ticketOf(h, number);
  const one = parseXml(t, (await h.get(`/open311/v2/requests/${number}.xml`)).body);
  t.equal((((one.service_requests as XmlNode).request as XmlNode[])[0] as XmlNode).service_request_id, number);
  const token = parseXml(t, (await h.get(`/open311/v2/tokens/${ticket.id}.xml`)).body);
  const [entry] = (token.service_requests as XmlNode).request as XmlNode[];
  t.same(elementNames(entry), SPEC.token);
  t.same(entry, { service_request_id: number, token: ticket.id });
  t.same((await h.get(`/open311/v2/tokens/${ticket.id}.json`)).json(), [{ service_request_id: number, token: ticket.id }]);

  const visit = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'), payload: { householdId: h.county.households[0], category: 'water', description: '入户登记' } });
  const cadreTicket = visit.json() as { id: string; number: string };
  for (const [url, why] of [
    ['/open311/v2/requests/2026-999999', 'an unknown number'],
    [`/open311/v2/requests/${cadreTicket.number}`, 'a ticket not filed through Open311'],
    ['/open311/v2/tokens/00000000-0000-7000-8000-000000000000', 'an unknown token'],
    ['/open311/v2/tokens/not-a-token', 'not even a token'],
    [`/open311/v2/tokens/${cadreTicket.id}`, 'the id of a ticket not filed through Open311'],
  ] as const) {
    for (const format of ['xml', 'json'] as const) {
      const res = await h.get(`${url}.${format}`);
      t.equal(res.statusCode, 404, `${why} (${format})`);
      if (format === 'json') t.match(res.json(), [{ code: 404 }]);
      else t.equal(((parseXml(t, res.body).errors as XmlNode).error as XmlNode[])[0]?.code, '404');
    }
  }
});

t.test('statuses: open/closed by default, FixMyStreet\'s extended ones when the call or the token asks', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { staff, units } = h.county;
  const number = await file(h, { service_code: 'water', address_id: 'HH-001' });
  const ticket = await ticketOf(h, number);
  await send(h, ticket.id, await h.auth('dispatcher'), { type: 'DISPATCH', leadUnitId: units['dept-water'] });
  const status = async (query: string) => ((await h.get(`/open311/v2/requests/${number}.json?${query}`)).json() as Array<{ status: string }>)[0]?.status;
  t.equal(await status(''), 'open');
  t.equal(await status('extended_statuses=true'), 'ACTION_SCHEDULED', 'joint.dispatched: action scheduled');
  const fms = await issueToken(h, { integrationId: staff.hotline, unitId: units.county, name: 'FixMyStreet', scope: 'open311', extendedStatuses: true });
  t.equal(await status(`api_key=${fms}`), 'ACTION_SCHEDULED', 'a token issued with extended statuses');
  t.equal(await status(`api_key=${fms}&extended_statuses=false`), 'open', 'unless the call says otherwise');
  t.equal((await h.get(`/open311/v2/requests/${number}.json?extended_statuses=maybe`)).statusCode, 400);
  const agency = ((await h.get(`/open311/v2/requests/${number}.json`)).json() as Array<{ agency_responsible: string }>)[0]?.agency_responsible;
  t.equal(agency, '县水务局', 'the lead department is the agency responsible');
});
