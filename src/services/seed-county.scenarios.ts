// Ticket histories for the synthetic county: each target state is walked once through the real engine, so every seeded snapshot is one the machine wrote.
import { decide, isFinal, startTicket, stateName, storeSnapshot, type TicketSnapshot } from '../engine/ticket.lifecycle.js';
import type { EventActor, TicketEvent } from '../engine/ticket.events.js';
import type { TicketInput } from '../engine/ticket.machine.js';
import type { EventInput } from './transition-ticket.service.js';

/** Who sends a step: resolved per ticket in SQL (its cadre, its town's office, its lead department, the timer worker). */
export type StepRole = 'cadre' | 'dispatcher' | 'supervisor' | 'department' | 'system';

interface ScenarioStep {
  event: EventInput;
  role: StepRole;
  /** Hours after the previous step. */
  after: number;
}

interface Scenario {
  name: string;
  /** Relative frequency among all tickets of the year. */
  weight: number;
  input: TicketInput;
  /** Hours after registration the first step comes. */
  steps: Array<ScenarioStep | ((s: TicketSnapshot) => ScenarioStep)>;
  /** Open tickets: hours the final deadline runs from the step that set it (approximating DESIGN.md's limits). */
  dueHours?: number;
  /** The deadline was set by the last step (an escalation), not by entering the state. */
  dueFromLast?: boolean;
}

/** One seeded history: the steps as ticket_events rows and the final snapshot as the tickets row. */
export interface Variant {
  idx: number;
  name: string;
  /** Cumulative weight range [lo, hi) in 0..1, for picking a variant by a hash. */
  lo: number;
  hi: number;
  state: string;
  snapshot: string;
  mode: string | null;
  level: string;
  warned: boolean;
  overdue: boolean;
  clock: number;
  lead_unit_id: string | null;
  reopen_count: number;
  final: boolean;
  n_events: number;
  /** Hours from registration to the last event. */
  total_hours: number;
  /** Hours from registration to when the current state (clock) was entered. */
  entered_hours: number;
  /** Open tickets: hours from registration to the deadline and the warning (null: none). */
  due_hours: number | null;
  warn_hours: number | null;
  /** Open tickets: how long ago (hours) one may have been registered so that its deadline has not passed yet. */
  age_min: number | null;
  age_max: number | null;
  register_payload: Record<string, unknown>;
  steps: Array<{ version: number; type: string; role: StepRole; payload: Record<string, unknown>; from_state: string | null; to_state: string; level: string; at_hours: number }>;
}

const staff: EventActor = { kind: 'staff', staffId: 'seed' };
const timer = (type: 'DEADLINE_WARNING' | 'DEADLINE_PASSED', after: number) => (s: TicketSnapshot): ScenarioStep => ({
  event: { type, clock: s.context.clock, level: s.context.level }, role: 'system', after,
});

const resolve = (after: number, summary = '已办结，群众认可', role: StepRole = 'cadre'): ScenarioStep => ({ event: { type: 'RESOLVE', summary }, role, after });
const feedback: ScenarioStep = { event: { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true }, role: 'cadre', after: 12 };
const callback = (rating: 'satisfied' | 'basically_satisfied' | 'dissatisfied', after = 40): ScenarioStep => ({
  event: { type: 'CALLBACK', rating, note: rating === 'dissatisfied' ? '群众反映问题未彻底解决' : '回访满意' }, role: 'supervisor', after,
});
const accept: ScenarioStep = { event: { type: 'ACCEPT', note: '已签收' }, role: 'department', after: 10 };

function scenarios(lead: string): Scenario[] {
  const dispatch: ScenarioStep = { event: { type: 'DISPATCH', leadUnitId: lead, note: '转县直部门办理' }, role: 'dispatcher', after: 6 };
  return [
    { name: 'closed onSite', weight: 40, input: { mode: 'onSite' }, steps: [resolve(3), feedback, callback('satisfied')] },
    { name: 'closed proxy', weight: 25, input: { mode: 'proxy' }, steps: [resolve(20, '已代办完成'), feedback, callback('basically_satisfied')] },
    { name: 'closed joint', weight: 14, input: {}, steps: [dispatch, accept, resolve(100, '部门已处理完毕', 'department'), feedback, callback('satisfied')] },
    {
      name: 'closed after reopen', weight: 2, input: { mode: 'proxy' },
      steps: [resolve(20), feedback, callback('dissatisfied'), resolve(30, '重办完成'), feedback, callback('satisfied')],
    },
    { name: 'withdrawn', weight: 1.5, input: { mode: 'onSite' }, steps: [{ event: { type: 'WITHDRAW', reason: '群众已自行解决' }, role: 'cadre', after: 5 }] },
    { name: 'rejected', weight: 1, input: {}, steps: [{ event: { type: 'REJECT', reason: '属司法诉讼事项，不予受理' }, role: 'dispatcher', after: 8 }] },
    { name: 'open registered', weight: 0.5, input: {}, steps: [], dueHours: 24 },
    { name: 'open onSite', weight: 0.5, input: { mode: 'onSite' }, steps: [], dueHours: 10 },
    { name: 'open proxy', weight: 0.8, input: { mode: 'proxy' }, steps: [], dueHours: 24 },
    { name: 'open dispatched', weight: 0.5, input: { mode: 'joint', leadUnitId: lead }, steps: [], dueHours: 24 },
    { name: 'open in progress', weight: 1.5, input: {}, steps: [dispatch, accept], dueHours: 168 },
    { name: 'open awaiting feedback', weight: 0.5, input: { mode: 'onSite' }, steps: [resolve(3)], dueHours: 24 },
    { name: 'open awaiting callback', weight: 1, input: { mode: 'proxy' }, steps: [resolve(20), feedback], dueHours: 72 },
    { name: 'warned proxy', weight: 0.3, input: { mode: 'proxy' }, steps: [timer('DEADLINE_WARNING', 19.2)], dueHours: 24 },
    {
      name: 'overdue at town', weight: 0.6, input: {}, dueHours: 48, dueFromLast: true,
      steps: [dispatch, accept, timer('DEADLINE_WARNING', 134.4), timer('DEADLINE_PASSED', 33.6)],
    },
    {
      name: 'overdue at county', weight: 0.25, input: {}, dueHours: 72, dueFromLast: true,
      steps: [dispatch, accept, timer('DEADLINE_WARNING', 134.4), timer('DEADLINE_PASSED', 33.6), timer('DEADLINE_PASSED', 48)],
    },
  ];
}

function walk(scenario: Scenario): Omit<Variant, 'idx' | 'lo' | 'hi'> {
  let snapshot = startTicket(scenario.input).snapshot;
  const registerPayload: Record<string, unknown> = { ...scenario.input };
  const steps: Variant['steps'] = [
    { version: 1, type: 'REGISTER', role: 'cadre', payload: {}, from_state: null, to_state: stateName(snapshot), level: snapshot.context.level, at_hours: 0 },
  ];
  let at = 0;
  let entered = 0;
  for (const make of scenario.steps) {
    const step = typeof make === 'function' ? make(snapshot) : make;
    const decision = decide(snapshot, { ...step.event, actor: staff } as TicketEvent);
    if (!decision.ok) throw new Error(`seed scenario "${scenario.name}": ${step.event.type} refused (${decision.reason}) in ${stateName(snapshot)}`);
    at += step.after;
    const from = stateName(snapshot);
    if (decision.snapshot.context.clock !== snapshot.context.clock) entered = at;
    snapshot = decision.snapshot;
    const { type, ...payload } = step.event;
    steps.push({ version: steps.length + 1, type, role: step.role, payload, from_state: from, to_state: stateName(snapshot), level: snapshot.context.level, at_hours: at });
  }
  const c = snapshot.context;
  const final = isFinal(snapshot);
  const dueFrom = scenario.dueFromLast ? at : entered;
  const due = final || scenario.dueHours === undefined ? null : dueFrom + scenario.dueHours;
  // An escalation deadline has no yellow card of its own; a shown one is not shown again (effect-plan.service).
  const warn = due === null || scenario.dueFromLast || c.warned ? null : dueFrom + 0.8 * (scenario.dueHours ?? 0);
  return {
    name: scenario.name,
    state: stateName(snapshot),
    snapshot: JSON.stringify(storeSnapshot(snapshot)),
    mode: c.mode,
    level: c.level,
    warned: c.warned,
    overdue: c.overdue,
    clock: c.clock,
    lead_unit_id: c.leadUnitId,
    reopen_count: c.reopenCount,
    final,
    n_events: steps.length,
    total_hours: at,
    entered_hours: entered,
    due_hours: due,
    warn_hours: warn,
    age_min: due === null ? null : at + 0.5,
    age_max: due === null ? null : Math.max(at + 1.5, due - 0.1 * (due - dueFrom)),
    register_payload: registerPayload,
    steps,
  };
}

/** Every scenario once per lead department (the snapshot names it), weights spread over the departments. */
export function buildVariants(departmentIds: readonly string[]): Variant[] {
  if (departmentIds.length === 0) throw new Error('the county needs a department for joint cases');
  const walked = departmentIds.flatMap((lead) => scenarios(lead).map((s) => ({ weight: s.weight / departmentIds.length, ...walk(s) })));
  const total = walked.reduce((sum, v) => sum + v.weight, 0);
  let lo = 0;
  return walked.map(({ weight, ...v }, idx) => {
    const hi = idx === walked.length - 1 ? 1 : lo + weight / total;
    const variant = { idx, lo, hi, ...v };
    lo = hi;
    return variant;
  });
}
