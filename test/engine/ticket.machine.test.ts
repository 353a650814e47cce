// The lifecycle machine as a pure function [snapshot, actions]: every state reached, every state × event checked against DESIGN.md §3.
import t from 'tap';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { ticketMachine, type TicketInput } from '../../src/engine/ticket.machine.js';
import {
  allowedEvents, decide, isFinal, restoreTicket, startTicket, stateName, storeSnapshot,
  type Effect, type TicketSnapshot,
} from '../../src/engine/ticket.lifecycle.js';
import {
  EVENT_TYPES, LEVELS, MODES, RATINGS, SAMPLE_EVENTS,
  type Level, type TicketEvent, type TicketEventType,
} from '../../src/engine/ticket.events.js';

type EventOf<K extends TicketEventType> = Extract<TicketEvent, { type: K }>;

// ---------------------------------------------------------------------------------------------
// The specification, written by hand from DESIGN.md §3. SAME = the event keeps the handling state.

const SAME = 'SAME';
type Spec = Partial<Record<TicketEventType, string>>;

const OPEN: Spec = {
  WITHDRAW: 'withdrawn', MERGE: 'merged', SUPERVISE: SAME, DEADLINE_WARNING: SAME, DEADLINE_PASSED: SAME, PAUSE: SAME, CALENDAR_LOADED: SAME,
};
const HANDLING: Spec = {
  RESOLVE: 'awaitingFeedback', REPORT_UP: 'joint.dispatched', REJECT: 'rejected', REQUEST_EXTENSION: SAME, ...OPEN,
};

const SPEC: Record<string, Spec> = {
  registered: { TRIAGE: 'onSite', DISPATCH: 'joint.dispatched', REJECT: 'rejected', ...OPEN },
  onSite: HANDLING,
  proxy: HANDLING,
  'joint.dispatched': { ACCEPT: 'joint.inProgress', RETURN: 'joint.returned', ...OPEN },
  'joint.inProgress': { RESOLVE: 'awaitingFeedback', REQUEST_EXTENSION: SAME, ...OPEN },
  'joint.returned': { DISPATCH: 'joint.dispatched', REJECT: 'rejected', ...OPEN },
  awaitingFeedback: { FEEDBACK_GIVEN: 'awaitingCallback', ...OPEN },
  awaitingCallback: { CALLBACK: 'closed', ...OPEN },
  closed: {},
  withdrawn: {},
  merged: {},
  rejected: {},
};
const FINAL_STATES = new Set(['closed', 'withdrawn', 'merged', 'rejected']);

/** What a start from each intake input can lead to (joint never goes back to on-site or proxy). */
const REACHABLE: Array<{ name: string; input: TicketInput; initial: string; states: string[] }> = [
  { name: 'no mode', input: {}, initial: 'registered', states: Object.keys(SPEC) },
  {
    name: 'onSite', input: { mode: 'onSite' }, initial: 'onSite',
    states: Object.keys(SPEC).filter((s) => s !== 'registered' && s !== 'proxy'),
  },
  {
    name: 'proxy', input: { mode: 'proxy' }, initial: 'proxy',
    states: Object.keys(SPEC).filter((s) => s !== 'registered' && s !== 'onSite'),
  },
  {
    name: 'joint', input: { mode: 'joint', leadUnitId: 'd1' }, initial: 'joint.dispatched',
    states: Object.keys(SPEC).filter((s) => !['registered', 'onSite', 'proxy'].includes(s)),
  },
];

const specAllowed = (state: string): TicketEventType[] => {
  const spec = SPEC[state];
  if (!spec) throw new Error(`no spec for state ${state}`);
  return EVENT_TYPES.filter((type) => spec[type] !== undefined).sort();
};

// ---------------------------------------------------------------------------------------------
// Helpers

/** The sample event of a type; timer events name the clock and level running now. */
function sample<K extends TicketEventType>(type: K, snapshot: TicketSnapshot): EventOf<K>;
function sample(type: TicketEventType, snapshot: TicketSnapshot): TicketEvent {
  const e = SAMPLE_EVENTS[type];
  if (e.type === 'DEADLINE_WARNING' || e.type === 'DEADLINE_PASSED') {
    return { ...e, clock: snapshot.context.clock, level: snapshot.context.level };
  }
  return e;
}

function ev<K extends TicketEventType>(type: K, extra: Partial<EventOf<K>> = {}): EventOf<K> {
  return { ...SAMPLE_EVENTS[type], ...extra };
}

/** Every event the graph explores: samples, TRIAGE in each mode, CALLBACK with each rating. */
function graphEvents(snapshot: TicketSnapshot): TicketEvent[] {
  return EVENT_TYPES.flatMap((type): TicketEvent[] => {
    if (type === 'TRIAGE') {
      return MODES.map((mode) => ev('TRIAGE', mode === 'joint' ? { mode, leadUnitId: 'd1' } : { mode }));
    }
    if (type === 'CALLBACK') return RATINGS.map((rating) => ev('CALLBACK', { rating }));
    return [sample(type, snapshot)];
  });
}

function reach(input: TicketInput): Map<string, TicketSnapshot> {
  const paths = getShortestPaths(ticketMachine, {
    input,
    events: graphEvents,
    // The clock counter grows on every entry; the flattened state name is what makes a state distinct.
    serializeState: (snapshot) => stateName(snapshot),
  });
  return new Map(paths.map((p) => [stateName(p.state), p.state]));
}

function step(snapshot: TicketSnapshot, event: TicketEvent): { snapshot: TicketSnapshot; effects: Effect[] } {
  const d = decide(snapshot, event);
  if (!d.ok) throw new Error(`${event.type} refused in ${stateName(snapshot)}: ${d.reason}`);
  return d;
}

function run(input: TicketInput, ...events: Array<TicketEvent | ((s: TicketSnapshot) => TicketEvent)>) {
  let current = startTicket(input);
  for (const e of events) current = step(current.snapshot, typeof e === 'function' ? e(current.snapshot) : e);
  return current;
}

const hasEffect = (effects: Effect[], type: Effect['type']): boolean => effects.some((e) => e.type === type);
const notifies = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'notify' ? [`${e.params.audience}:${e.params.topic}`] : []));
const nextLevel = (level: Level): Level => LEVELS[Math.min(LEVELS.indexOf(level) + 1, LEVELS.length - 1)] ?? level;

const reached = new Map(REACHABLE.map((r) => [r.name, reach(r.input)]));

// ---------------------------------------------------------------------------------------------
// Reachability

t.test('graph: every state node is reached from some intake input, no dead state', async (t) => {
  const nodes = getStateNodes(ticketMachine.root)
    // Transient states (only `always` transitions: intake, reopening) are never at rest.
    .filter((n) => n.type !== 'compound' && !n.config.always)
    .map((n) => n.path.join('.'))
    .sort();
  t.same(nodes, Object.keys(SPEC).sort(), 'the spec table names exactly the machine’s stable states');

  const union = new Set([...reached.values()].flatMap((m) => [...m.keys()]));
  for (const node of nodes) t.ok(union.has(node), `${node} is reached`);

  for (const r of REACHABLE) {
    const states = reached.get(r.name);
    t.same([...(states?.keys() ?? [])].sort(), [...r.states].sort(), `from ${r.name}: the states reachable by design`);
    t.equal(stateName(startTicket(r.input).snapshot), r.initial, `from ${r.name}: starts in ${r.initial}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Every reached state × every event type, against the hand-written spec

t.test('decide: every reached state × every event type matches DESIGN.md §3', async (t) => {
  for (const r of REACHABLE) {
    for (const [state, snapshot] of reached.get(r.name) ?? []) {
      const spec = SPEC[state] ?? {};
      const expectedAllowed = specAllowed(state);
      t.same([...allowedEvents(snapshot)].sort(), expectedAllowed, `${r.name}/${state}: allowedEvents`);

      for (const type of EVENT_TYPES) {
        const label = `${r.name}/${state} × ${type}`;
        const event = sample(type, snapshot);
        const d = decide(snapshot, event);
        const expected = spec[type];
        if (expected === undefined) {
          t.match(d, { ok: false, reason: 'event_not_allowed' }, `${label}: refused`);
          if (!d.ok) t.same([...d.allowed].sort(), expectedAllowed, `${label}: offers the spec’s list`);
          t.notOk('effects' in d || 'snapshot' in d, `${label}: a refusal carries no effects`);
          continue;
        }
        if (!d.ok) {
          t.fail(`${label}: expected ${expected}, got ${d.reason}`);
          continue;
        }
        const target = expected === SAME ? state : expected;
        t.equal(stateName(d.snapshot), target, `${label} → ${target}`);

        const before = snapshot.context;
        const after = d.snapshot.context;
        if (type === 'DEADLINE_WARNING') t.equal(after.warned, true, `${label}: sets warned`);
        if (type === 'DEADLINE_PASSED') {
          t.equal(after.level, nextLevel(before.level), `${label}: level climbs from ${before.level}`);
          t.equal(after.overdue, true, `${label}: marks overdue`);
        }
        // Entering a state starts its deadline; a final state clears it; staying put does neither,
        // except that a loaded calendar year works the running deadline out again on a new clock.
        if (target === state) {
          t.notOk(hasEffect(d.effects, 'scheduleDeadline'), `${label}: no new deadline when staying`);
          if (type === 'CALENDAR_LOADED') t.equal(after.clock, before.clock + 1, `${label}: a new clock for the recomputed deadline`);
          else t.equal(after.clock, before.clock, `${label}: clock unchanged when staying`);
        } else if (FINAL_STATES.has(target)) {
          t.ok(hasEffect(d.effects, 'clearDeadline'), `${label}: final state clears the deadline`);
          t.notOk(hasEffect(d.effects, 'scheduleDeadline'), `${label}: final state schedules nothing`);
          t.ok(isFinal(d.snapshot), `${label}: snapshot is done`);
        } else {
          t.ok(hasEffect(d.effects, 'scheduleDeadline'), `${label}: entering ${target} schedules a deadline`);
          t.equal(after.clock, before.clock + 1, `${label}: entering ${target} starts a new clock`);
        }
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Blank or malformed payloads for events the state would take

const BLANK_VARIANTS: Array<{ name: string; event: TicketEvent }> = [
  ...['', '   '].flatMap((blank) => [
    { name: `RETURN reason ${JSON.stringify(blank)}`, event: ev('RETURN', { reason: blank }) },
    { name: `REJECT reason ${JSON.stringify(blank)}`, event: ev('REJECT', { reason: blank }) },
    { name: `RESOLVE summary ${JSON.stringify(blank)}`, event: ev('RESOLVE', { summary: blank }) },
    { name: `REPORT_UP leadUnitId ${JSON.stringify(blank)}`, event: ev('REPORT_UP', { leadUnitId: blank }) },
    { name: `DISPATCH leadUnitId ${JSON.stringify(blank)}`, event: ev('DISPATCH', { leadUnitId: blank }) },
    { name: `TRIAGE joint leadUnitId ${JSON.stringify(blank)}`, event: ev('TRIAGE', { mode: 'joint', leadUnitId: blank }) },
    { name: `SUPERVISE note ${JSON.stringify(blank)}`, event: ev('SUPERVISE', { note: blank }) },
    { name: `MERGE into ${JSON.stringify(blank)}`, event: ev('MERGE', { into: blank }) },
    { name: `REQUEST_EXTENSION reason ${JSON.stringify(blank)}`, event: ev('REQUEST_EXTENSION', { reason: blank }) },
    { name: `PAUSE reason ${JSON.stringify(blank)}`, event: ev('PAUSE', { reason: blank }) },
  ]),
  { name: 'TRIAGE joint without leadUnitId', event: ev('TRIAGE', { mode: 'joint' }) },
  { name: 'REQUEST_EXTENSION until "next week"', event: ev('REQUEST_EXTENSION', { until: 'next week' }) },
  { name: 'REQUEST_EXTENSION until ""', event: ev('REQUEST_EXTENSION', { until: '' }) },
];

t.test('decide: a blank required field on an allowed event is invalid_payload', async (t) => {
  let checked = 0;
  for (const r of REACHABLE) {
    for (const [state, snapshot] of reached.get(r.name) ?? []) {
      const expectedAllowed = specAllowed(state);
      for (const { name, event } of BLANK_VARIANTS) {
        if (!expectedAllowed.includes(event.type)) continue;
        checked += 1;
        const d = decide(snapshot, event);
        t.match(d, { ok: false, reason: 'invalid_payload' }, `${r.name}/${state}: ${name}`);
        if (!d.ok) t.same([...d.allowed].sort(), expectedAllowed, `${r.name}/${state}: ${name} offers the spec’s list`);
      }
    }
  }
  t.ok(checked > 50, `variants checked in every state that takes them (${checked})`);
});

// ---------------------------------------------------------------------------------------------
// Behaviours

const resolveAndFeedBack = [ev('RESOLVE'), ev('FEEDBACK_GIVEN')];
const dissatisfied = ev('CALLBACK', { rating: 'dissatisfied', note: '没修好' });

t.test('callback: dissatisfied reopens in the last handling state (重办); a second one climbs a level', async (t) => {
  const cases: Array<{ name: string; input: TicketInput; before: TicketEvent[]; handling: string }> = [
    { name: 'onSite', input: { mode: 'onSite' }, before: [], handling: 'onSite' },
    { name: 'proxy', input: { mode: 'proxy' }, before: [], handling: 'proxy' },
    { name: 'joint', input: { mode: 'joint', leadUnitId: 'd1' }, before: [ev('ACCEPT')], handling: 'joint.inProgress' },
    { name: 'triaged proxy', input: {}, before: [ev('TRIAGE', { mode: 'proxy' })], handling: 'proxy' },
    { name: 'onSite reported up', input: { mode: 'onSite' }, before: [ev('REPORT_UP', { leadUnitId: 'd2' }), ev('ACCEPT')], handling: 'joint.inProgress' },
  ];
  for (const c of cases) {
    const atCallback = run(c.input, ...c.before, ...resolveAndFeedBack);
    t.equal(stateName(atCallback.snapshot), 'awaitingCallback', `${c.name}: at callback`);

    const first = step(atCallback.snapshot, dissatisfied);
    t.equal(stateName(first.snapshot), c.handling, `${c.name}: reopened in ${c.handling}`);
    t.equal(first.snapshot.context.reopenCount, 1, `${c.name}: reopenCount 1`);
    t.equal(first.snapshot.context.level, 'village', `${c.name}: first reopen keeps the level`);
    t.ok(notifies(first.effects).includes('handler:reopened'), `${c.name}: handler told`);
    t.ok(hasEffect(first.effects, 'scheduleDeadline'), `${c.name}: handling deadline restarts`);

    const again = run(c.input, ...c.before, ...resolveAndFeedBack, dissatisfied, ...resolveAndFeedBack);
    const second = step(again.snapshot, dissatisfied);
    t.equal(stateName(second.snapshot), c.handling, `${c.name}: reopened again in ${c.handling}`);
    t.equal(second.snapshot.context.reopenCount, 2, `${c.name}: reopenCount 2`);
    t.equal(second.snapshot.context.level, 'town', `${c.name}: second dissatisfied callback climbs to town`);
    t.ok(notifies(second.effects).includes('townSupervision:reopenedTwice'), `${c.name}: the town supervision office is told`);
  }

  for (const rating of ['satisfied', 'basically_satisfied'] as const) {
    const closed = step(run({ mode: 'onSite' }, ...resolveAndFeedBack).snapshot, ev('CALLBACK', { rating }));
    t.equal(stateName(closed.snapshot), 'closed', `${rating} closes (销号)`);
  }
});

t.test('warning: DEADLINE_WARNING (黄牌) applies once and notifies the handler', async (t) => {
  const { snapshot } = startTicket({ mode: 'proxy' });
  const warning = sample('DEADLINE_WARNING', snapshot);
  const first = step(snapshot, warning);
  t.equal(first.snapshot.context.warned, true);
  t.same(first.effects, [{ type: 'notify', params: { audience: 'handler', topic: 'warning' } }]);
  t.equal(stateName(first.snapshot), 'proxy');

  const second = decide(first.snapshot, warning);
  t.equal(second.ok, false, 'the same warning a second time is refused');
  t.notOk('effects' in second, 'and produces no effects');
  t.notOk(allowedEvents(first.snapshot).includes('DEADLINE_WARNING'), 'no longer offered');
});

t.test('escalation: DEADLINE_PASSED (红牌) climbs village → town → county, then puts it on the agenda once', async (t) => {
  const passed = (s: TicketSnapshot) => sample('DEADLINE_PASSED', s);

  const start = startTicket({ mode: 'onSite' }).snapshot;
  const town = step(start, passed(start));
  t.equal(stateName(town.snapshot), 'onSite', 'stays in its handling state');
  t.equal(town.snapshot.context.level, 'town');
  t.equal(town.snapshot.context.overdue, true);
  t.same(town.effects, [
    { type: 'scheduleEscalation', params: { level: 'town' } },
    { type: 'notify', params: { audience: 'townSupervision', topic: 'escalated' } },
  ]);

  const county = step(town.snapshot, passed(town.snapshot));
  t.equal(county.snapshot.context.level, 'county');
  t.same(county.effects, [
    { type: 'scheduleEscalation', params: { level: 'county' } },
    { type: 'notify', params: { audience: 'countySupervision', topic: 'escalated' } },
  ], 'an on-site case has no departments to notify');

  const agenda = step(county.snapshot, passed(county.snapshot));
  t.equal(stateName(agenda.snapshot), 'onSite');
  t.equal(agenda.snapshot.context.level, 'county', 'county is the top');
  t.equal(agenda.snapshot.context.onAgenda, true);
  t.equal(agenda.effects.filter((e) => e.type === 'addToAgenda').length, 1, 'addToAgenda once (联席会议)');
  t.ok(hasEffect(agenda.effects, 'clearDeadline'), 'no further deadline');
  t.notOk(hasEffect(agenda.effects, 'scheduleEscalation'));

  const again = decide(agenda.snapshot, passed(agenda.snapshot));
  t.equal(again.ok, false, 'a second DEADLINE_PASSED at county is refused');
  t.notOk('effects' in again, 'and adds nothing to the agenda again');

  // The agenda belongs to one clock: a later state that runs late is escalated again.
  const moved = step(agenda.snapshot, ev('RESOLVE'));
  t.equal(moved.snapshot.context.onAgenda, false, 'a new state starts off the agenda');
  const lateAgain = step(moved.snapshot, passed(moved.snapshot));
  t.equal(lateAgain.effects.filter((e) => e.type === 'addToAgenda').length, 1, 'late feedback goes onto the agenda too');

  // A joint case answers to its departments once it reaches the county.
  const joint = run({ mode: 'joint', leadUnitId: 'd1' }, ev('ACCEPT'), passed);
  t.same(notifies(joint.effects), ['townSupervision:escalated'], 'joint at town: supervision only');
  const jointCounty = step(joint.snapshot, passed(joint.snapshot));
  t.same(jointCounty.effects, [
    { type: 'scheduleEscalation', params: { level: 'county' } },
    { type: 'notify', params: { audience: 'countySupervision', topic: 'escalated' } },
    { type: 'notify', params: { audience: 'departments', topic: 'escalated' } },
  ]);
});

t.test('pause: the clock stops while waiting on the resident; resume starts a new clock', async (t) => {
  const start = startTicket({ mode: 'proxy' }).snapshot;
  const warning = sample('DEADLINE_WARNING', start);
  const passedEvent = sample('DEADLINE_PASSED', start);
  const paused = step(start, ev('PAUSE', { reason: '等待群众补交材料' }));
  t.equal(stateName(paused.snapshot), 'proxy');
  t.same(paused.effects, [{ type: 'pauseClock', params: {} }]);
  t.match(decide(paused.snapshot, warning), { ok: false }, 'no yellow card while paused');
  t.match(decide(paused.snapshot, passedEvent), { ok: false }, 'no red card while paused');
  t.match(decide(paused.snapshot, ev('PAUSE', { reason: 'again' })), { ok: false, reason: 'event_not_allowed' }, 'one pause at a time');
  t.ok(allowedEvents(paused.snapshot).includes('RESUME'));
  const resumed = step(paused.snapshot, ev('RESUME'));
  t.same(resumed.effects, [{ type: 'resumeClock', params: {} }]);
  t.equal(resumed.snapshot.context.clock, start.context.clock + 1, 'a new clock number');
  t.match(decide(resumed.snapshot, passedEvent), { ok: false }, 'timers of the old clock are stale');
  t.ok(decide(resumed.snapshot, sample('DEADLINE_PASSED', resumed.snapshot)).ok, 'the new clock can escalate');
  const moved = step(paused.snapshot, ev('RESOLVE'));
  t.equal(moved.snapshot.context.paused, false, 'entering a new state runs its clock');
});

t.test('a loaded calendar year: the deadline is worked out again on a new clock, the warning state is kept', async (t) => {
  const start = startTicket({ mode: 'proxy' }).snapshot;
  const warned = step(start, sample('DEADLINE_WARNING', start)).snapshot;
  const oldPassed = sample('DEADLINE_PASSED', warned);
  const loaded = step(warned, ev('CALENDAR_LOADED', { year: 2027 }));
  t.equal(stateName(loaded.snapshot), 'proxy');
  t.same(loaded.effects, [{ type: 'recomputeDeadline', params: {} }]);
  t.equal(loaded.snapshot.context.clock, warned.context.clock + 1, 'a new clock number');
  t.equal(loaded.snapshot.context.warned, true, 'a yellow card shown stays shown');
  t.match(decide(loaded.snapshot, oldPassed), { ok: false }, 'the guessed deadline’s timer is stale');
  t.ok(decide(loaded.snapshot, sample('DEADLINE_PASSED', loaded.snapshot)).ok, 'the recomputed one can escalate');
  t.match(decide(start, ev('CALENDAR_LOADED', { year: 2027.5 })), { ok: false, reason: 'invalid_payload' }, 'a year is a whole number');
});

t.test('intake: mode joint without a lead department stays registered for triage', async (t) => {
  t.equal(stateName(startTicket({ mode: 'joint' }).snapshot), 'registered');
  t.equal(stateName(startTicket({ mode: 'joint', leadUnitId: 'd1' }).snapshot), 'joint.dispatched');
});

t.test('stale timers: an old clock or an old level is refused', async (t) => {
  const registered = startTicket({}).snapshot;
  const oldPassed = sample('DEADLINE_PASSED', registered);
  const oldWarning = sample('DEADLINE_WARNING', registered);
  const onSite = step(registered, ev('TRIAGE', { mode: 'onSite' })).snapshot;
  t.not(onSite.context.clock, registered.context.clock, 'entering onSite starts a new clock');
  for (const stale of [oldPassed, oldWarning]) {
    const d = decide(onSite, stale);
    t.equal(d.ok, false, `${stale.type} for the registered clock is refused in onSite`);
    t.notOk('effects' in d);
  }

  const town = step(onSite, sample('DEADLINE_PASSED', onSite)).snapshot;
  const villagePassed = { ...sample('DEADLINE_PASSED', town), level: 'village' as const };
  t.equal(decide(town, villagePassed).ok, false, 'DEADLINE_PASSED naming village after the climb is refused');
  const villageWarning = { ...sample('DEADLINE_WARNING', town), level: 'village' as const };
  t.equal(decide(town, villageWarning).ok, false, 'DEADLINE_WARNING naming village after the climb is refused');
  const future = { ...sample('DEADLINE_PASSED', town), clock: town.context.clock + 1 };
  t.equal(decide(town, future).ok, false, 'a clock that has not started is refused');
});

t.test('extension (延期): request, approve moves the deadline; deny clears the request', async (t) => {
  for (const r of [
    { input: { mode: 'onSite' } as TicketInput, before: [] as TicketEvent[] },
    { input: { mode: 'proxy' } as TicketInput, before: [] as TicketEvent[] },
    { input: { mode: 'joint', leadUnitId: 'd1' } as TicketInput, before: [ev('ACCEPT')] },
  ]) {
    const { snapshot } = run(r.input, ...r.before);
    const name = stateName(snapshot);
    const request = ev('REQUEST_EXTENSION', { until: '2026-03-10T08:00:00+08:00', reason: '等待县里批复' });
    const requested = step(snapshot, request);
    t.same(requested.snapshot.context.pendingExtension, { until: '2026-03-10T00:00:00.000Z', reason: '等待县里批复' }, `${name}: pending`);
    t.same(notifies(requested.effects), ['townSupervision:extensionRequested'], `${name}: town supervision asked`);
    t.ok(allowedEvents(requested.snapshot).includes('APPROVE_EXTENSION'), `${name}: approve offered`);
    t.ok(allowedEvents(requested.snapshot).includes('DENY_EXTENSION'), `${name}: deny offered`);
    t.equal(decide(requested.snapshot, request).ok, false, `${name}: a second request while one is pending is refused`);

    const approved = step(requested.snapshot, ev('APPROVE_EXTENSION'));
    t.equal(stateName(approved.snapshot), name, `${name}: stays`);
    t.ok(hasEffect(approved.effects, 'extendDeadline'), `${name}: extendDeadline`);
    t.notOk(hasEffect(approved.effects, 'scheduleDeadline'), `${name}: not a fresh state deadline`);
    t.equal(approved.snapshot.context.extendedUntil, '2026-03-10T00:00:00.000Z', `${name}: extendedUntil`);
    t.equal(approved.snapshot.context.pendingExtension, null, `${name}: request consumed`);
    t.equal(approved.snapshot.context.clock, requested.snapshot.context.clock + 1, `${name}: clock bumped`);
    const oldTimer = sample('DEADLINE_PASSED', requested.snapshot);
    t.equal(decide(approved.snapshot, oldTimer).ok, false, `${name}: the timer of the old deadline is refused`);
    t.equal(decide(approved.snapshot, ev('APPROVE_EXTENSION')).ok, false, `${name}: nothing left to approve`);

    const denied = step(requested.snapshot, ev('DENY_EXTENSION'));
    t.equal(denied.snapshot.context.pendingExtension, null, `${name}: deny clears the request`);
    t.equal(denied.snapshot.context.extendedUntil, null, `${name}: deny moves nothing`);
    t.notOk(hasEffect(denied.effects, 'extendDeadline'), `${name}: deny emits no extendDeadline`);
    t.equal(denied.snapshot.context.clock, requested.snapshot.context.clock, `${name}: deny keeps the clock`);
    t.ok(allowedEvents(denied.snapshot).includes('REQUEST_EXTENSION'), `${name}: may ask again`);
    t.equal(decide(denied.snapshot, ev('DENY_EXTENSION')).ok, false, `${name}: nothing left to deny`);
  }
});

t.test('deadlines: every start and every entry schedules one; final states clear it', async (t) => {
  for (const r of REACHABLE) {
    const { effects } = startTicket(r.input);
    t.equal(effects.filter((e) => e.type === 'scheduleDeadline').length, 1, `start ${r.name}: one scheduleDeadline`);
  }
  const joint = startTicket({ mode: 'joint', leadUnitId: 'd1' });
  t.ok(notifies(joint.effects).includes('departments:dispatched'), 'a dispatched case reaches the departments');
  t.equal(joint.snapshot.context.mode, 'joint');
  t.equal(joint.snapshot.context.leadUnitId, 'd1');

  const closed = run({ mode: 'onSite' }, ...resolveAndFeedBack, ev('CALLBACK'));
  t.same(closed.effects, [{ type: 'clearDeadline', params: {} }], 'closing clears the deadline and nothing else');
  const rejected = run({}, ev('REJECT', { reason: '不属于受理范围' }));
  t.equal(rejected.snapshot.context.closeReason, '不属于受理范围', 'the reason is kept');
  const merged = run({}, ev('MERGE', { into: 'T-2' }));
  t.equal(merged.snapshot.context.mergedInto, 'T-2');
});

t.test('persistence: storeSnapshot → JSON → restoreTicket keeps state, context and allowed events', async (t) => {
  for (const r of REACHABLE) {
    for (const [state, snapshot] of reached.get(r.name) ?? []) {
      const stored = JSON.parse(JSON.stringify(storeSnapshot(snapshot))) as ReturnType<typeof storeSnapshot>;
      const restored = restoreTicket(stored);
      t.equal(stateName(restored), state, `${r.name}/${state}: state name`);
      t.same(allowedEvents(restored), allowedEvents(snapshot), `${r.name}/${state}: allowed events`);
      t.same(restored.context, snapshot.context, `${r.name}/${state}: context`);
      t.equal(isFinal(restored), FINAL_STATES.has(state), `${r.name}/${state}: final or not`);
    }
  }
  // Mid-flight context (pending extension, escalated level) survives too.
  const busy = run({ mode: 'proxy' }, (s) => sample('DEADLINE_PASSED', s), ev('REQUEST_EXTENSION')).snapshot;
  const restored = restoreTicket(JSON.parse(JSON.stringify(storeSnapshot(busy))) as ReturnType<typeof storeSnapshot>);
  t.same(restored.context, busy.context);
  const approved = step(restored, ev('APPROVE_EXTENSION'));
  t.ok(hasEffect(approved.effects, 'extendDeadline'), 'a restored snapshot goes on deciding');
});
