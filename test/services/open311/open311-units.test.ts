// Open311's pure parts: W3C datetimes in and out, deadlines as people read them, XML and JSON from one shape, the status map.
import t from 'tap';
import { beijingDeadline, parseW3c, toW3c } from '../../../src/services/open311/w3c-time.js';
import { List, toJson, toXml } from '../../../src/api/open311/format.js';
import { open311Status, STATUS_MAP, statesFor } from '../../../src/services/open311/status.map.js';
import { STATE_LABELS } from '../../../src/engine/ticket.labels.js';
import { unitFromAddress } from '../../../src/services/open311/route-request.service.js';
import { displayName } from '../../../src/services/open311/request-form.js';
import type { Unit } from '../../../src/store/database.js';

t.test('W3C datetimes: written in Beijing time, read in any offset, refused without one', async (t) => {
  t.equal(toW3c(new Date('2026-11-23T02:00:00.123Z')), '2026-11-23T10:00:00+08:00');
  const at = (s: string) => parseW3c(s)?.toISOString();
  t.equal(at('2026-11-23T02:00:00Z'), '2026-11-23T02:00:00.000Z');
  t.equal(at('2026-11-23T10:00:00+08:00'), '2026-11-23T02:00:00.000Z');
  t.equal(at('2026-11-23T10:00:00 08:00'), '2026-11-23T02:00:00.000Z', 'a + that arrived as a space');
  t.equal(at('2026-11-22T21:00:00-05:00'), '2026-11-23T02:00:00.000Z');
  t.equal(at('2026-11-23T10:00+08:00'), '2026-11-23T02:00:00.000Z', 'minutes only');
  t.equal(at('2026-11-23T10:00:00.5Z'), '2026-11-23T10:00:00.500Z');
  t.equal(at('2026-11-23'), '2026-11-22T16:00:00.000Z', 'a day alone starts at midnight in Beijing');
  for (const bad of ['2026-11-23T10:00:00', '2026-02-30', '2026-13-01T00:00:00Z', 'yesterday', '', '2026-11-23T25:00:00Z']) t.equal(parseW3c(bad), undefined, bad);
  t.equal(beijingDeadline(new Date('2026-11-24T16:00:00Z')), '2026年11月24日 24:00', 'a deadline at midnight is the end of the day before');
  t.equal(beijingDeadline(new Date('2026-11-24T03:30:00Z')), '2026年11月24日 11:30');
});

t.test('one shape, two formats: nulls, lists, escaping and characters XML cannot carry', async (t) => {
  const value = { a: 'x<y & "z"', b: null, c: 3, d: true, e: undefined, list: new List('item', [{ k: '一' }, { k: 'bad\u0001\uFFFEchar' }]) };
  t.equal(
    toXml('root', value),
    '<?xml version="1.0" encoding="utf-8"?>\n<root><a>x&lt;y &amp; &quot;z&quot;</a><b></b><c>3</c><d>true</d><list><item><k>一</k></item><item><k>badchar</k></item></list></root>\n',
  );
  t.same(toJson(value), { a: 'x<y & "z"', b: null, c: 3, d: true, list: [{ k: '一' }, { k: 'bad\u0001\uFFFEchar' }] });
  t.same(toJson(new List('error', [{ code: 400, description: 'x' }])), [{ code: 400, description: 'x' }], 'a root list is a JSON array');
  t.equal(toXml('r', '😀'), '<?xml version="1.0" encoding="utf-8"?>\n<r>😀</r>\n', 'a surrogate pair is one character, kept');
});

t.test('every lifecycle state has a status; filters accept both vocabularies', async (t) => {
  t.same(Object.keys(STATUS_MAP).sort(), Object.keys(STATE_LABELS).sort(), 'no state without a mapping');
  t.equal(open311Status('joint.dispatched', false), 'open');
  t.equal(open311Status('joint.dispatched', true), 'ACTION_SCHEDULED');
  t.equal(open311Status('rejected', true), 'NOT_COUNCILS_RESPONSIBILITY');
  t.equal(open311Status('merged', true), 'DUPLICATE');
  t.equal(open311Status('closed', true), 'FIXED');
  t.same(statesFor(['closed']).sort(), ['closed', 'merged', 'rejected', 'withdrawn']);
  t.same(statesFor(['Fixed', 'duplicate']).sort(), ['closed', 'merged']);
  t.same(statesFor(['nothing']), []);
});

t.test('addresses name units by the names on their path; ties name none', async (t) => {
  const u = (id: string, path: string, name: string, kind: Unit['kind']): Unit => ({ id, county_id: 'c', parent_id: null, kind, code: id, name, path, created_at: new Date() });
  const units = [
    u('t1', 'c.t1', '青山镇', 'town'), u('v1', 'c.t1.v1', '青山东村', 'village'), u('v2', 'c.t1.v2', '青山西村', 'village'),
    u('g1', 'c.t1.v1.g1', '第1村民小组', 'group'), u('g2', 'c.t1.v2.g2', '第1村民小组', 'group'),
  ];
  const at = (address: string) => unitFromAddress(address, units, 'c')?.id;
  t.equal(at('青山镇 青山东村 第1村民小组 3号'), 'g1');
  t.equal(at('青山西村第1村民小组'), 'g2');
  t.equal(at('第1村民小组'), undefined, 'two groups of that name');
  t.equal(at('青山镇'), 't1');
  t.equal(at('青山东村，靠近小卖部'), 'v1');
  t.equal(at('白水镇'), undefined);
  t.equal(at(''), undefined);
});

t.test('requesters\' names: Chinese family name first without a space, others as given', async (t) => {
  t.equal(displayName('王小明', undefined), '王小明');
  t.equal(displayName('王小明', '-'), '王小明', 'a client that split at a space sends - as the last name');
  t.equal(displayName('四', '李'), '李四');
  t.equal(displayName('John', 'Smith'), 'John Smith');
  t.equal(displayName('', ''), undefined);
});
