// Login protection: argon2 hashes (old scrypt ones upgraded), lockout after repeated failures, rate limits, JWT secret rotation.
import t from 'tap';
import { randomBytes, scryptSync } from 'node:crypto';
import { buildServer } from '../../src/api/server.js';
import { buildTestApp, type TestApp } from '../helper.js';
import { clientKey } from '../../src/api/plugins/security.plugin.js';
import { loadSecurityConfig } from '../../src/security.config.js';

const loadSecurityConfigFor = (env: Record<string, string>) => {
  const trust = loadSecurityConfig(env).trustProxy;
  return Array.isArray(trust) ? trust.join('|') : trust;
};

const login = (h: TestApp, username: string, password: string) =>
  h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
const hashOf = async (h: TestApp, username: string) =>
  (await h.db.selectFrom('staff').select(['password_hash', 'failed_logins', 'locked_until']).where('username', '=', username).executeTakeFirstOrThrow());

t.test('passwords are argon2id; an old scrypt hash still logs in once and is upgraded', async (t) => {
  const h = await buildTestApp(t.teardown);
  t.match((await hashOf(h, 'cadre')).password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const salt = randomBytes(16);
  const key = scryptSync('old-password', salt, 32, { N: 16384, r: 8, p: 1 });
  const legacy = `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
  await h.db.updateTable('staff').set({ password_hash: legacy }).where('username', '=', 'village').execute();
  t.equal((await login(h, 'village', 'wrong')).statusCode, 401);
  t.equal((await hashOf(h, 'village')).password_hash, legacy, 'a failed login changes no hash');
  t.equal((await login(h, 'village', 'old-password')).statusCode, 200);
  t.match((await hashOf(h, 'village')).password_hash, /^\$argon2id\$/, 'upgraded to argon2id');
  t.equal((await login(h, 'village', 'old-password')).statusCode, 200, 'and the password still works');
  const machine = await login(h, 'hotline', '!');
  t.equal(machine.json().code, 'invalid_credentials', 'an integration account has no password login');
});

t.test('five failures in a row lock the account for 15 minutes, whatever is typed meanwhile', async (t) => {
  const h = await buildTestApp(t.teardown);
  for (let i = 1; i <= 4; i++) t.equal((await login(h, 'cadre', `guess-${i}`)).json().code, 'invalid_credentials', `failure ${i}`);
  const fifth = await login(h, 'cadre', 'guess-5');
  const unknown = await login(h, 'nobody', 'guess-5');
  t.equal(fifth.statusCode, 401);
  t.same(fifth.json(), unknown.json(), 'the failure that locks looks like any wrong password, or an unknown username');
  t.same((await hashOf(h, 'cadre')).locked_until, new Date('2026-11-23T02:15:00.000Z'), 'locked until 10:15 Beijing');
  const right = await login(h, 'cadre', 'demo-cadre');
  t.equal(right.statusCode, 401, 'the right password is not even tried while locked');
  t.same(right.json(), unknown.json(), 'and the answer tells a guesser nothing about it');
  t.equal((await login(h, 'village', 'demo-village')).statusCode, 200, 'other accounts are not affected');
  h.clock.advance(15 * 60_000 + 1);
  t.equal((await login(h, 'cadre', 'demo-cadre')).statusCode, 200, 'unlocked after the lock time');
  t.match(await hashOf(h, 'cadre'), { failed_logins: 0, locked_until: null }, 'a success clears the count');
  await login(h, 'cadre', 'x');
  t.equal((await login(h, 'cadre', 'demo-cadre')).statusCode, 200, 'failures must be in a row');
  t.equal((await login(h, 'nobody', 'x')).json().code, 'invalid_credentials', 'an unknown user looks like a wrong password');
});

t.test('the admin can lift a lock by enabling the account', async (t) => {
  const h = await buildTestApp(t.teardown, { access: { login: { maxFailures: 2, lockMs: 3600_000 } } });
  await login(h, 'water', 'x');
  await login(h, 'water', 'y');
  t.equal((await login(h, 'water', 'demo-water')).statusCode, 401, 'LOGIN_MAX_FAILURES is configurable: locked after two');
  const admin = await h.auth('admin');
  await h.app.inject({ method: 'POST', url: `/v1/admin/accounts/${h.county.staff.water}/enable`, headers: admin });
  t.equal((await login(h, 'water', 'demo-water')).statusCode, 200);
});

t.test('login and refresh are rate limited per client and username', async (t) => {
  const h = await buildTestApp(t.teardown, { access: { authRateLimit: 3 } });
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) codes.push((await login(h, 'dispatcher', 'demo-dispatcher')).statusCode);
  t.same(codes, [200, 200, 200, 429]);
  const limited = await login(h, 'dispatcher', 'demo-dispatcher');
  t.equal(limited.json().code, 'rate_limited');
  t.type(limited.json().message, 'string');
  t.ok(limited.headers['retry-after'], 'with Retry-After');
  t.equal((await login(h, 'village', 'demo-village')).statusCode, 200, 'another username has its own budget');
  const refreshes: number[] = [];
  for (let i = 0; i < 4; i++) {
    refreshes.push((await h.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: `rt_${i}` } })).statusCode);
  }
  t.same(refreshes, [401, 401, 401, 429], 'refresh too');
  t.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'other routes are not limited');
});

t.test('one client address has one login budget across usernames (no password spraying)', async (t) => {
  const h = await buildTestApp(t.teardown, { access: { authRateLimit: 1000, authAddressRateLimit: 4 } });
  const codes: number[] = [];
  for (const username of ['cadre', 'village', 'water', 'transport', 'dispatcher']) codes.push((await login(h, username, 'spray-2026')).statusCode);
  t.same(codes, [401, 401, 401, 401, 429], 'the fifth username from the same address waits');
  const limited = await login(h, 'village', 'spray-2026');
  t.ok(Number(limited.headers['retry-after']) > 0, 'with Retry-After');
  const refresh = await h.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: 'rt_x' } });
  t.equal(refresh.statusCode, 401, 'a refresh guesses no password: it has only its own per-route budget');
  const elsewhere = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'cadre', password: 'demo-cadre' }, remoteAddress: '10.8.0.2' });
  t.equal(elsewhere.statusCode, 200, 'another address has its own');
  // An IPv6 host holds a whole /64: rotating addresses inside it does not give it a new budget.
  const v6 = async (address: string) =>
    (await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'water', password: 'spray' }, remoteAddress: address })).statusCode;
  t.same(
    [await v6('2001:db8:1:2::1'), await v6('2001:db8:1:2::2'), await v6('2001:0db8:0001:0002:ffff::9'), await v6('2001:db8:1:2:a:b:c:d'), await v6('2001:db8:1:2::5')],
    [401, 401, 401, 401, 429],
  );
  t.equal(await v6('2001:db8:1:3::1'), 401, 'the next /64 is another client');
});

t.test('behind a trusted proxy (TRUST_PROXY) each client has its own budget; otherwise the proxy is the client', async (t) => {
  const attempt = (h: TestApp, client: string) =>
    h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'water', password: 'x' }, headers: { 'x-forwarded-for': client } });
  const behind = await buildTestApp(t.teardown, { access: { authRateLimit: 1000, authAddressRateLimit: 2, trustProxy: ['127.0.0.1'] } });
  const codes = [];
  for (const client of ['10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.2']) codes.push((await attempt(behind, client)).statusCode);
  t.same(codes, [401, 401, 429, 401], 'the third try of 10.1.0.1 waits; 10.1.0.2 has its own');
  const direct = await buildTestApp(t.teardown, { access: { authRateLimit: 1000, authAddressRateLimit: 2 } });
  const spoofed = [];
  for (const client of ['10.1.0.1', '10.1.0.2', '10.1.0.3']) spoofed.push((await attempt(direct, client)).statusCode);
  t.same(spoofed, [401, 401, 429], 'an untrusted X-Forwarded-For is ignored');
  t.equal(loadSecurityConfigFor({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }), '10.0.0.0/8|192.168.1.1');
  t.equal(loadSecurityConfigFor({ TRUST_PROXY: '2' }), 2);
  t.equal(loadSecurityConfigFor({}), false);
});

t.test('client keys: IPv4 as it is, IPv6 by its /64', async (t) => {
  t.equal(clientKey('10.8.0.2'), '10.8.0.2');
  t.equal(clientKey('::ffff:10.8.0.2'), '::ffff:10.8.0.2');
  t.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  t.equal(clientKey('2001:0DB8:0001:0002:ffff:0:0:9'), '2001:db8:1:2::/64');
  t.equal(clientKey('::1'), '0:0:0:0::/64');
  t.equal(clientKey('fe80::1'), 'fe80:0:0:0::/64');
});

t.test('with the counters in Redis, two API instances share one budget', async (t) => {
  const h = await buildTestApp(t.teardown);
  const nameSpace = `test-rate-${randomBytes(4).toString('hex')}:`;
  const instance = async () => {
    const app = await buildServer({
      services: h.services, redis: h.redis, jwtSecret: 'test-secret-test-secret-test-secret',
      access: { authRateLimit: 3, authAddressRateLimit: 1000, sharedRateLimits: { nameSpace } },
    }, false);
    t.teardown(() => app.close());
    return app;
  };
  const [a, b] = [await instance(), await instance()];
  const tryOn = async (app: typeof a) =>
    (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'dispatcher', password: 'demo-dispatcher' } })).statusCode;
  t.same([await tryOn(a), await tryOn(b), await tryOn(a), await tryOn(b)], [200, 200, 200, 429], 'the fourth login is refused on either instance');
  t.ok((await h.redis.keys(`${nameSpace}*`)).length > 0, 'the counters are in Redis under the prefix');
  const local = await buildServer({ services: h.services, redis: h.redis, jwtSecret: 'test-secret-test-secret-test-secret', access: { authRateLimit: 3 } }, false);
  t.teardown(() => local.close());
  t.equal(await tryOn(local), 200, 'an instance counting in memory has its own');
});

t.test('rotating the JWT secret: the old one verifies (never signs) while listed in JWT_SECRET_PREVIOUS', async (t) => {
  const h = await buildTestApp(t.teardown);
  const old = await h.auth('cadre');
  const next = 'rotated-secret-rotated-secret-rotated';
  const build = async (previous: string[]) => {
    const app = await buildServer({ services: h.services, redis: h.redis, jwtSecret: next, tokenTtl: '365d', access: { previousJwtSecrets: previous } }, false);
    t.teardown(() => app.close());
    return app;
  };
  const during = await build(['test-secret-test-secret-test-secret']);
  t.equal((await during.inject({ method: 'GET', url: '/v1/me', headers: old })).statusCode, 200, 'tokens of the old secret still work');
  const fresh = await during.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'cadre', password: 'demo-cadre' } });
  const after = await build([]);
  t.equal((await after.inject({ method: 'GET', url: '/v1/me', headers: old })).statusCode, 401, 'dropped from the list: refused');
  const freshHeaders = { authorization: `Bearer ${fresh.json().token}` };
  t.equal((await after.inject({ method: 'GET', url: '/v1/me', headers: freshHeaders })).statusCode, 200, 'new tokens are signed with the new secret');
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/me', headers: freshHeaders })).statusCode, 401, 'which the old secret cannot verify');
});
