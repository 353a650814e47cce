// The cadre's grant after linkage (包联): tickets of households linked to them, else their group's, and what they created.
import t from 'tap';
import { inTicketScope, maySend, type Caller, type TicketFacts } from '../../src/services/access.service.js';

const cadre: Caller = {
  kind: 'staff', staffId: 's1', countyId: 'c1', name: 'x', unitId: 'g1', unitPath: 'c.t1.v1.g1', unitKind: 'group', roles: ['cadre'], sessionId: 'sid',
};
const ticket = (over: Partial<TicketFacts>): TicketFacts => ({
  county_id: 'c1', unit_path: 'c.t1.v1.g1', created_by: 's9', state: 'proxy', mode: 'proxy', lead_unit_id: null, co_unit_ids: [], ...over,
});

t.test('a ticket linked to the cadre is theirs wherever the household lives', async (t) => {
  const elsewhere = ticket({ unit_path: 'c.t1.v2.g3', cadre_id: 's1' });
  t.ok(inTicketScope(cadre, elsewhere));
  t.ok(maySend(cadre, elsewhere, 'RESOLVE'), 'and they handle it');
});

t.test('a ticket linked to another cadre is not theirs, even in their group, unless they created it', async (t) => {
  const others = ticket({ cadre_id: 's2' });
  t.notOk(inTicketScope(cadre, others));
  t.notOk(maySend(cadre, { ...others, created_by: 's9' }, 'RESOLVE'));
  t.ok(inTicketScope(cadre, { ...others, created_by: 's1' }), 'as its creator');
});

t.test('a ticket with no linked cadre falls back to the group', async (t) => {
  t.ok(inTicketScope(cadre, ticket({ cadre_id: null })));
  t.ok(inTicketScope(cadre, ticket({})));
  t.notOk(inTicketScope(cadre, ticket({ cadre_id: null, unit_path: 'c.t1.v1.g2' })));
});
