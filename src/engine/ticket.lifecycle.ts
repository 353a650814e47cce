// Pure lifecycle API over the machine: start, restore, decide an event, list what is allowed now.
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { ticketMachine, type EffectName, type EffectParams, type TicketContext, type TicketInput } from './ticket.machine.js';
import { EVENT_TYPES, SAMPLE_EVENTS, type TicketEvent, type TicketEventType } from './ticket.events.js';

export type TicketSnapshot = SnapshotFrom<typeof ticketMachine>;
export type Effect = { [K in EffectName]: { type: K; params: EffectParams[K] } }[EffectName];

/** What is stored in tickets.snapshot: enough to resolve the machine state again. */
export interface StoredSnapshot {
  value: TicketSnapshot['value'];
  context: TicketContext;
}

const EFFECT_NAMES: ReadonlySet<string> = new Set<EffectName>([
  'scheduleDeadline', 'scheduleEscalation', 'clearDeadline', 'extendDeadline', 'notify', 'addToAgenda', 'pauseClock', 'resumeClock',
  'recomputeDeadline',
]);

function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): Effect[] {
  return actions
    .filter((a) => EFFECT_NAMES.has(a.type))
    .map((a) => ({ type: a.type, params: a.params ?? {} }) as Effect);
}

export function startTicket(input: TicketInput): { snapshot: TicketSnapshot; effects: Effect[] } {
  const [snapshot, actions] = initialTransition(ticketMachine, input);
  return { snapshot, effects: effectsOf(actions) };
}

export function restoreTicket(stored: StoredSnapshot): TicketSnapshot {
  return ticketMachine.resolveState({ value: stored.value, context: stored.context });
}

export function storeSnapshot(snapshot: TicketSnapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

/** Flattened state id such as `joint.dispatched`, as kept in tickets.state. */
export function stateName(snapshot: TicketSnapshot): string {
  const flatten = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}.${flatten(v)}`)
          .join('');
  return flatten(snapshot.value);
}

export const isFinal = (snapshot: TicketSnapshot): boolean => snapshot.status === 'done';

function sampleFor(type: TicketEventType, context: TicketContext): TicketEvent {
  const sample = SAMPLE_EVENTS[type];
  // Timer events are only meaningful for the clock that is running now.
  if (sample.type === 'DEADLINE_WARNING' || sample.type === 'DEADLINE_PASSED') {
    return { ...sample, clock: context.clock, level: context.level };
  }
  return sample;
}

/** Event types that some well-formed payload would make happen in this snapshot. */
export function allowedEvents(snapshot: TicketSnapshot): TicketEventType[] {
  if (isFinal(snapshot)) return [];
  return EVENT_TYPES.filter((type) => snapshot.can(sampleFor(type, snapshot.context)));
}

export type Decision =
  | { ok: true; snapshot: TicketSnapshot; effects: Effect[] }
  | { ok: false; reason: 'event_not_allowed' | 'invalid_payload'; allowed: TicketEventType[] };

/**
 * Decide an event. Refusals say whether the event type is wrong for this state or the payload is
 * wrong for an event the state would take, so the API can answer 409 or 400.
 */
export function decide(snapshot: TicketSnapshot, event: TicketEvent): Decision {
  // An event the machine takes is allowed by definition; the list of allowed events (one probe per event
  // type) is worked out only for a refusal, which must say which of the two it is.
  if (!isFinal(snapshot) && snapshot.can(event)) {
    const [next, actions] = transition(ticketMachine, snapshot, event);
    return { ok: true, snapshot: next, effects: effectsOf(actions) };
  }
  const allowed = allowedEvents(snapshot);
  return { ok: false, reason: allowed.includes(event.type) ? 'invalid_payload' : 'event_not_allowed', allowed };
}
