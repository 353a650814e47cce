// GET /v1/categories and PUT /v1/admin/categories/:code: the defaults in Chinese, a county's own changes, and who may make them.
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { seedDemoCounty } from '../../src/services/seed.service.js';

interface CategoryView { code: string; name: { zh: string; en: string }; group: string; active: boolean; custom: boolean; attributes: Array<{ code: string }> }

t.test('every account of the county reads the defaults, in order, in Chinese with English', async (t) => {
  const h = await buildTestApp(t.teardown);
  for (const user of ['cadre', 'water', 'dispatcher', 'admin']) {
    const res = await h.app.inject({ method: 'GET', url: '/v1/categories', headers: await h.auth(user) });
    t.equal(res.statusCode, 200, `${user}: ${res.body}`);
    const items = res.json().items as CategoryView[];
    t.equal(items.length, 14, `${user} sees the 14 default categories`);
    t.match(items[0], { code: 'household_registration', name: { zh: '户籍办理', en: 'Household registration' }, group: '证照办理', custom: false });
    t.equal(items.at(-1)?.code, 'other', 'other comes last');
  }
  const subsidy = ((await h.app.inject({ method: 'GET', url: '/v1/categories', headers: await h.auth('cadre') })).json().items as CategoryView[])
    .find((c) => c.code === 'subsidy');
  t.same(subsidy?.attributes.map((a) => a.code), ['quantity'], 'a quantity is asked for where households ask for amounts');
  const anonymous = await h.app.inject({ method: 'GET', url: '/v1/categories' });
  t.equal(anonymous.statusCode, 401, 'not without a login');
});

t.test('the county admin adds, renames and retires categories for their county only', async (t) => {
  const h = await buildTestApp(t.teardown);
  await seedDemoCounty(h.db, { name: '邻县', usernamePrefix: 'b-' });
  const admin = await h.auth('admin');
  const put = async (code: string, payload: Record<string, unknown>, headers = admin) =>
    h.app.inject({ method: 'PUT', url: `/v1/admin/categories/${code}`, headers, payload });

  const added = await put('forest_fire', {
    name: { zh: '森林防火', en: 'Forest fire prevention' }, group: '平安建设', keywords: ['防火'], sortOrder: 125,
    attributes: [{ code: 'hazard', datatype: 'singlevaluelist', required: true, description: '隐患类型', order: 1, values: [{ key: 'burning', name: '野外用火' }] }],
  });
  t.equal(added.statusCode, 200, added.body);
  t.match(added.json(), { code: 'forest_fire', custom: true, active: true, sortOrder: 125 });
  t.equal((await put('education', { name: { zh: '教育', en: 'Education' }, active: false })).statusCode, 200);
  t.equal((await put('water', { name: { zh: '饮水安全', en: 'Safe drinking water' } })).statusCode, 200);

  const list = async (user: string, query = '') =>
    (await h.app.inject({ method: 'GET', url: `/v1/categories${query}`, headers: await h.auth(user) })).json().items as CategoryView[];
  const mine = await list('cadre');
  t.notOk(mine.some((c) => c.code === 'education'), 'a retired category is no longer offered');
  t.match(mine.find((c) => c.code === 'water'), { name: { zh: '饮水安全' }, group: '基础设施', custom: true }, 'a renamed default keeps what was not changed');
  const codes = mine.map((c) => c.code);
  t.ok(codes.indexOf('forest_fire') > codes.indexOf('dispute') && codes.indexOf('forest_fire') < codes.indexOf('environment'), 'listed where its sort order puts it');
  t.match((await list('admin', '?includeRetired=true')).find((c) => c.code === 'education'), { active: false }, 'retired ones are listed on request');
  const neighbour = await list('b-cadre');
  t.equal(neighbour.length, 14, 'another county keeps the defaults');
  t.notOk(neighbour.some((c) => c.code === 'forest_fire'));
});

t.test('only the county admin edits, and a bad category is refused whole', async (t) => {
  const h = await buildTestApp(t.teardown);
  const put = async (user: string, code: string, payload: Record<string, unknown>) =>
    h.app.inject({ method: 'PUT', url: `/v1/admin/categories/${code}`, headers: await h.auth(user), payload });
  const name = { zh: '新类别', en: 'New' };
  for (const user of ['dispatcher', 'county-supervisor', 'cadre']) {
    const res = await put(user, 'new_one', { name });
    t.equal(res.statusCode, 403, `${user} may not`);
    t.equal(res.json().code, 'forbidden');
  }
  t.equal((await put('admin', 'Bad-Code', { name })).statusCode, 400, 'a code is lower-case letters, digits and _');
  const listWithoutValues = await put('admin', 'new_one', { name, attributes: [{ code: 'kind', datatype: 'singlevaluelist', required: false, description: '类型', order: 1 }] });
  t.equal(listWithoutValues.statusCode, 400);
  t.equal(listWithoutValues.json().code, 'validation_failed');
  const twice = await put('admin', 'new_one', {
    name, attributes: [1, 2].map((order) => ({ code: 'n', datatype: 'number', required: false, description: '数量', order })),
  });
  t.equal(twice.statusCode, 400, 'an attribute code twice is refused');
  const rows = await h.db.selectFrom('county_categories').selectAll().execute();
  t.same(rows, [], 'nothing was written');
});
