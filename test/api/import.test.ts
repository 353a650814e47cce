// CSV import of units, staff and households: good files, line-numbered refusals that write nothing, re-imports, the CLI.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildTestApp, createTestDatabase, type TestApp } from '../helper.js';
import { seedDemoCounty } from '../../src/services/seed.service.js';
import type { Db } from '../../src/store/db.js';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../src/store/database.js';

const send = async (h: TestApp, kind: string, body: string | Buffer, user = 'admin', contentType = 'text/csv; charset=utf-8') =>
  h.app.inject({
    method: 'POST',
    url: `/v1/admin/imports/${kind}`,
    headers: { ...(await h.auth(user)), 'content-type': contentType },
    payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });

const login = (h: TestApp, username: string, password: string) =>
  h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['units', 'staff', 'households', 'household_links', 'tickets', 'ticket_events'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

const UNITS = [
  'code,name,kind,parent_code',
  'town-3,红岩镇,town,',
  'village-3-1,红岩村,village,town-3',
  'group-3-1-1,第1村民小组,group,village-3-1',
  'group-3-1-2,"第2组, 上寨",group,village-3-1',
  'dept-edu,县教育局,department,county',
].join('\r\n');

const STAFF = [
  'username,display_name,unit_code,roles,password',
  'cadre-31,"陈干部, 红岩",group-3-1-1,cadre,pass-cadre-31',
  'cadre-32,吴干部,group-3-1-2,cadre,pass-cadre-32',
  'office-3,红岩镇党政办,town-3,town_dispatcher|town_supervisor,pass-office-3',
  'nopass,周书记,village-3-1,village;,',
].join('\n');

// Line 4 starts a record whose address runs over two physical lines (4 and 5).
const HOUSEHOLDS = [
  'code,group_code,head_name,phone,address,kind,key_tags,cadre_username',
  'H001,group-3-1-1,张三,13800001111,"红岩村1组, 3号",resident,industry;low_income,cadre-31',
  'H002,group-3-1-1,李四,,,外出户,留守|低保,cadre-31',
  'H003,group-3-1-2,"王""五""",13800003333,"上寨\n老屋",常住,,',
].join('\n');

async function county3(t: Parameters<typeof buildTestApp>[0]) {
  const h = await buildTestApp(t);
  for (const [kind, body] of [['units', UNITS], ['staff', STAFF], ['households', HOUSEHOLDS]] as const) {
    const res = await send(h, kind, body);
    if (res.statusCode !== 200) throw new Error(`${kind}: ${res.body}`);
  }
  const unit = async (code: string) => (await h.db.selectFrom('units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow());
  const staffId = async (username: string) => (await h.db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  return { h, unit, staffId };
}

/**
 * Runs `request` while `hold`'s writes sit in an open transaction, then commits them. `waited`: the request
 * was still unanswered when PostgreSQL showed a backend waiting on a lock (pg_stat_activity is polled: no sleep).
 */
async function whileHeld<R>(h: TestApp, hold: (trx: Transaction<Database>) => Promise<unknown>, request: () => Promise<R>): Promise<{ waited: boolean; result: R }> {
  let answer: { result: R } | undefined;
  let waited = false;
  await h.db.transaction().execute(async (trx) => {
    await hold(trx);
    void request().then((result) => (answer = { result }));
    for (;;) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(h.db);
      if ((rows[0]?.n ?? 0) > 0 || answer !== undefined) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    waited = answer === undefined;
  });
  while (answer === undefined) await new Promise((resolve) => setImmediate(resolve));
  return { waited, result: answer.result };
}

t.test('a units file builds the tree under the county; a re-import changes nothing, a new name updates', async (t) => {
  const h = await buildTestApp(t.teardown);
  const res = await send(h, 'units', UNITS);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { kind: 'units', countyId: h.county.countyId, rows: 5, created: 5, updated: 0, unchanged: 0 });

  const units = (await h.app.inject({ method: 'GET', url: '/v1/units', headers: await h.auth('admin') })).json().items as Array<{ id: string; parentId: string; code: string; name: string; kind: string }>;
  const byCode = new Map(units.map((u) => [u.code, u]));
  t.equal(byCode.get('town-3')?.parentId, h.county.countyId, 'a town without a parent code belongs to the county');
  t.equal(byCode.get('village-3-1')?.parentId, byCode.get('town-3')?.id);
  t.match(byCode.get('group-3-1-2'), { parentId: byCode.get('village-3-1')?.id, name: '第2组, 上寨', kind: 'group' });
  t.equal(byCode.get('dept-edu')?.kind, 'department');
  const under = await h.db.selectFrom('units').select('code')
    .where(sql<boolean>`path <@ (select path from units where code = 'town-3')`)
    .orderBy('code').execute();
  t.same(under.map((u) => u.code), ['group-3-1-1', 'group-3-1-2', 'town-3', 'village-3-1'], 'the ltree path puts the groups under their town');

  const again = await send(h, 'units', UNITS);
  t.match(again.json(), { created: 0, updated: 0, unchanged: 5 }, 're-importing the same file is a no-op');
  const renamed = await send(h, 'units', '\uFEFF序号,编码,名称,类型,上级编码,备注\r\n1,town-3,红岩乡,乡,county,改名\r\n2,group-3-1-1,第1村民小组,组,village-3-1,\r\n');
  t.equal(renamed.statusCode, 200, 'Chinese headers, Chinese kinds, a BOM, and 序号/备注 columns ignored');
  t.match(renamed.json(), { rows: 2, created: 0, updated: 1, unchanged: 1 });
  t.equal((await h.db.selectFrom('units').select('name').where('code', '=', 'town-3').executeTakeFirstOrThrow()).name, '红岩乡');

  const moved = await send(h, 'units', 'code,name,kind,parent_code\nvillage-3-1,红岩村,village,town-1\n');
  t.equal(moved.statusCode, 422);
  t.match(moved.json().details.errors, [{ line: 2, column: 'parent_code', message: /does not move units/ }]);
});

t.test('staff: accounts with an initial password log in; without one nobody can log in as them until a re-import gives one', async (t) => {
  const h = await buildTestApp(t.teardown);
  t.equal((await send(h, 'units', UNITS)).statusCode, 200);
  const res = await send(h, 'staff', STAFF);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { kind: 'staff', rows: 4, created: 4, updated: 0, unchanged: 0, withoutPassword: 1 });

  const cadre = await login(h, 'cadre-31', 'pass-cadre-31');
  t.equal(cadre.statusCode, 200, 'an imported cadre logs in with the initial password');
  const me = await h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${cadre.json().token}` } });
  t.match(me.json(), { username: 'cadre-31', name: '陈干部, 红岩', roles: ['cadre'], unit: { code: 'group-3-1-1' } });
  const office = await h.db.selectFrom('staff').select('roles').where('username', '=', 'office-3').executeTakeFirstOrThrow();
  t.same(office.roles, ['town_dispatcher', 'town_supervisor'], 'roles separated by |');
  t.equal((await login(h, 'nopass', '')).statusCode, 400, 'no password: nothing to log in with');
  t.equal((await login(h, 'nopass', '!')).json().code, 'invalid_credentials');
  t.equal((await h.db.selectFrom('staff').select('active').where('username', '=', 'nopass').executeTakeFirstOrThrow()).active, true, 'but the account exists, for links and the board');

  const again = await send(h, 'staff', STAFF.replace('pass-cadre-31', 'another-password'));
  t.match(again.json(), { created: 0, updated: 0, unchanged: 4 }, 'a re-import never overwrites a password');
  t.equal((await login(h, 'cadre-31', 'pass-cadre-31')).statusCode, 200);

  const given = await send(h, 'staff', 'username,display_name,unit_code,roles,password\nnopass,周书记,village-3-1,village,first-password\n');
  t.match(given.json(), { updated: 1 });
  t.equal((await login(h, 'nopass', 'first-password')).statusCode, 200, 'a re-import gives it its first password');

  const before = await counts(h.db);
  const bad = await send(h, 'staff', [
    'username,display_name,unit_code,roles,password',
    'new-one,新人,group-3-1-1,cadre,long-enough-1',
    'wrong-place,错位,group-3-1-1,town_dispatcher,long-enough-2',
    'cadre,同名,group-3-1-1,cadre;mayor,short',
  ].join('\n'));
  t.equal(bad.statusCode, 422, bad.body);
  t.match(bad.json().details.errors, [
    { line: 3, column: 'roles', message: /town_dispatcher works at a town/ },
    { line: 4, column: 'roles', message: /Unknown role "mayor"/ },
    { line: 4, column: 'password', message: /8 to 200/ },
  ]);
  t.same(await counts(h.db), before, 'the good row of a bad file is not written either');
  t.equal((await login(h, 'new-one', 'long-enough-1')).statusCode, 401);
});

t.test('households: links to cadres and key tags, visible on the status board and in coverage; re-import is idempotent', async (t) => {
  const { h, unit, staffId } = await county3(t.teardown);
  const rows = await h.db.selectFrom('households').select(['code', 'head_name', 'phone', 'address', 'kind', 'key_tags', 'unit_id'])
    .where('code', 'is not', null).orderBy('code').execute();
  t.same(rows.map((r) => [r.code, r.head_name, r.address, r.kind, r.key_tags]), [
    ['H001', '张三', '红岩村1组, 3号', 'resident', ['industry', 'low_income']],
    ['H002', '李四', null, 'migrant', ['low_income', 'left_behind']],
    ['H003', '王"五"', '上寨\n老屋', 'resident', []],
  ], 'quoted commas, doubled quotes, a newline in a field, Chinese kinds and tags');
  t.equal(rows[0]?.unit_id, (await unit('group-3-1-1')).id);

  const office = { authorization: `Bearer ${(await login(h, 'office-3', 'pass-office-3')).json().token}` };
  const board = await h.app.inject({ method: 'GET', url: `/v1/units/${(await unit('town-3')).id}/cadres`, headers: office });
  const byName = (items: Array<{ name: string }>) => Object.fromEntries(items.map((i) => [i.name, i]));
  t.match(byName(board.json().items), { 吴干部: { households: 0 }, '陈干部, 红岩': { households: 2 } }, 'the town office sees the imported links on its board');
  const cov = await h.app.inject({ method: 'GET', url: `/v1/coverage?unitId=${(await unit('town-3')).id}`, headers: office });
  t.equal(cov.statusCode, 200, cov.body);
  t.match(cov.json().towns, [{ name: '红岩镇', residentTotal: 2, migrantTotal: 1, keyTotal: 2, neverReached: 3 }]);
  t.match(byName(cov.json().cadres), { '陈干部, 红岩': { residentTotal: 1, migrantTotal: 1, keyTotal: 2 } });

  const before = await counts(h.db);
  const again = await send(h, 'households', HOUSEHOLDS);
  t.same(again.json(), { kind: 'households', countyId: h.county.countyId, rows: 3, created: 0, updated: 0, unchanged: 3, linksCreated: 0, linksClosed: 0, ticketsMoved: 0 });
  t.same(await counts(h.db), before, 're-importing the same file writes nothing');

  // A re-link by import follows the linkage rules: history kept, open tickets move with a RELINK event.
  const h001 = (await h.db.selectFrom('households').select('id').where('code', '=', 'H001').executeTakeFirstOrThrow()).id;
  const ticket = await h.app.inject({ method: 'POST', url: '/v1/tickets', headers: office, payload: { householdId: h001, category: 'road', description: '路灯坏了' } });
  t.equal(ticket.statusCode, 201, ticket.body);
  const relinked = await send(h, 'households', 'code,group_code,head_name,cadre_username\nH001,group-3-1-1,张三,cadre-32\n');
  t.match(relinked.json(), { updated: 0, unchanged: 1, linksCreated: 1, linksClosed: 1, ticketsMoved: 1 });
  const links = await h.db.selectFrom('household_links').select(['cadre_id', 'valid_to', 'linked_by']).where('household_id', '=', h001).orderBy('valid_from').execute();
  t.match(links, [{ cadre_id: await staffId('cadre-31'), valid_to: Date }, { cadre_id: await staffId('cadre-32'), valid_to: null, linked_by: h.county.staff.admin }]);
  const moved = await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.json().id}`, headers: office });
  t.match(moved.json().timeline.at(-1), { type: 'RELINK', label: { zh: '变更包联干部' } });
  t.equal((await h.db.selectFrom('tickets').select('cadre_id').where('id', '=', ticket.json().id).executeTakeFirstOrThrow()).cadre_id, await staffId('cadre-32'));
  const kept = await h.db.selectFrom('households').select(['phone', 'key_tags']).where('id', '=', h001).executeTakeFirstOrThrow();
  t.same(kept, { phone: '13800001111', key_tags: ['industry', 'low_income'] }, 'columns the file leaves out stay as they were');

  // Moving a linked household to another town needs its new cadre: the old one may no longer visit it.
  const beforeMove = await counts(h.db);
  const orphaned = await send(h, 'households', 'code,group_code,head_name\nH001,group-1-1-1,张三\n');
  t.equal(orphaned.statusCode, 422);
  t.match(orphaned.json().details.errors, [{ line: 2, column: 'cadre_username', message: /moves to another town/ }]);
  t.same(await counts(h.db), beforeMove, 'nothing written');
  const moveTo = await send(h, 'households', 'code,group_code,head_name,cadre_username\nH001,group-1-1-1,张三,cadre\n');
  t.match(moveTo.json(), { updated: 1, linksCreated: 1, linksClosed: 1 });
  const now = await h.db.selectFrom('household_links').select('cadre_id').where('household_id', '=', h001).where('valid_to', 'is', null).executeTakeFirstOrThrow();
  t.equal(now.cadre_id, h.county.staff.cadre, 'linked to a cadre of its new town');
});

t.test('staff re-import keeps the linkage rules: a linked cadre keeps the role and the town until the households are re-linked', async (t) => {
  const { h, staffId } = await county3(t.teardown);
  const header = 'username,display_name,unit_code,roles\n';
  const before = await counts(h.db);
  const dropped = await send(h, 'staff', `${header}cadre-32,吴干部,group-3-1-2,cadre\ncadre-31,陈干部,village-3-1,village\n`);
  t.equal(dropped.statusCode, 422, dropped.body);
  t.match(dropped.json().details.errors, [{ line: 3, column: 'roles', message: /Still the linked cadre \(包联干部\) of 2 households/ }]);
  const moved = await send(h, 'staff', `${header}cadre-31,陈干部,group-1-1-1,cadre\n`);
  t.equal(moved.statusCode, 422, moved.body);
  t.match(moved.json().details.errors, [{ line: 2, column: 'unit_code', message: /Linked to 2 households of another town/ }]);
  t.same(await counts(h.db), before, 'nothing written');
  const roles = await h.db.selectFrom('staff').select(['roles', 'unit_id']).where('username', '=', 'cadre-31').executeTakeFirstOrThrow();
  t.same(roles.roles, ['cadre'], 'still a cadre');

  // Once the households have another cadre, the change goes through.
  t.equal((await send(h, 'households', 'code,group_code,head_name,cadre_username\nH001,group-3-1-1,张三,cadre-32\nH002,group-3-1-1,李四,cadre-32\n')).statusCode, 200);
  const done = await send(h, 'staff', `${header}cadre-31,陈干部,village-3-1,village\n`);
  t.equal(done.statusCode, 200, done.body);
  t.match(done.json(), { updated: 1 });
  const linkedTo = await h.db.selectFrom('household_links').select('cadre_id').where('valid_to', 'is', null).execute();
  t.same([...new Set(linkedTo.map((l) => l.cadre_id))], [await staffId('cadre-32')], 'every active link is with a cadre');
});

t.test('a re-link through the API while a staff import takes the cadre role away: the link waits, then is refused', async (t) => {
  const { h, staffId } = await county3(t.teardown);
  const office = { authorization: `Bearer ${(await login(h, 'office-3', 'pass-office-3')).json().token}` };
  const h003 = (await h.db.selectFrom('households').select('id').where('code', '=', 'H003').executeTakeFirstOrThrow()).id;
  const c32 = await staffId('cadre-32');
  // The staff import's write, as importStaff does it: the account row updated (and so locked) in its transaction.
  const { waited, result: linked } = await whileHeld(
    h,
    (trx) => trx.updateTable('staff').set({ roles: ['village'] }).where('id', '=', c32).execute(),
    () => h.app.inject({ method: 'PUT', url: `/v1/households/${h003}/link`, headers: office, payload: { cadreId: c32 } }),
  );
  t.ok(waited, 'the link waits for the staff change to commit');
  t.equal(linked.statusCode, 400, linked.body);
  t.equal(linked.json().code, 'unknown_cadre', 'no longer a cadre: refused');
  const links = await h.db.selectFrom('household_links').select('id').where('household_id', '=', h003).execute();
  t.equal(links.length, 0, 'nothing linked');
});

t.test('an import re-linking a household while its link is being changed through the API waits for it, and keeps its history', async (t) => {
  const { h, staffId } = await county3(t.teardown);
  const h001 = (await h.db.selectFrom('households').select('id').where('code', '=', 'H001').executeTakeFirstOrThrow()).id;
  const [c31, c32] = [await staffId('cadre-31'), await staffId('cadre-32')];
  h.clock.advance(3600_000);
  const relinkedAt = h.clock.now();
  // The API's re-link, as linkage.service writes it: household locked, link closed, new link, then commit.
  const { waited, result: imported } = await whileHeld(
    h,
    async (trx) => {
      await trx.selectFrom('households').select('id').where('id', '=', h001).forNoKeyUpdate().execute();
      await trx.updateTable('household_links').set({ valid_to: relinkedAt }).where('household_id', '=', h001).where('valid_to', 'is', null).execute();
      await trx.insertInto('household_links').values({
        id: '00000000-0000-7000-8000-0000000000aa', county_id: h.county.countyId, household_id: h001, cadre_id: c32, valid_from: relinkedAt, linked_by: null,
      }).execute();
      h.clock.advance(3600_000);
    },
    () => send(h, 'households', 'code,group_code,head_name,cadre_username\nH001,group-3-1-1,张三,cadre-31\n'),
  );
  // Without the lock it would read the link as it was (still cadre-31), change nothing, and lose to the API.
  t.ok(waited, 'the import waits for the re-link to commit');
  t.equal(imported.statusCode, 200, imported.body);
  t.match(imported.json(), { linksCreated: 1, linksClosed: 1 });
  const history = await h.db.selectFrom('household_links').select(['cadre_id', 'valid_to']).where('household_id', '=', h001).orderBy('valid_from').orderBy('id').execute();
  t.equal(history.length, 3, 'the imported link, the API’s, and the first one');
  t.same(history.map((l) => l.cadre_id), [c31, c32, c31]);
  t.same(history[0]?.valid_to, relinkedAt, 'the first link ended when the API re-linked it, not again');
  t.same(history[1]?.valid_to, new Date(relinkedAt.getTime() + 3600_000), 'the API’s link ended when the import re-linked it');
  t.equal(history[2]?.valid_to, null, 'the imported link is the active one');
});

t.test('a bad row in the middle: its physical line, its column, and nothing from the file written', async (t) => {
  const { h } = await county3(t.teardown);
  const before = await counts(h.db);
  const file = [
    'code,group_code,head_name,phone,address,kind,key_tags,cadre_username', // 1
    'H101,group-3-1-1,赵一,,"两行', // 2
    '地址",,,cadre-31', // 3
    'H102,group-9-9-9,钱二,,,,,', // 4
    'H103,group-3-1-1,孙三,,,,flood_risk;lottery,', // 5
    'H104,group-3-1-1,李四,not-a-phone,,abroad,,nobody', // 6
    'H101,village-3-1,周五,,,,,', // 7
    'H105,group-3-1-2,吴六,,,,,', // 8
  ].join('\n');
  const res = await send(h, 'households', file);
  t.equal(res.statusCode, 422, res.body);
  const body = res.json();
  t.equal(body.code, 'invalid_csv');
  t.match(body.message, /first on line 4\); nothing was imported/);
  t.same(body.details.errors.map((e: { line: number; column: string }) => [e.line, e.column]), [
    [4, 'group_code'], [5, 'key_tags'], [6, 'phone'], [6, 'kind'], [6, 'cadre_username'], [7, 'code'], [7, 'group_code'],
  ]);
  t.match(body.details.errors[6], { message: /"village-3-1" is a village/ });
  t.match(body.details.errors[4], { message: /No account "nobody" in this county/ });
  t.notMatch(JSON.stringify(body), /not-a-phone/, 'a bad phone number is not echoed');
  t.equal(body.details.total, 7);
  t.same(await counts(h.db), before, 'zero rows written from that file');

  const cross = await send(h, 'households', 'code,group_code,head_name,cadre_username\nH201,group-1-1-1,外镇户,cadre-31\n');
  t.match(cross.json().details.errors, [{ line: 2, column: 'cadre_username', message: /works in another town/ }]);

  const many = ['code,group_code,head_name', ...Array.from({ length: 80 }, (_, i) => `X${i},nowhere,户${i}`)].join('\n');
  const capped = (await send(h, 'households', many)).json();
  t.equal(capped.details.errors.length, 50, 'the first 50 problems');
  t.equal(capped.details.total, 80);
  t.same(await counts(h.db), before);
});

t.test('files that are not good CSV are refused with a line', async (t) => {
  const h = await buildTestApp(t.teardown);
  const before = await counts(h.db);
  const cases: Array<[string, string | Buffer, number, RegExp]> = [
    ['unterminated quote', 'code,name,kind\nt9,"九镇,town\nt10,十镇,town\n', 2, /never closed/],
    ['text after a quote', 'code,name,kind\nt9,"九"镇,town\n', 2, /closing quote/],
    ['extra cell', 'code,name,kind,parent_code\nt9,九镇,town,county,extra\n', 2, /5 cells but the header has 4/],
    ['unknown column', 'code,name,kind,colour\n', 1, /Unknown column/],
    ['missing column', 'code,name\nt9,九镇\n', 1, /Missing column kind/],
    ['header only', 'code,name,kind\n', 2, /no rows/],
    ['empty', '', 1, /empty/],
    ['GBK bytes', Buffer.concat([Buffer.from('code,name,kind\nt9,'), Buffer.from([0xbe, 0xc5, 0xd5, 0xf2]), Buffer.from(',town\n')]), 2, /not UTF-8/],
  ];
  for (const [what, body, line, message] of cases) {
    const res = await send(h, 'units', body);
    t.equal(res.statusCode, 422, what);
    t.match(res.json(), { code: 'invalid_csv', details: { errors: [{ line, message }] } }, what);
  }
  t.same(await counts(h.db), before, 'nothing written');
});

t.test('only the county admin imports', async (t) => {
  const h = await buildTestApp(t.teardown);
  for (const user of ['dispatcher', 'county-supervisor', 'cadre']) {
    const res = await send(h, 'units', UNITS, user);
    t.equal(res.statusCode, 403, user);
    t.equal(res.json().code, 'forbidden');
  }
  const anonymous = await h.app.inject({ method: 'POST', url: '/v1/admin/imports/units', headers: { 'content-type': 'text/csv' }, payload: UNITS });
  t.equal(anonymous.statusCode, 401);
  t.equal((await send(h, 'units', JSON.stringify({ a: 1 }), 'admin', 'application/json')).statusCode, 415, 'CSV only');
  t.equal((await send(h, 'tickets', UNITS)).statusCode, 400, 'unknown kind');
  t.equal((await h.db.selectFrom('units').select('id').where('code', '=', 'town-3').execute()).length, 0);
});

t.test('npm run import with a bad file exits 1 and names the line', async (t) => {
  const { db, url } = await createTestDatabase(t.teardown);
  await seedDemoCounty(db);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'import-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'households.csv');
  await writeFile(file, 'code,group_code,head_name\nH1,group-1-1-1,甲\nH2,group-x,乙\n');
  const cwd = path.resolve(import.meta.dirname, '../..');
  const run = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', 'households', file], {
    cwd,
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: 'redis://unused' },
  });
  let out = '';
  run.stdout.on('data', (d: Buffer) => (out += d.toString()));
  run.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
  t.equal(code, 1, out);
  t.match(out, `${file}:3 [group_code]: No unit "group-x" in this county`);
  t.equal((await db.selectFrom('households').select('id').where('code', 'is not', null).execute()).length, 0, 'nothing imported');
});
