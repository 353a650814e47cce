// Open311 budgets: per api_key and per client address, answered 429 with Retry-After in the spec's error format.
import t from 'tap';
import { buildOpen311App, parseXml, type XmlNode } from './open311-fixture.js';

t.test('a key over its budget waits; another key does not; every call spends its address\'s budget', async (t) => {
  const h = await buildOpen311App(t.teardown, { open311: { rateLimit: 3, addressRateLimit: 7 } });
  const services = (key?: string, format = 'json') => h.get(`/open311/v2/services.${format}${key ? `?api_key=${key}` : ''}`);
  for (let i = 0; i < 3; i++) t.equal((await services(h.key)).statusCode, 200, `call ${i + 1} with the key`);
  const over = await services(h.key, 'xml');
  t.equal(over.statusCode, 429, 'the fourth call with that key');
  t.ok(Number(over.headers['retry-after']) > 0, 'with Retry-After');
  const [error] = (parseXml(t, over.body).errors as XmlNode).error as XmlNode[];
  t.match(error, { code: '429', description: /too many requests/ });
  t.equal((await services(h.otherKey)).statusCode, 200, 'another key has its own budget');
  t.equal((await services()).statusCode, 200, 'a call without a key: the 6th from this address');
  t.equal((await services()).statusCode, 200);
  const posted = await h.post('/open311/v2/requests.json', { api_key: h.otherKey, service_code: 'water', address_string: '青山镇' });
  t.equal(posted.statusCode, 429, 'the 8th call from the address is over its 7 (the refused fourth counted too)');
  t.match(posted.json(), [{ code: 429 }]);
  t.equal((await h.db.selectFrom('tickets').select('id').execute()).length, 0, 'nothing filed over the budget');
});
