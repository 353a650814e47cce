// Test fixtures for linkage and visits: a second cadre in the demo county, logged in.
import type { TestApp } from '../helper.js';
import { hashPassword } from '../../src/services/password.service.js';
import { uuidv7 } from '../../src/store/uuidv7.js';

/** Adds a cadre at a demo unit (e.g. `group-1-1-2`) and returns its id and Bearer header. */
export async function addCadre(h: TestApp, username: string, unit: string): Promise<{ id: string; headers: { authorization: string } }> {
  const id = uuidv7();
  await h.db
    .insertInto('staff')
    .values({
      id, county_id: h.county.countyId, unit_id: h.county.units[unit] as string, username,
      display_name: username, password_hash: await hashPassword('pw-linkage'), roles: ['cadre'],
    })
    .execute();
  const res = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'pw-linkage' } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
  return { id, headers: { authorization: `Bearer ${(res.json() as { token: string }).token}` } };
}

export async function link(h: TestApp, user: string, householdId: string, cadreId: string) {
  return h.app.inject({ method: 'PUT', url: `/v1/households/${householdId}/link`, headers: await h.auth(user), payload: { cadreId } });
}
