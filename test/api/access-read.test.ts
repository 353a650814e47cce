// Authorization matrix, reading: tickets, lists (counts included), households and full contact numbers, cell by cell.
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { buildMatrix } from './access-fixture.js';
import { runHouseholdMatrix, runReadMatrix } from './access-matrix.run.js';
import { ACCOUNTS } from './access-matrix.table.js';

t.test('tickets: read and listed within jurisdiction only (role × place × local/joint)', async (t) => {
  const h = await buildTestApp(t.teardown);
  await runReadMatrix(t, h, await buildMatrix(h), ACCOUNTS);
});

t.test('households: listed within the places of the role; full numbers for the linked cadre and the callback operators', async (t) => {
  const h = await buildTestApp(t.teardown);
  const m = await buildMatrix(h);
  await runHouseholdMatrix(t, h, m, ACCOUNTS);
  const logged = await h.db.selectFrom('access_log').select(['staff_id', 'reason']).execute();
  const granted = ['cadre', 'town-supervisor', 'town-supervisor', 'county-supervisor', 'county-supervisor'].map((u) => h.county.staff[u]);
  t.same(logged.map((r) => r.staff_id).sort(), granted.sort(), 'every full read, and only those, is in the access log');
  t.ok(logged.every((r) => r.reason === 'matrix'), 'with the reason given');
});

t.test('a ticket of another county is 404 even for the county admin, and its number stays hidden', async (t) => {
  const h = await buildTestApp(t.teardown);
  const m = await buildMatrix(h);
  const theirs = await m.makeTicket({ county: 'b', unit: 'county' }, 'registered', 'x');
  for (const account of ACCOUNTS) {
    const res = await h.app.inject({ method: 'GET', url: `/v1/tickets/${theirs}`, headers: await m.headers(account) });
    t.equal(res.statusCode, 404, account);
    t.notMatch(res.body, /\d{4}-\d{6}/, `${account}: no ticket number in the answer`);
  }
});

t.test('a ticket lists the events the lifecycle allows and, of those, the ones the caller may send', async (t) => {
  const h = await buildTestApp(t.teardown);
  const m = await buildMatrix(h);
  const id = await m.makeTicket({ county: 'a', unit: 'group-1-1-1' }, 'registered', 'x');
  const permitted: Array<[(typeof ACCOUNTS)[number], string[]]> = [
    ['dispatcher', ['TRIAGE', 'DISPATCH', 'WITHDRAW', 'MERGE', 'REJECT', 'PAUSE']],
    ['town-supervisor', ['SUPERVISE']],
    ['cadre', ['WITHDRAW']],
    ['village', []],
    ['admin', []],
  ];
  for (const [account, events] of permitted) {
    const detail = (await h.app.inject({ method: 'GET', url: `/v1/tickets/${id}`, headers: await m.headers(account) })).json();
    t.same(detail.allowedEvents, ['TRIAGE', 'DISPATCH', 'WITHDRAW', 'MERGE', 'REJECT', 'SUPERVISE', 'PAUSE'], `${account}: the lifecycle's list`);
    t.same(detail.permittedEvents, events, `${account}: theirs`);
  }
});
