// POST requests: a form as real clients send it becomes a ticket (source open311) at the right place; every mistake is a
// 4xx in the spec's format and writes nothing; concurrent requests each get their own number.
import t from 'tap';
import { writeCounts } from '../../helper.js';
import { buildOpen311App, elementNames, file, issueToken, parseXml, SPEC, ticketOf, type Open311App, type XmlNode } from './open311-fixture.js';

const recordOf = (h: Open311App, ticketId: string) => h.db.selectFrom('open311_requests').selectAll().where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();

t.test('a FixMyStreet-style form becomes a ticket at the household named, through the registration service', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { units, staff, households } = h.county;
  // Fields in no particular order, no charset in the content type, a Chinese name whole in first_name.
  const res = await h.post('/open311/v2/requests.xml', {
    'attribute[fixmystreet_id]': '42',
    description: '家里 要 申请种羊，电话13812345678',
    last_name: '-',
    'attribute[quantity]': '3',
    first_name: '王小明',
    phone: '13912345678',
    email: 'wang@example.cn',
    media_url: 'https://photos.example.cn/1.jpg',
    lat: '26.58',
    long: '106.71',
    address_id: 'HH-001',
    jurisdiction_id: 'county',
    service_code: 'agriculture',
    api_key: h.key,
    account_id: 'fms-7',
  });
  t.equal(res.statusCode, 201, res.body);
  const doc = parseXml(t, res.body);
  t.same(elementNames(doc), ['?xml', 'service_requests']);
  const [request] = (doc.service_requests as XmlNode).request as XmlNode[];
  t.same(elementNames(request), SPEC.filed, 'service_request_id, service_notice and the account_id sent');
  t.match(request, { service_request_id: /^2026-\d{6}$/, account_id: 'fms-7' });
  t.match(request?.service_notice, /^已受理，编号 2026-\d{6}（已挂号）。由青山镇调度在 2026年11月24日 24:00（北京时间）前分办。$/, 'in Chinese: who triages it, by when');

  const ticket = await ticketOf(h, String(request?.service_request_id));
  t.match(ticket, { source: 'open311', household_id: households[0], unit_id: units['group-1-1-1'], state: 'registered', category: 'agriculture', created_by: staff.hotline });
  t.equal(ticket.description, '家里 要 申请种羊，电话13812345678\n申请数量（如种羊只数、树苗株数）：3', 'the text with the category\'s answers, for the people handling it');
  const record = await recordOf(h, ticket.id);
  t.match(record, { routed_by: 'household', first_name: '王小明', last_name: null, phone: '13912345678', email: 'wang@example.cn', address_id: 'HH-001', lat: 26.58, long: 106.71, account_id: 'fms-7' });
  t.same(record.attributes, { quantity: '3', fixmystreet_id: '42' }, 'a client\'s own attributes are kept beside the category\'s');
  const events = await h.db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticket.id).execute();
  t.match(events, [{ type: 'REGISTER', actor_name: '12345 热线', actor_id: staff.hotline }], 'registered as any ticket is: one event');
  const outbox = await h.db.selectFrom('outbox').select('topic').where('ticket_id', '=', ticket.id).execute();
  t.ok(outbox.some((o) => o.topic === 'deadline'), 'its triage deadline is set as for any ticket');

  const json = await h.post('/open311/v2/requests.json', { api_key: h.key, service_code: 'water', address_string: 'A large sinkhole, 青山镇', description: 'A large sinkhole' });
  t.equal(json.statusCode, 201);
  const [filed] = json.json() as Array<Record<string, unknown>>;
  t.same(Object.keys(filed ?? {}), ['service_request_id', 'service_notice'], 'JSON: no account_id when none was sent');
  t.equal((await ticketOf(h, String(filed?.service_request_id))).description, 'A large sinkhole', '+ in a form is a space');
});

t.test('routing: a unit code, a located unit, an address, else the triage of the token\'s unit', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { units } = h.county;
  const places = await h.app.inject({
    method: 'PUT', url: '/v1/admin/open311/places', headers: await h.auth('admin'),
    payload: { items: [{ unitId: units['group-2-1-1'], lat: 26.5, long: 106.7 }, { unitId: units['village-1-1'], lat: 26.52, long: 106.72 }] },
  });
  t.equal(places.statusCode, 200, places.body);
  const where = async (fields: Record<string, string>, key = h.key) => {
    const ticket = await ticketOf(h, await file(h, { service_code: 'water', ...fields }, key));
    return [ticket.unit_id, (await recordOf(h, ticket.id)).routed_by];
  };
  t.same(await where({ address_id: 'village-1-2' }), [units['village-1-2'], 'unit'], 'a unit code');
  t.same(await where({ address_id: 'dept-water' }), [units.county, 'triage'], 'a department is no place');
  t.same(await where({ lat: '26.503', long: '106.701' }), [units['group-2-1-1'], 'location'], 'the nearest located unit, about 500 m away');
  t.same(await where({ lat: '27.5', long: '107.9' }), [units.county, 'triage'], 'over 5 km from every located unit: the county\'s triage');
  t.same(await where({ address_string: '白水镇白水西村第2村民小组 门口' }), [units['group-2-2-2'], 'address'], 'the deepest unit the address names');
  t.same(await where({ address_string: '青山东村第1村民小组' }), [units['group-1-1-1'], 'address'], 'a group told apart by its village');
  t.same(await where({ address_string: '第1村民小组' }), [units.county, 'triage'], 'eight groups of that name: nobody guesses');
  t.same(await where({ address_id: '#NOTPINPOINTED#', address_string: '白水镇' }), [units['town-2'], 'address'], 'an unknown address_id falls through to the address');
  t.same(await where({ address_id: 'NOPE' }), [units.county, 'triage']);

  const town1 = await issueToken(h, { integrationId: h.county.staff.hotline, unitId: units['town-1'], name: '青山镇 App', scope: 'open311' });
  t.same(await where({ address_id: 'HH-009' }, town1), [units['town-1'], 'triage'], 'a household outside the token\'s town is not found for it: its town triages');
  t.same(await where({ address_string: '白水镇' }, town1), [units['town-1'], 'triage'], 'nor an address there');
  t.same(await where({ lat: '26.503', long: '106.701' }, town1), [units['village-1-1'], 'location'], 'nor a located unit there: the nearest one inside it (about 3 km)');
});

t.test('client mistakes: 400/404 in the spec\'s format, both formats, nothing written', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const admin = await h.auth('admin');
  await h.app.inject({
    method: 'PUT', url: '/v1/admin/categories/forest_fire', headers: admin,
    payload: { name: { zh: '森林防火', en: 'Forest fire' }, attributes: [
      { code: 'hazard', datatype: 'singlevaluelist', required: true, description: '隐患类型', order: 1, values: [{ key: 'burning', name: '野外用火' }] },
      { code: 'seen_at', datatype: 'datetime', required: false, description: '发现时间', order: 2 },
    ] },
  });
  await h.app.inject({ method: 'PUT', url: '/v1/admin/categories/education', headers: admin, payload: { name: { zh: '教育', en: 'Education' }, active: false } });
  const base = { api_key: h.key, service_code: 'water', address_string: '青山镇' };
  const before = { ...(await writeCounts(h.db)), records: (await h.db.selectFrom('open311_requests').select('ticket_id').execute()).length };
  const cases: Array<[string, Record<string, string | string[]>, number, RegExp]> = [
    ['no service_code', { ...base, service_code: '' }, 400, /service_code was not provided/],
    ['an unknown service_code', { ...base, service_code: 'pothole' }, 404, /service_code not found/],
    ['a retired service_code', { ...base, service_code: 'education' }, 404, /service_code not found/],
    ['no location', { api_key: h.key, service_code: 'water' }, 400, /location is required/],
    ['lat without long', { ...base, lat: '26.5' }, 400, /both lat and long/],
    ['a latitude off the globe', { ...base, lat: '200', long: '106' }, 400, /lat must be a number/],
    ['a required attribute missing', { ...base, service_code: 'forest_fire' }, 400, /attribute\[hazard\] is required/],
    ['a list key that is not offered', { ...base, service_code: 'forest_fire', 'attribute[hazard]': 'aliens' }, 400, /has no value aliens/],
    ['two values for a single list', { ...base, service_code: 'forest_fire', 'attribute[hazard][]': ['burning', 'burning'] }, 400, /takes one value/],
    ['a date that is no date', { ...base, service_code: 'forest_fire', 'attribute[hazard]': 'burning', 'attribute[seen_at]': '2026-02-30' }, 400, /W3C datetime/],
    ['a quantity that is no number', { ...base, service_code: 'subsidy', 'attribute[quantity]': 'three' }, 400, /must be a number/],
    ['a description over 4,000 characters', { ...base, description: '水'.repeat(4001) }, 400, /longer than 4000/],
    ['a media_url that is no web address', { ...base, media_url: 'javascript:alert(1)' }, 400, /http or https URL/],
    ['an email that is no address', { ...base, email: 'wang at example' }, 400, /not an email address/],
  ];
  for (const [name, fields, status, description] of cases) {
    for (const format of ['xml', 'json'] as const) {
      const res = await h.post(`/open311/v2/requests.${format}`, fields);
      t.equal(res.statusCode, status, `${name} (${format}): ${res.body.slice(0, 200)}`);
      if (format === 'json') t.match(res.json(), [{ code: status, description }], name);
      else {
        const [error] = (parseXml(t, res.body).errors as XmlNode).error as XmlNode[];
        t.equal(error?.code, String(status));
        t.match(error?.description, description);
      }
    }
  }
  const multipart = await h.app.inject({
    method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x\r\nContent-Disposition: form-data; name="service_code"\r\n\r\nwater\r\n--x--\r\n',
  });
  t.equal(multipart.statusCode, 400, 'multipart is refused');
  t.match(multipart.body, /media_url/, 'and the client is told to send photos as media_url');
  const huge = await h.post('/open311/v2/requests.json', { ...base, description: 'x'.repeat(70 * 1024) });
  t.equal(huge.statusCode, 400, 'a body over 64 KiB');
  t.match(huge.json(), [{ code: 400, description: /too large/ }]);
  const plain = await h.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'text/plain' }, payload: 'service_code=water' });
  t.equal(plain.statusCode, 400, 'text/plain');
  const after = { ...(await writeCounts(h.db)), records: (await h.db.selectFrom('open311_requests').select('ticket_id').execute()).length };
  t.same(after, before, 'no ticket, event, outbox row, number or record from any of them');
});

t.test('requests filed at the same moment each become a ticket with a number of its own', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const numbers = await Promise.all(
    Array.from({ length: 12 }, (_, i) => file(h, { service_code: 'water', address_id: `HH-00${(i % 8) + 1}`, description: `第${i}个来电` }, i % 2 ? h.key : h.otherKey)),
  );
  t.equal(new Set(numbers).size, 12, `12 distinct numbers: ${numbers.join(' ')}`);
  const rows = await h.db.selectFrom('open311_requests').select('ticket_id').execute();
  t.equal(rows.length, 12, 'each with its record');
});
