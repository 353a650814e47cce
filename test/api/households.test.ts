// PATCH /v1/households/:id: the town office and the village set a household's kind and key tags, within their places only.
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';

const patch = async (h: TestApp, user: string, id: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'PATCH', url: `/v1/households/${id}`, headers: await h.auth(user), payload });

const stored = (h: TestApp, id: string) =>
  h.db.selectFrom('households').select(['kind', 'key_tags', 'head_name', 'phone']).where('id', '=', id).executeTakeFirstOrThrow();

t.test('the town office and the village set kind and key tags; coverage counts them', async (t) => {
  const h = await buildTestApp(t.teardown);
  const [hh0, hh1] = h.county.households as [string, string];
  const before = await stored(h, hh0);

  const byTown = await patch(h, 'dispatcher', hh0, { keyTags: ['left_behind', 'flood_risk', 'flood_risk'] });
  t.equal(byTown.statusCode, 400, 'a repeated tag is refused');
  const ok = await patch(h, 'dispatcher', hh0, { keyTags: ['left_behind', 'flood_risk'] });
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { id: hh0, unitId: h.county.units['group-1-1-1'], kind: 'resident', keyTags: ['flood_risk', 'left_behind'] });
  t.same(await stored(h, hh0), { ...before, key_tags: ['flood_risk', 'left_behind'] }, 'name and phone are untouched');

  const byVillage = await patch(h, 'village', hh1, { kind: 'migrant', keyTags: ['low_income'] });
  t.equal(byVillage.statusCode, 200, byVillage.body);
  t.match(await stored(h, hh1), { kind: 'migrant', key_tags: ['low_income'] });
  const supervisor = await patch(h, 'town-supervisor', hh1, { keyTags: [] });
  t.same(supervisor.json().keyTags, [], 'an empty list clears the tags');
  t.equal(supervisor.json().kind, 'migrant', 'kind left out stays');

  const cov = await h.app.inject({ method: 'GET', url: `/v1/coverage?unitId=${h.county.units['village-1-1']}`, headers: await h.auth('village') });
  t.match(cov.json().villages, [{ name: '青山东村', keyTotal: 1, migrantTotal: 1, residentTotal: 3 }], 'the village\'s coverage counts them');
});

t.test('outside the caller\'s places or role the household is refused and unchanged', async (t) => {
  const h = await buildTestApp(t.teardown);
  const hh = h.county.households as string[];
  const otherVillage = hh[4] as string; // group-1-2-1, 青山西村
  const otherTown = hh[8] as string; // 白水镇
  const before = await Promise.all([otherVillage, otherTown, hh[0] as string].map((id) => stored(h, id)));

  const village = await patch(h, 'village', otherVillage, { keyTags: ['dispute'] });
  t.equal(village.statusCode, 404, 'another village\'s household does not exist for the village');
  t.equal(village.json().code, 'household_not_found');
  t.equal((await patch(h, 'town2-office', hh[0] as string, { kind: 'migrant' })).statusCode, 404, 'another town\'s household');
  t.equal((await patch(h, 'dispatcher', otherTown, { kind: 'migrant' })).statusCode, 404);
  for (const user of ['cadre', 'water', 'county-supervisor']) {
    const res = await patch(h, user, hh[0] as string, { keyTags: ['dispute'] });
    t.equal(res.statusCode, 403, user);
    t.equal(res.json().code, 'forbidden');
  }
  t.same(await Promise.all([otherVillage, otherTown, hh[0] as string].map((id) => stored(h, id))), before);
});

t.test('a bad tag, a bad kind or nothing to set is a 400', async (t) => {
  const h = await buildTestApp(t.teardown);
  const id = h.county.households[0] as string;
  const before = await stored(h, id);
  for (const payload of [{ keyTags: ['lottery'] }, { kind: 'abroad' }, {}, { keyTags: ['dispute'], headName: '改名' }]) {
    const res = await patch(h, 'dispatcher', id, payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().code, 'validation_failed');
  }
  t.equal((await patch(h, 'dispatcher', '0192f000-0000-7000-8000-000000000009', { kind: 'migrant' })).json().code, 'household_not_found');
  t.same(await stored(h, id), before);
});
