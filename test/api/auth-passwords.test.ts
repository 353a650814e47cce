// Passwords: the county admin sets one (an imported account's first, or a forgotten one); a person changes their own.
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';

const login = async (h: TestApp, username: string, password = `demo-${username}`) =>
  h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
const me = (h: TestApp, token: string) => h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
type Tokens = { token: string; refreshToken: string };

t.test('the county admin sets a password: the old one and every session stop, a lockout ends', async (t) => {
  const h = await buildTestApp(t.teardown);
  const id = h.county.staff.cadre as string;
  const cadre = (await login(h, 'cadre')).json() as Tokens;
  for (let i = 0; i < 5; i++) await login(h, 'cadre', 'wrong-guess');
  t.equal((await login(h, 'cadre')).json().code, 'invalid_credentials', 'locked after five wrong guesses: the right password is refused');
  const accounts = (await h.app.inject({ method: 'GET', url: '/v1/admin/accounts', headers: await h.auth('admin') })).json();
  t.ok(accounts.items.find((a: { id: string }) => a.id === id)?.lockedUntil, 'the admin sees the lock');

  const url = `/v1/admin/accounts/${id}/password`;
  const byTown = await h.app.inject({ method: 'POST', url, headers: await h.auth('town-supervisor'), payload: { password: 'new-secret-1' } });
  t.equal(byTown.statusCode, 403, 'only the county admin');
  const short = await h.app.inject({ method: 'POST', url, headers: await h.auth('admin'), payload: { password: 'short' } });
  t.equal(short.statusCode, 400, 'at least 8 characters');
  const unknown = await h.app.inject({
    method: 'POST', url: '/v1/admin/accounts/019ab0c4-5d6e-7f80-9a1b-2c3d4e5f6a7b/password', headers: await h.auth('admin'), payload: { password: 'new-secret-1' },
  });
  t.equal(unknown.json().code, 'staff_not_found');

  const set = await h.app.inject({ method: 'POST', url, headers: await h.auth('admin'), payload: { password: 'new-secret-1' } });
  t.equal(set.statusCode, 200);
  t.equal(set.json().lockedUntil, null, 'the lockout ends');
  t.notMatch(set.body, /argon2|new-secret/, 'neither hash nor password is echoed');
  t.equal((await me(h, cadre.token)).json().code, 'session_revoked', 'sessions of the old password end');
  t.equal((await login(h, 'cadre')).json().code, 'invalid_credentials', 'the old password no longer works');
  t.equal((await login(h, 'cadre', 'new-secret-1')).statusCode, 200, 'the new one does');
});

t.test('a person changes their own password with the current one', async (t) => {
  const h = await buildTestApp(t.teardown);
  const phone = (await login(h, 'village')).json() as Tokens;
  const laptop = (await login(h, 'village')).json() as Tokens;
  const change = (token: string, payload: Record<string, unknown>) =>
    h.app.inject({ method: 'POST', url: '/v1/auth/password', headers: { authorization: `Bearer ${token}` }, payload });

  t.equal((await change(phone.token, { currentPassword: 'not-it', newPassword: 'village-2026' })).json().code, 'invalid_credentials');
  t.equal((await change(phone.token, { currentPassword: 'demo-village', newPassword: 'short' })).statusCode, 400);
  t.equal((await change(phone.token, { currentPassword: 'demo-village', newPassword: 'demo-village' })).json().code, 'validation_failed');
  t.equal((await login(h, 'village')).statusCode, 200, 'refused changes leave the password as it was');
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/auth/password', payload: { currentPassword: 'demo-village', newPassword: 'village-2026' } })).statusCode, 401);

  const done = await change(phone.token, { currentPassword: 'demo-village', newPassword: 'village-2026' });
  t.equal(done.statusCode, 204);
  t.equal((await me(h, phone.token)).json().code, 'session_revoked', 'this session ends');
  t.equal((await me(h, laptop.token)).json().code, 'session_revoked', 'and every other one');
  t.equal((await login(h, 'village')).json().code, 'invalid_credentials');
  t.equal((await login(h, 'village', 'village-2026')).statusCode, 200);
});
