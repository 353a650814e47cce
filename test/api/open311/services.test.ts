// Open311 GET services, service definitions and discovery, in XML (parsed, element names as the spec gives them) and JSON.
import t from 'tap';
import { seedDemoCounty } from '../../../src/services/seed.service.js';
import { buildOpen311App, elementNames, parseXml, SPEC, type XmlNode } from './open311-fixture.js';

const FOREST = {
  name: { zh: '森林防火', en: 'Forest fire prevention' }, description: '野外用火、林区隐患', group: '平安建设', keywords: ['防火', '山火'],
  attributes: [
    { code: 'hazard', datatype: 'singlevaluelist', required: true, description: '隐患类型', order: 2, values: [{ key: 'burning', name: '野外用火' }, { key: 'deadwood', name: '枯木堆积' }] },
    { code: 'quantity', datatype: 'number', required: false, description: '涉及户数', order: 1 },
  ],
};

t.test('services: the county\'s active categories, in Chinese, in both formats', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const admin = await h.auth('admin');
  t.equal((await h.app.inject({ method: 'PUT', url: '/v1/admin/categories/forest_fire', headers: admin, payload: FOREST })).statusCode, 200);
  t.equal((await h.app.inject({ method: 'PUT', url: '/v1/admin/categories/education', headers: admin, payload: { name: { zh: '教育', en: 'Education' }, active: false } })).statusCode, 200);

  const xml = await h.get('/open311/v2/services.xml');
  t.equal(xml.statusCode, 200);
  t.equal(xml.headers['content-type'], 'text/xml; charset=utf-8');
  const doc = parseXml(t, xml.body);
  t.same(elementNames(doc), ['?xml', 'services'], 'root element services');
  const services = (doc.services as XmlNode).service as XmlNode[];
  t.equal(services.length, 14, '13 active defaults and the county\'s own; the retired one left out');
  for (const s of services) t.same(elementNames(s), SPEC.service, `service ${String(s.service_code)}: the spec's elements in order`);
  const water = services.find((s) => s.service_code === 'water');
  t.same(water, { service_code: 'water', service_name: '饮水水利', description: '饮水管道、水窖、灌溉沟渠', metadata: 'false', type: 'realtime', keywords: '饮水,水管,沟渠,灌溉', group: '基础设施' });
  t.equal(services.find((s) => s.service_code === 'subsidy')?.metadata, 'true', 'a category with attributes has metadata');
  t.notOk(services.some((s) => s.service_code === 'education'), 'retired: not offered');

  const json = await h.get('/open311/v2/services.json');
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8');
  const list = json.json() as Array<Record<string, unknown>>;
  t.ok(Array.isArray(list), 'JSON: an array of services (Spark convention)');
  t.same(list.find((s) => s.service_code === 'forest_fire'), {
    service_code: 'forest_fire', service_name: '森林防火', description: '野外用火、林区隐患', metadata: true, type: 'realtime', keywords: '防火,山火', group: '平安建设',
  });
  t.same(list.map((s) => s.service_code), services.map((s) => s.service_code), 'the same list in both formats');
});

t.test('service definitions: the attributes in Open311\'s vocabulary; an unknown code is a 404 in the spec\'s error format', async (t) => {
  const h = await buildOpen311App(t.teardown);
  await h.app.inject({ method: 'PUT', url: '/v1/admin/categories/forest_fire', headers: await h.auth('admin'), payload: FOREST });
  const doc = parseXml(t, (await h.get('/open311/v2/services/forest_fire.xml')).body);
  const def = doc.service_definition as XmlNode;
  t.same(elementNames(def), SPEC.serviceDefinition);
  const attributes = (def.attributes as XmlNode).attribute as XmlNode[];
  t.same(attributes.map((a) => a.code), ['quantity', 'hazard'], 'in their order');
  t.same(elementNames(attributes[0]), SPEC.attribute, 'a number has no values');
  t.same(elementNames(attributes[1]), [...SPEC.attribute, 'values'], 'a list has its values');
  t.same(attributes[1], {
    variable: 'true', code: 'hazard', datatype: 'singlevaluelist', required: 'true', datatype_description: '从选项中选一项', order: '2', description: '隐患类型',
    values: { value: [{ key: 'burning', name: '野外用火' }, { key: 'deadwood', name: '枯木堆积' }] },
  });
  const json = (await h.get('/open311/v2/services/forest_fire.json')).json();
  t.same(json.attributes[1].values, [{ key: 'burning', name: '野外用火' }, { key: 'deadwood', name: '枯木堆积' }]);
  t.equal(json.attributes[0].required, false);
  t.same((await h.get('/open311/v2/services/water.json')).json(), { service_code: 'water', attributes: [] }, 'no attributes: an empty list');

  for (const format of ['xml', 'json'] as const) {
    const res = await h.get(`/open311/v2/services/no_such.${format}`);
    t.equal(res.statusCode, 404, format);
    if (format === 'xml') {
      const errors = parseXml(t, res.body).errors as XmlNode;
      const [error] = errors.error as XmlNode[];
      t.same(elementNames(error), SPEC.error);
      t.equal(error?.code, '404');
      t.match(error?.description, /service_code not found: no_such/);
    } else {
      t.match(res.json(), [{ code: 404, description: /service_code not found/ }]);
    }
  }
  const unknownPath = await h.get('/open311/v2/nothing.json');
  t.equal(unknownPath.statusCode, 404);
  t.match(unknownPath.json(), [{ code: 404 }], 'an unknown resource answers in the spec\'s format too');
  const badFormat = await h.get('/open311/v2/services.html');
  t.equal(badFormat.statusCode, 400, 'a format we do not speak');
  t.equal(elementNames(parseXml(t, badFormat.body))[1], 'errors', 'told in XML, the required format');
  const doubled = await h.get('/open311/v2//services.json');
  t.equal(doubled.statusCode, 200, 'an endpoint ending in / with a path appended still works');
});

t.test('jurisdictions: optional with one county, required with two, 404 when unknown', async (t) => {
  const h = await buildOpen311App(t.teardown);
  t.equal((await h.get('/open311/v2/services.json?jurisdiction_id=county')).statusCode, 200, 'the county\'s code');
  const unknown = await h.get('/open311/v2/services.json?jurisdiction_id=nowhere');
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), [{ code: 404, description: /jurisdiction_id not found/ }]);
  const b = await seedDemoCounty(h.db, { name: '邻县', usernamePrefix: 'b-' });
  await h.db.updateTable('units').set({ code: 'linxian' }).where('id', '=', b.countyId).execute();
  const missing = await h.get('/open311/v2/services.xml');
  t.equal(missing.statusCode, 400, 'two counties: which one?');
  t.match(missing.body, /jurisdiction_id was not provided/);
  t.equal((await h.get('/open311/v2/services.json?jurisdiction_id=linxian')).statusCode, 200);
  t.equal((await h.get(`/open311/v2/services.json?api_key=${h.key}`)).statusCode, 200, 'a key names its county');
  const mismatch = await h.get(`/open311/v2/services.json?api_key=${h.key}&jurisdiction_id=linxian`);
  t.equal(mismatch.statusCode, 403, 'a key of another jurisdiction');
});

t.test('discovery: the required document in both formats', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const doc = parseXml(t, (await h.app.inject({ method: 'GET', url: '/open311/discovery.xml', headers: { host: 'open311.example.cn' } })).body);
  const d = doc.discovery as XmlNode;
  t.same(elementNames(d), SPEC.discovery);
  const [endpoint] = (d.endpoints as XmlNode).endpoint as XmlNode[];
  t.same(elementNames(endpoint), SPEC.endpoint);
  t.match(endpoint, { specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://open311.example.cn/open311/v2/', type: 'production' });
  t.same((endpoint?.formats as XmlNode).format, ['text/xml', 'application/json']);
  const json = (await h.get('/open311/v2/discovery.json')).json();
  t.same(json.endpoints[0].formats, ['text/xml', 'application/json']);
  t.match(json.changeset, /^\d{4}-\d{2}-\d{2}T/, 'a sortable changeset');
  const before = json.changeset as string;
  h.clock.set('2026-12-20T02:00:00Z');
  await h.app.inject({ method: 'PUT', url: '/v1/admin/categories/forest_fire', headers: await h.auth('admin'), payload: FOREST });
  const after = (await h.get('/open311/v2/discovery.json')).json().changeset as string;
  t.ok(after > before, `a catalogue change moves the changeset on (${before} → ${after})`);
});
