// The access rules as pure functions: grants per role, several roles at once, every event has an owner, config parsing.
import t from 'tap';
import {
  EVENT_RULES, inPlaceScope, inTicketScope, isUnder, maySend, placeGrants, ticketGrants, type Caller, type TicketFacts,
} from '../../src/services/access.service.js';
import { EVENT_TYPES, TIMER_EVENTS } from '../../src/engine/ticket.events.js';
import { loadSecurityConfig, parseDuration } from '../../src/security.config.js';
import { maskIdNumber, maskPhone, maskText } from '../../src/services/privacy.service.js';

const caller = (over: Partial<Caller>): Caller => ({
  kind: 'staff', staffId: 's1', countyId: 'c1', name: 'x', unitId: 'u-town', unitPath: 'c.t1', unitKind: 'town', roles: [], sessionId: 'sid', ...over,
});
const ticket = (over: Partial<TicketFacts>): TicketFacts => ({
  county_id: 'c1', unit_path: 'c.t1.v1.g1', created_by: 's9', state: 'proxy', mode: 'proxy', lead_unit_id: null, co_unit_ids: [], ...over,
});

t.test('ltree containment is by whole labels', async (t) => {
  t.ok(isUnder('c.t1.v1', 'c.t1'));
  t.ok(isUnder('c.t1', 'c.t1'));
  t.notOk(isUnder('c.t10', 'c.t1'), 'a label prefix is not an ancestor');
  t.notOk(isUnder('c', 'c.t1'));
});

t.test('one person with two roles holds the union of both', async (t) => {
  const both = caller({ roles: ['town_dispatcher', 'town_supervisor'] });
  t.ok(maySend(both, ticket({}), 'TRIAGE'), 'as dispatcher');
  t.ok(maySend(both, ticket({}), 'CALLBACK'), 'as supervisor');
  t.notOk(maySend(both, ticket({}), 'ACCEPT'));
  const cadreAndDept = caller({ roles: ['cadre', 'department'], unitId: 'dept-w', unitPath: 'c.dw', unitKind: 'department' });
  t.same(ticketGrants(cadreAndDept).map((g) => g.kind), ['cadre', 'creator', 'department']);
  t.ok(inTicketScope(cadreAndDept, ticket({ lead_unit_id: 'dept-w' })));
  t.ok(inTicketScope(cadreAndDept, ticket({ created_by: 's1' })));
  t.notOk(inTicketScope(cadreAndDept, ticket({})));
  t.same(ticketGrants(caller({ roles: [] })), [], 'no role: sees nothing');
  t.notOk(inTicketScope(caller({ roles: ['county_admin'] }), ticket({ county_id: 'c2' })), 'nobody crosses a county');
});

t.test('a cadre registers across their village, but sees only their group and what they created', async (t) => {
  const cadre = caller({ roles: ['cadre'], unitPath: 'c.t1.v1.g1', unitKind: 'group' });
  t.same(placeGrants(cadre), [{ kind: 'subtree', path: 'c.t1.v1' }]);
  t.ok(inPlaceScope(cadre, { county_id: 'c1', path: 'c.t1.v1.g2' }));
  t.notOk(inPlaceScope(cadre, { county_id: 'c1', path: 'c.t1.v2' }));
  t.notOk(inTicketScope(cadre, ticket({ unit_path: 'c.t1.v1.g2' })));
  t.ok(inTicketScope(cadre, ticket({ unit_path: 'c.t1.v1.g2', created_by: 's1' })));
  t.same(placeGrants(caller({ roles: ['department'] })), [], 'a department has no places');
});

t.test('handling, extending and pausing belong to whoever owns the current clock', async (t) => {
  const cadre = caller({ roles: ['cadre'], unitPath: 'c.t1.v1.g1', unitKind: 'group' });
  const dept = caller({ roles: ['department'], unitId: 'dw', unitPath: 'c.dw', unitKind: 'department' });
  const dispatcher = caller({ roles: ['town_dispatcher'] });
  const owner = (state: string, mode: string | null) => {
    const facts = ticket({ state, mode, lead_unit_id: 'dw' });
    return [cadre, dept, dispatcher].filter((c) => maySend(c, facts, 'PAUSE')).map((c) => c.roles[0]);
  };
  t.same(owner('registered', null), ['town_dispatcher']);
  t.same(owner('proxy', 'proxy'), ['cadre']);
  t.same(owner('awaitingFeedback', 'joint'), ['cadre'], 'the cadre tells the household, whoever handled it');
  t.same(owner('joint.inProgress', 'joint'), ['department']);
  t.same(owner('joint.returned', 'joint'), ['town_dispatcher'], 'a returning department no longer owns the case');
  t.notOk(maySend(dept, ticket({ state: 'joint.inProgress', mode: 'joint', lead_unit_id: 'other', co_unit_ids: ['dw'] }), 'RESOLVE'), 'a co-department reads only');
});

t.test('every event a person may send has a rule; timer events have none', async (t) => {
  const timers: readonly string[] = TIMER_EVENTS;
  t.same(Object.keys(EVENT_RULES).sort(), EVENT_TYPES.filter((e) => !timers.includes(e)).sort());
  const everyone = caller({ roles: ['cadre', 'village', 'town_dispatcher', 'town_supervisor', 'department', 'county_supervisor', 'county_admin'], unitPath: 'c' });
  for (const type of TIMER_EVENTS) t.notOk(maySend(everyone, ticket({ lead_unit_id: 'u-town' }), type), `${type}: workers only`);
});

t.test('masking and security settings', async (t) => {
  t.equal(maskPhone('13812345678'), '138****5678');
  t.equal(maskIdNumber('11010519900101123X'), '110***********123X');
  t.equal(maskText('电话 138-1234-5678，座机 0851-12345678，单号 12345678901234567890'), '电话 138****5678，座机 0851-****78，单号 12345678901234567890');
  t.equal(parseDuration('15m', 'X'), 900_000);
  t.equal(parseDuration('14d', 'X'), 14 * 86_400_000);
  t.throws(() => parseDuration('soon', 'X'), /duration/);
  const config = loadSecurityConfig({ CORS_ORIGINS: 'https://a.example.cn, https://b.example.cn', AUTH_RATE_LIMIT: '20' });
  t.same(config.corsOrigins, ['https://a.example.cn', 'https://b.example.cn']);
  t.equal(config.authRateLimit, 20);
  t.equal(config.loginMaxFailures, 5);
  t.throws(() => loadSecurityConfig({ CORS_ORIGINS: 'https://a.example.cn/path' }), /origin/);
  t.throws(() => loadSecurityConfig({ JWT_SECRET_PREVIOUS: 'short' }), /32/);
});
