// servicerequestupdates (mySociety's extension): the feed after a ticket's real lifecycle through /v1, in both formats, with
// standard and extended statuses; residents' comments into the timeline, once per client update_id, also when sent at once.
import t from 'tap';
import { buildOpen311App, elementNames, file, issueToken, parseXml, SPEC, ticketOf, W3C_BEIJING, type Open311App, type XmlNode } from './open311-fixture.js';

const HOUR = 3_600_000;

async function send(h: Open311App, ticketId: string, user: string, payload: Record<string, unknown>): Promise<void> {
  const res = await h.app.inject({ method: 'POST', url: `/v1/tickets/${ticketId}/events`, headers: await h.auth(user), payload });
  if (res.statusCode !== 200) throw new Error(`${user} ${String(payload.type)}: ${res.body}`);
  h.clock.advance(HOUR);
}

const feed = async (h: Open311App, query: string) =>
  (await h.get(`/open311/v2/servicerequestupdates.json?${query}`)).json() as Array<{ update_id: string; service_request_id: string; status: string; description: string; updated_datetime: string }>;

t.test('the feed after a joint case\'s whole life: one update per public change, none for internal ones', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { units } = h.county;
  const number = await file(h, { service_code: 'water', address_id: 'HH-001', description: '水管破了', first_name: '李四' });
  const ticket = await ticketOf(h, number);
  h.clock.advance(HOUR);
  await send(h, ticket.id, 'dispatcher', { type: 'DISPATCH', leadUnitId: units['dept-water'], coUnitIds: [units['dept-transport']], note: '内部：张大山脾气急' });
  await send(h, ticket.id, 'town-supervisor', { type: 'SUPERVISE', note: '请水务局加快（内部督办）' });
  await send(h, ticket.id, 'water', { type: 'ACCEPT', note: '内部签收备注' });
  await send(h, ticket.id, 'water', { type: 'RESOLVE', summary: '已更换水管，户主张大山（电话13800001000）确认，李四到场' });
  await send(h, ticket.id, 'cadre', { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true, note: '内部反馈备注' });
  await send(h, ticket.id, 'town-supervisor', { type: 'CALLBACK', rating: 'satisfied', note: '张大山说还行（内部）' });

  const xml = await h.get('/open311/v2/servicerequestupdates.xml');
  t.equal(xml.statusCode, 200);
  const doc = parseXml(t, xml.body);
  t.same(elementNames(doc), ['?xml', 'service_request_updates']);
  const updates = (doc.service_request_updates as XmlNode).request_update as XmlNode[];
  for (const u of updates) {
    t.same(elementNames(u), SPEC.update, 'update_id, service_request_id, status, updated_datetime, description, media_url');
    t.match(u.updated_datetime, W3C_BEIJING);
  }
  t.same(updates.map((u) => [u.status, u.description]), [
    ['open', '已转办：县水务局主办，县交通运输局协办'],
    ['open', '承办部门已签收，正在办理'],
    ['open', '已办结：已更换水管，户主张**（电话138****1000）确认，李*到场'],
    ['open', '已入户反馈办理结果，待回访'],
    ['closed', '回访满意，已销号'],
  ], 'public changes only, in order; the resolution summary masked; no supervision order, no internal note');
  t.ok(updates.every((u) => u.service_request_id === number && u.media_url === ''));
  t.equal(new Set(updates.map((u) => u.update_id)).size, 5, 'each update has an id of its own');
  t.notMatch(xml.body, /内部|张大山|13800001000/, 'nothing internal or personal');

  const extended = await feed(h, 'extended_statuses=true');
  t.same(extended.map((u) => u.status), ['ACTION_SCHEDULED', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'FIXED'], 'FixMyStreet\'s statuses');
  t.same(extended.map((u) => u.update_id), updates.map((u) => u.update_id), 'the same updates in JSON');
  const fms = await issueToken(h, { integrationId: h.county.staff.hotline, unitId: units.county, name: 'FixMyStreet', scope: 'open311', extendedStatuses: true });
  t.same((await feed(h, `api_key=${fms}`)).map((u) => u.status).at(-1), 'FIXED', 'a token that asks for them always gets them (FixMyStreet sends its api_key here)');

  const request = ((await h.get(`/open311/v2/requests/${number}.json`)).json() as Array<Record<string, unknown>>)[0];
  t.match(request, { status: 'closed', status_notes: '回访满意，已销号', agency_responsible: '县水务局' }, 'status_notes: the last public change');

  // FixMyStreet asks for a window in UTC; the ends are inclusive.
  const resolveAt = new Date(Date.parse(extended[2]?.updated_datetime ?? '')).toISOString().replace('.000Z', 'Z');
  t.same((await feed(h, `start_date=${resolveAt}&end_date=${resolveAt}`)).map((u) => u.description), ['已办结：已更换水管，户主张**（电话138****1000）确认，李*到场']);
  t.same(await feed(h, 'start_date=2026-11-20T00:00:00Z&end_date=2026-11-21T00:00:00Z'), [], 'before anything happened');
  h.clock.advance(3 * 86_400_000);
  t.same(await feed(h, ''), [], 'without dates: the last day');
  t.equal((await feed(h, 'start_date=2026-11-23T00:00:00Z')).length, 5, 'from a date on');
  for (const q of ['start_date=last-week', 'start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z']) {
    const res = await h.get(`/open311/v2/servicerequestupdates.xml?${q}`);
    t.equal(res.statusCode, 400, q);
    t.equal(((parseXml(t, res.body).errors as XmlNode).error as XmlNode[])[0]?.code, '400');
  }
});

t.test('other ends: rejected, merged, withdrawn, reopened; a county-level request dispatched by the county desk', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const { units } = h.county;
  const rejected = await file(h, { service_code: 'land', address_id: 'HH-002' });
  const merged = await file(h, { service_code: 'water', address_id: 'HH-003' });
  const target = await file(h, { service_code: 'water', address_id: 'HH-004' });
  const withdrawn = await file(h, { service_code: 'other', address_id: 'HH-001' });
  const reopened = await file(h, { service_code: 'medical', address_id: 'HH-001' });
  const nowhere = await file(h, { service_code: 'infrastructure', address_string: '某个山头' });
  h.clock.advance(HOUR);
  const id = async (n: string) => (await ticketOf(h, n)).id;
  await send(h, await id(rejected), 'dispatcher', { type: 'REJECT', reason: '属司法程序，请向法院起诉' });
  await send(h, await id(merged), 'dispatcher', { type: 'MERGE', into: await id(target) });
  await send(h, await id(withdrawn), 'dispatcher', { type: 'WITHDRAW', reason: '内部：群众说算了' });
  await send(h, await id(reopened), 'dispatcher', { type: 'TRIAGE', mode: 'onSite' });
  await send(h, await id(reopened), 'cadre', { type: 'RESOLVE', summary: '已协调村医上门' });
  await send(h, await id(reopened), 'cadre', { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true });
  await send(h, await id(reopened), 'town-supervisor', { type: 'CALLBACK', rating: 'dissatisfied', note: '内部' });
  const county = await ticketOf(h, nowhere);
  t.equal(county.unit_id, units.county, 'no place found: the county\'s triage');
  await send(h, county.id, 'county-supervisor', { type: 'DISPATCH', leadUnitId: units['dept-transport'] });

  const byNumber = new Map<string, Array<[string, string]>>();
  for (const u of await feed(h, 'extended_statuses=true')) byNumber.set(u.service_request_id, [...(byNumber.get(u.service_request_id) ?? []), [u.status, u.description]]);
  t.same(byNumber.get(rejected), [['NOT_COUNCILS_RESPONSIBILITY', '不予受理：属司法程序，请向法院起诉']], 'the reject reason is public');
  t.same(byNumber.get(merged), [['DUPLICATE', `与 ${target} 合并办理`]], 'merged: named by the other request\'s number');
  t.same(byNumber.get(withdrawn), [['CLOSED', '已撤销']], 'the withdrawal reason stays inside');
  t.same(byNumber.get(reopened)?.map((u) => u[0]), ['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS']);
  t.equal(byNumber.get(reopened)?.at(-1)?.[1], '回访不满意，重新办理', 'a dissatisfied callback reopens it');
  t.same(byNumber.get(nowhere), [['ACTION_SCHEDULED', '已转办：县交通运输局主办']], 'the county supervision office dispatched the county\'s own');
  t.notOk(byNumber.has(target), 'nothing happened to the target itself');
  const standard = (await feed(h, '')).filter((u) => [rejected, merged, withdrawn].includes(u.service_request_id));
  t.same(standard.map((u) => u.status), ['closed', 'closed', 'closed']);
});

t.test('a resident\'s comment lands in the timeline once per update_id, tells the handler, and never leaves as public', async (t) => {
  const h = await buildOpen311App(t.teardown);
  const number = await file(h, { service_code: 'water', address_id: 'HH-001', description: '水管破了' });
  const ticket = await ticketOf(h, number);
  const comment = (fields: Record<string, string>, format = 'json', key = h.key) =>
    h.post(`/open311/v2/servicerequestupdates.${format}`, { api_key: key, service_request_id: number, status: 'OPEN', ...fields });
  h.clock.advance(HOUR);
  const xml = await comment({ description: '水越漏越大了，请快点，电话13900002222', update_id: 'fms-1', first_name: '李', last_name: '-', email: 'li@example.cn' }, 'xml');
  t.equal(xml.statusCode, 200, xml.body);
  const [posted] = ((parseXml(t, xml.body).service_request_updates as XmlNode).request_update as XmlNode[]);
  t.same(elementNames(posted), SPEC.posted);
  const again = await comment({ description: '水越漏越大了，请快点，电话13900002222', update_id: 'fms-1' });
  t.same(again.json(), [{ update_id: posted?.update_id }], 'a retry with the same update_id: the first comment\'s id');

  const detail = (await h.app.inject({ method: 'GET', url: `/v1/tickets/${ticket.id}`, headers: await h.auth('dispatcher') })).json();
  const comments = (detail.timeline as Array<{ type: string; label: { zh: string }; payload: { text: string }; actor: { name: string }; toState: string }>).filter((e) => e.type === 'COMMENT');
  t.equal(comments.length, 1, 'one comment in the timeline');
  t.match(comments[0], { label: { zh: '群众留言' }, payload: { text: '水越漏越大了，请快点，电话139****2222' }, actor: { name: '12345 热线' }, toState: 'registered' }, 'staff read it masked as any note');
  t.equal(detail.state, 'registered', 'a comment changes no state');
  const outbox = await h.db.selectFrom('outbox').select('payload').where('ticket_id', '=', ticket.id).where('topic', '=', 'notification').execute();
  t.ok(outbox.some((o) => (o.payload as { topic?: string }).topic === 'residentComment'), 'the handler is told');
  t.same(await feed(h, ''), [], 'a resident\'s words are not a public update');

  // The same update_id twice at once, and a comment racing a transition: one comment, both written, versions in a row.
  const [a, b] = await Promise.all([comment({ description: '第二条', update_id: 'fms-2' }), comment({ description: '第二条', update_id: 'fms-2' })]);
  t.same([a.statusCode, b.statusCode], [200, 200]);
  t.same(a.json(), b.json(), 'both answered with one update_id');
  const [c, triage] = await Promise.all([
    comment({ description: '第三条' }),
    h.app.inject({ method: 'POST', url: `/v1/tickets/${ticket.id}/events`, headers: await h.auth('dispatcher'), payload: { type: 'TRIAGE', mode: 'proxy' } }),
  ]);
  t.same([c.statusCode, triage.statusCode], [200, 200], `${c.body} ${triage.body}`);
  const events = await h.db.selectFrom('ticket_events').select(['version', 'type']).where('ticket_id', '=', ticket.id).orderBy('version').execute();
  t.same(events.map((e) => e.version), [1, 2, 3, 4, 5], 'versions in a row');
  t.equal(events.filter((e) => e.type === 'COMMENT').length, 3, 'three comments: fms-1, fms-2 once, and the third');
  const who = await h.db.selectFrom('open311_comments').selectAll().where('client_update_id', '=', 'fms-1').executeTakeFirstOrThrow();
  t.match(who, { first_name: '李', last_name: null, email: 'li@example.cn', reported_status: 'OPEN' }, 'who wrote it is kept beside it');

  const cases: Array<[string, Record<string, string>, number, string?]> = [
    ['no description', { description: '' }, 400],
    ['no service_request_id', { service_request_id: '', description: 'x' }, 400],
    ['an unknown request', { service_request_id: '2026-999999', description: 'x' }, 404],
    ['no api_key', { api_key: '', description: 'x' }, 403],
    ['a /v1 token', { description: 'x' }, 403, h.v1Key],
  ];
  for (const [name, fields, status, key] of cases) t.equal((await comment(fields, 'json', key ?? h.key)).statusCode, status, name);
  const town2 = await issueToken(h, { integrationId: h.county.staff.hotline, unitId: h.county.units['town-2'], name: '白水镇 App', scope: 'open311' });
  t.equal((await comment({ description: 'x' }, 'json', town2)).statusCode, 404, 'a request outside the token\'s unit does not exist for it');
  await h.app.inject({ method: 'POST', url: `/v1/tickets/${ticket.id}/events`, headers: await h.auth('dispatcher'), payload: { type: 'WITHDRAW' } });
  const closed = await comment({ description: '还在吗' });
  t.equal(closed.statusCode, 400, 'a closed request takes no more comments');
  t.match(closed.json(), [{ code: 400, description: /is closed/ }]);
});
