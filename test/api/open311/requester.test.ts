// The person an Open311 client filed a ticket for, as staff see a household: masked for whoever sees the ticket, the full
// number only for the cadres and callback operators of its place, each read in the access log; unit locations (county admin).
import t from 'tap';
import { buildOpen311App, file, ticketOf } from './open311-fixture.js';

const FILED = { service_code: 'water', address_id: 'HH-001', first_name: '四', last_name: '李', phone: '13700001111', email: 'lisi@example.cn', description: '水管破了' };

t.test('staff read the requester masked; the full phone and email are logged reads for the roles that may', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const ticket = await ticketOf(h, await file(h, FILED));
  const get = async (user: string, path = '') => h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.id}/requester${path}`, headers: await h.auth(user) });

  const masked = await get('dispatcher');
  t.equal(masked.statusCode, 200, masked.body);
  t.match(masked.json(), { client: '12345 热线', name: '李四', phone: '137****1111', email: 'l***@example.cn', addressId: 'HH-001', routedBy: 'household' });
  t.notMatch(masked.body, /13700001111|lisi@/, 'no full number in the masked view');
  t.equal((await get('water')).statusCode, 404, 'a department that has not been sent the case does not see it');
  t.equal((await get('town2-office')).statusCode, 404, 'nor another town');

  const before = await h.db.selectFrom('access_log').selectAll().execute();
  for (const [user, status] of [['cadre', 200], ['town-supervisor', 200], ['county-supervisor', 200], ['dispatcher', 403], ['village', 403], ['admin', 403]] as const) {
    const res = await get(user, '/contact?reason=callback');
    t.equal(res.statusCode, status, `${user}: ${res.body}`);
    if (status === 200) t.same(res.json(), { ticketId: ticket.id, name: '李四', phone: '13700001111', email: 'lisi@example.cn' });
  }
  const logged = (await h.db.selectFrom('access_log').selectAll().execute()).slice(before.length);
  t.equal(logged.length, 3, 'one access-log row per read, none for a refusal');
  t.match(logged[0], { staff_id: h.county.staff.cadre, household_id: h.county.households[0], ticket_id: ticket.id, fields: ['requesterPhone', 'requesterEmail'], reason: 'callback' });

  const nowhere = await ticketOf(h, await file(h, { ...FILED, address_id: 'NOPE', address_string: '山上' }));
  const reveal = await h.app.inject({ method: 'GET', url: `/v1/tickets/${nowhere.id}/requester/contact`, headers: await h.auth('county-supervisor') });
  t.equal(reveal.statusCode, 200);
  const log = (await h.app.inject({ method: 'GET', url: '/v1/admin/access-log', headers: await h.auth('admin') })).json().items as Array<{ householdId: string | null; ticketId: string }>;
  t.match(log[0], { householdId: null, ticketId: nowhere.id }, 'a reveal concerning no household is logged with none');

  const visit = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: await h.auth('cadre'), payload: { householdId: h.county.households[0], category: 'water', description: '入户登记' } });
  const notOpen311 = await h.app.inject({ method: 'GET', url: `/v1/tickets/${visit.json().id}/requester`, headers: await h.auth('dispatcher') });
  t.equal(notOpen311.statusCode, 404, 'a ticket not filed through Open311 has no requester');
  t.equal(notOpen311.json().code, 'not_found');
  const byToken = await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.id}/requester`, headers: { authorization: `Bearer ${h.v1Key}` } });
  t.equal(byToken.json().code, 'route_not_in_scope', 'no API token is granted it');
});

t.test('unit locations: the county admin sets and removes them, all or none', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { units } = h.county;
  const put = async (items: unknown[], user = 'admin') => h.app.inject({ method: 'PUT', url: '/v1/admin/open311/places', headers: await h.auth(user), payload: { items } });
  const saved = await put([{ unitId: units['village-1-1'], lat: 26.5, long: 106.7 }, { unitId: units['group-2-1-1'], lat: 26.6, long: 106.6 }]);
  t.equal(saved.statusCode, 200, saved.body);
  t.equal(saved.json().items.length, 2);
  t.equal((await put([{ unitId: units['village-1-1'], lat: null, long: null }])).json().items.length, 1, 'null removes one');
  const refusals: Array<[string, unknown[], number]> = [
    ['a department', [{ unitId: units['dept-water'], lat: 1, long: 1 }], 400],
    ['lat without long', [{ unitId: units['village-1-2'], lat: 1, long: null }], 400],
    ['off the globe', [{ unitId: units['village-1-2'], lat: 91, long: 1 }], 400],
    ['twice', [{ unitId: units['village-1-2'], lat: 1, long: 1 }, { unitId: units['village-1-2'], lat: 2, long: 2 }], 400],
  ];
  for (const [name, items, status] of refusals) t.equal((await put([{ unitId: units['town-1'], lat: 26, long: 106 }, ...items])).statusCode, status, name);
  t.same((await h.app.inject({ method: 'GET', url: '/v1/admin/open311/places', headers: await h.auth('admin') })).json().items.map((p: { unitId: string }) => p.unitId), [units['group-2-1-1']], 'nothing from a refused list');
  t.equal((await put([{ unitId: units['town-1'], lat: 26, long: 106 }], 'county-supervisor')).statusCode, 403, 'the county admin only');
});
