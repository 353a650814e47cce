// Test fixture for coverage periods and stored reports: a small county linked in October, visited in November.
import type { Test } from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';
import { addCadre, link } from './linkage-fixture.js';

/**
 * 青山镇 (town-1): 王包联 (青山东村) ← hh0 resident, hh1 migrant, hh2 resident + flood risk; cadre-two (青山西村) ← hh4 resident,
 * hh5 migrant; hh3 is linked to nobody.
 * 白水镇 (town-2): cadre-b ← hh8, hh9, hh10 residents. All linked on 20 October.
 */
export async function coverageCounty(t: Test) {
  const h = await buildTestApp(t.teardown);
  const hh = h.county.households;
  h.clock.set('2026-10-20T02:00:00Z');
  await h.db.updateTable('households').set({ kind: 'migrant' }).where('id', 'in', [hh[1] as string, hh[5] as string]).execute();
  await h.db.updateTable('households').set({ key_tags: ['flood_risk'] }).where('id', '=', hh[2] as string).execute();
  const two = await addCadre(h, 'cadre-two', 'group-1-2-1');
  const b = await addCadre(h, 'cadre-b', 'group-2-1-1');
  const linked = async (user: string, i: number, cadreId: string) => t.equal((await link(h, user, hh[i] as string, cadreId)).statusCode, 200, 'linked');
  for (const i of [0, 1, 2]) await linked('dispatcher', i, h.county.staff.cadre as string);
  for (const i of [4, 5]) await linked('dispatcher', i, two.id);
  for (const i of [8, 9, 10]) await linked('town2-office', i, b.id);
  const cadre = await h.auth('cadre');

  /** Records a visit at `at` (the clock moves there first, as a cadre's phone would). */
  const visit = async (at: string, headers: { authorization: string }, i: number, extra: Record<string, unknown> = {}) => {
    h.clock.set(at);
    const res = await h.app.inject({ method: 'POST', url: '/v1/visits', headers, payload: { householdId: hh[i], channel: 'in_person', ...extra } });
    t.equal(res.statusCode, 201, 'visit recorded');
  };
  /** 5 November: hh0, hh1 (phone), hh4, hh8 visited and confirmed. */
  const firstHalf = async () => {
    await visit('2026-11-05T02:00:00Z', cadre, 0, { confirmationCode: '1111' });
    await visit('2026-11-05T03:00:00Z', cadre, 1, { channel: 'phone', confirmationCode: '2222' });
    await visit('2026-11-05T04:00:00Z', two.headers, 4, { confirmationCode: '3333' });
    await visit('2026-11-05T05:00:00Z', b.headers, 8, { confirmationCode: '4444' });
  };
  /** 20 November: hh2 confirmed by photo, hh0 unconfirmed, hh4 and hh9 confirmed. */
  const secondHalf = async () => {
    await visit('2026-11-20T02:00:00Z', cadre, 2, { photoRef: 'photo/nov.jpg' });
    await visit('2026-11-20T03:00:00Z', cadre, 0);
    await visit('2026-11-20T04:00:00Z', two.headers, 4, { confirmationCode: '5555' });
    await visit('2026-11-20T05:00:00Z', b.headers, 9, { confirmationCode: '6666' });
  };
  const setPeriod = async (town: string, period: string, user = 'admin') =>
    h.app.inject({ method: 'PUT', url: `/v1/coverage/periods/${h.county.units[town]}`, headers: await h.auth(user), payload: { period } });
  return { h, two, b, firstHalf, secondHalf, setPeriod };
}

export const get = async (h: TestApp, user: string, url: string) => h.app.inject({ method: 'GET', url, headers: await h.auth(user) });

export const zero = { residentTotal: 0, residentVisited: 0, migrantTotal: 0, migrantContacted: 0, keyTotal: 0, keyVisited: 0, neverReached: 0, unconfirmedVisits: 0 };
