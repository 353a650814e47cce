// Sessions: access tokens expire on the clock, refresh tokens rotate and are single use, logout and disabling end a session.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { buildTestApp, type TestApp } from '../helper.js';

const login = async (h: TestApp, username: string, password = `demo-${username}`) =>
  h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
const me = (h: TestApp, token: string) => h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
const refresh = (h: TestApp, refreshToken: string) => h.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
type Tokens = { token: string; refreshToken: string; expiresIn: string; refreshExpiresAt: string };

t.test('an access token lives TOKEN_TTL on the service clock; the refresh token renews it', async (t) => {
  const h = await buildTestApp(t.teardown, { tokenTtl: '15m', access: { refreshTtlMs: 3600_000 } });
  const first = (await login(h, 'cadre')).json() as Tokens;
  t.equal(first.expiresIn, '15m');
  t.match(first.refreshToken, /^rt_[\w-]{43}$/);
  t.equal(first.refreshExpiresAt, '2026-11-23T03:00:00.000Z', 'the session lasts REFRESH_TTL');
  t.equal((await me(h, first.token)).statusCode, 200);
  h.clock.advance(16 * 60_000);
  const expired = await me(h, first.token);
  t.equal(expired.statusCode, 401);
  t.same(expired.json(), { code: 'token_expired', message: 'The access token has expired; refresh it' });
  const second = (await refresh(h, first.refreshToken)).json() as Tokens;
  t.equal((await me(h, second.token)).statusCode, 200, 'a refreshed token works');
  t.not(second.refreshToken, first.refreshToken, 'the refresh token rotates');
  t.equal(second.refreshExpiresAt, first.refreshExpiresAt, 'within the same session');
  h.clock.advance(3600_000);
  const late = await refresh(h, second.refreshToken);
  t.equal(late.statusCode, 401, 'after the session ends, refresh is refused');
  t.equal(late.json().code, 'invalid_refresh_token');
});

t.test('a refresh token used twice revokes its whole session', async (t) => {
  const h = await buildTestApp(t.teardown);
  const first = (await login(h, 'cadre')).json() as Tokens;
  const second = (await refresh(h, first.refreshToken)).json() as Tokens;
  const replay = await refresh(h, first.refreshToken);
  t.equal(replay.statusCode, 401);
  t.equal(replay.json().code, 'invalid_refresh_token', 'the copied token is refused');
  const owner = await refresh(h, second.refreshToken);
  t.equal(owner.statusCode, 401, "and so is the owner's newer one: the session is gone");
  t.equal(owner.json().code, 'session_revoked');
  t.equal((await me(h, second.token)).json().code, 'session_revoked', 'its access tokens stop at once');
  const unknown = await refresh(h, 'rt_nope');
  t.same(unknown.json().code, 'invalid_refresh_token');
  const other = (await login(h, 'cadre')).json() as Tokens;
  t.equal((await me(h, other.token)).statusCode, 200, 'a new login opens a new session');
  const rows = await h.db.selectFrom('refresh_tokens').select('token_hash').execute();
  t.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== first.refreshToken), 'only hashes are stored');
});

t.test('logout ends the session: access and refresh tokens of it stop working, others go on', async (t) => {
  const h = await buildTestApp(t.teardown);
  const phone = (await login(h, 'cadre')).json() as Tokens;
  const laptop = (await login(h, 'cadre')).json() as Tokens;
  const out = await h.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { authorization: `Bearer ${phone.token}` } });
  t.equal(out.statusCode, 204);
  t.equal((await me(h, phone.token)).json().code, 'session_revoked');
  t.equal((await refresh(h, phone.refreshToken)).json().code, 'session_revoked');
  t.equal((await me(h, laptop.token)).statusCode, 200, 'the other session is untouched');
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/auth/logout' })).statusCode, 401, 'logout needs a token');
});

t.test('a disabled account: its sessions end at once, it cannot log in or refresh; enabling restores login', async (t) => {
  const h = await buildTestApp(t.teardown);
  const cadre = (await login(h, 'cadre')).json() as Tokens;
  const admin = await h.auth('admin');
  const id = h.county.staff.cadre as string;
  const refused = await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${id}/disable`, headers: await h.auth('dispatcher') });
  t.equal(refused.statusCode, 403, 'only the county admin disables accounts');
  const disabled = await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${id}/disable`, headers: admin });
  t.equal(disabled.statusCode, 200);
  t.equal(disabled.json().active, false);
  t.equal((await me(h, cadre.token)).statusCode, 401, 'the access token stops at once');
  t.equal((await refresh(h, cadre.refreshToken)).statusCode, 401);
  const again = await login(h, 'cadre');
  t.equal(again.statusCode, 403);
  t.equal(again.json().code, 'account_disabled');
  t.equal((await login(h, 'cadre', 'wrong')).json().code, 'invalid_credentials', 'a wrong password learns nothing about it');
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${id}/enable`, headers: admin })).json().active, true);
  t.equal((await login(h, 'cadre')).statusCode, 200);
  const self = await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${h.county.staff.admin}/disable`, headers: admin });
  t.equal(self.json().code, 'validation_failed', 'the admin cannot lock themself out');
  const list = await h.app.inject({ method: 'GET', url: '/v1/admin/accounts', headers: admin });
  t.notMatch(list.body, /argon2|password/, 'accounts are listed without hashes');
});

t.test('a tampered, foreign or malformed token is refused', async (t) => {
  const h = await buildTestApp(t.teardown);
  const { token } = (await login(h, 'cadre')).json() as Tokens;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forge = (c: Record<string, unknown>) => Buffer.from(JSON.stringify(c)).toString('base64url');
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const signedWith = (secret: string) =>
    `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
  t.equal(signedWith('test-secret-test-secret-test-secret'), token, 'the forger signs as the server does');
  const cases: Array<[string, string]> = [
    ['roles raised to county admin', `${header}.${forge({ ...claims, roles: ['county_admin'] })}.${signature}`],
    ['another county', `${header}.${forge({ ...claims, cty: '00000000-0000-7000-8000-000000000000' })}.${signature}`],
    ['expiry pushed back', `${header}.${forge({ ...claims, exp: 4102444800 })}.${signature}`],
    ['alg none', `${none}.${payload}.`],
    ['signed with another secret', signedWith('another-secret-another-secret-another')],
    ['not a JWT', 'hello'],
    ['signature cut', `${header}.${payload}`],
  ];
  for (const [name, forged] of cases) {
    const res = await me(h, forged);
    t.equal(res.statusCode, 401, name);
    t.equal(res.json().code, 'unauthorized', `${name}: code`);
  }
  t.equal((await me(h, token)).statusCode, 200, 'the genuine token still works');
});
