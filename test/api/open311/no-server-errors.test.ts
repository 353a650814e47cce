// Odd input a client (or an attacker) can send never makes the Open311 face answer 5xx: NUL bytes, broken UTF-8, odd keys,
// repeated arguments, numbers out of range, dates at the ends of time; each refusal comes in the spec's error format.
import t from 'tap';
import { buildOpen311App } from './open311-fixture.js';

t.test('odd forms and queries: 4xx in the spec\'s format or a normal answer, never a 5xx', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const k = `api_key=${h.key}`;
  const raw = (url: string, payload: string, ct = 'application/x-www-form-urlencoded') => h.app.inject({ method: 'POST', url, headers: { 'content-type': ct }, payload });
  const check = (what: string, res: { statusCode: number; json: () => unknown }) => {
    t.ok(res.statusCode < 500, `${what}: ${res.statusCode}`);
    if (res.statusCode >= 400) t.match(res.json(), [{ code: res.statusCode, description: String }], `${what}: the spec's error format`);
  };
  const forms = [
    ['a NUL in the description', `${k}&service_code=water&address_string=x&description=a%00b`],
    ['a NUL in address_id', `${k}&service_code=water&address_id=a%00b`],
    ['a NUL in service_code', `${k}&service_code=wa%00ter&address_string=x`],
    ['a NUL in jurisdiction_id', `${k}&jurisdiction_id=c%00&service_code=water&address_string=x`],
    ['broken UTF-8', `${k}&service_code=water&address_string=%E4%B8`],
    ['odd attribute keys', `${k}&service_code=water&address_string=x&attribute[]=1&attribute[[x]]=2&attribute=3`],
    ['a quantity beyond floating point', `${k}&service_code=subsidy&address_string=x&attribute[quantity]=1e309`],
    ['a NUL in a comment', `${k}&service_request_id=2026-000001&description=%00`],
    ['a broken form', '%%%%'],
    ['an empty form', ''],
  ] as const;
  for (const [what, form] of forms) {
    for (const path of ['/open311/v2/requests.json', '/open311/v2/servicerequestupdates.json']) check(`${path}, ${what}`, await raw(path, form));
  }
  check('JSON with a number', await raw('/open311/v2/requests.json', JSON.stringify({ api_key: h.key, service_code: 'water', address_string: 'x', lat: 1 }), 'application/json'));
  check('JSON that is not JSON', await raw('/open311/v2/requests.json', '{"api_key":', 'application/json'));
  const queries = [
    '/open311/v2/requests/%00.json', '/open311/v2/requests.json?service_request_id=%00', '/open311/v2/tokens/%00.json',
    '/open311/v2/requests.json?jurisdiction_id=%00', '/open311/v2/services/%00.json', '/open311/v2/requests.json?start_date=%00',
    '/open311/v2/requests.json?api_key=a&api_key=b', '/open311/v2/servicerequestupdates.json?end_date=9999-12-31T23:59:59Z',
    '/open311/v2/requests.json?start_date=0001-01-01T00:00:00Z', `/open311/v2/requests.json?service_code=${'x,'.repeat(500)}`,
    '/open311/v2/requests.json?status=' + 'open,'.repeat(200),
  ];
  for (const url of queries) check(url.slice(0, 80), await h.get(url));
});
