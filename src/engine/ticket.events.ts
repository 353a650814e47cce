// The ticket lifecycle's vocabulary: modes, levels, ratings and every event the machine accepts.

export const MODES = ['onSite', 'proxy', 'joint'] as const;
export type Mode = (typeof MODES)[number];

// Supervision climbs village → town → county (DESIGN.md §3).
export const LEVELS = ['village', 'town', 'county'] as const;
export type Level = (typeof LEVELS)[number];

export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

/** Who sent the event: a staff member, or the deadline worker for timer events. */
export type EventActor = { kind: 'staff'; staffId: string } | { kind: 'system'; name: string };

type WithActor<T> = T & { actor: EventActor };

export type TicketEvent = WithActor<
  | { type: 'TRIAGE'; mode: Mode; leadUnitId?: string; coUnitIds?: string[] }
  | { type: 'RESOLVE'; summary: string }
  | { type: 'REPORT_UP'; leadUnitId: string; coUnitIds?: string[]; note?: string }
  | { type: 'ACCEPT'; note?: string }
  | { type: 'RETURN'; reason: string }
  | { type: 'DISPATCH'; leadUnitId: string; coUnitIds?: string[]; note?: string }
  | { type: 'REQUEST_EXTENSION'; until: string; reason: string }
  | { type: 'APPROVE_EXTENSION'; note?: string }
  | { type: 'DENY_EXTENSION'; note?: string }
  | { type: 'FEEDBACK_GIVEN'; confirmedByHousehold: boolean; note?: string }
  | { type: 'CALLBACK'; rating: Rating; note?: string }
  | { type: 'WITHDRAW'; reason?: string }
  | { type: 'MERGE'; into: string }
  | { type: 'REJECT'; reason: string }
  | { type: 'SUPERVISE'; note: string }
  // Waiting on the resident stops the clock; the time already used is kept.
  | { type: 'PAUSE'; reason: string }
  | { type: 'RESUME'; note?: string }
  // Timer events name the clock they belong to, so a stale job cannot act on a later clock.
  | { type: 'DEADLINE_WARNING'; clock: number; level: Level }
  | { type: 'DEADLINE_PASSED'; clock: number; level: Level }
  // A county loaded the official calendar of a year that a running deadline had to guess on plain weekdays.
  | { type: 'CALENDAR_LOADED'; year: number }
>;

export type TicketEventType = TicketEvent['type'];

/** Sent only by the system (the deadline workers, a calendar load); the API and offline sync refuse them. */
export const TIMER_EVENTS = ['DEADLINE_WARNING', 'DEADLINE_PASSED', 'CALENDAR_LOADED'] as const satisfies readonly TicketEventType[];

const sampleActor: EventActor = { kind: 'system', name: 'probe' };

/**
 * One well-formed instance of every event. The machine's guards check payloads and context, so
 * asking `snapshot.can(sample)` tells whether an event type is allowed now, whatever its payload.
 */
export const SAMPLE_EVENTS: { [K in TicketEventType]: Extract<TicketEvent, { type: K }> } = {
  TRIAGE: { type: 'TRIAGE', mode: 'onSite', actor: sampleActor },
  RESOLVE: { type: 'RESOLVE', summary: 'x', actor: sampleActor },
  REPORT_UP: { type: 'REPORT_UP', leadUnitId: 'x', actor: sampleActor },
  ACCEPT: { type: 'ACCEPT', actor: sampleActor },
  RETURN: { type: 'RETURN', reason: 'x', actor: sampleActor },
  DISPATCH: { type: 'DISPATCH', leadUnitId: 'x', actor: sampleActor },
  REQUEST_EXTENSION: { type: 'REQUEST_EXTENSION', until: '2100-01-01T00:00:00Z', reason: 'x', actor: sampleActor },
  APPROVE_EXTENSION: { type: 'APPROVE_EXTENSION', actor: sampleActor },
  DENY_EXTENSION: { type: 'DENY_EXTENSION', actor: sampleActor },
  FEEDBACK_GIVEN: { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true, actor: sampleActor },
  CALLBACK: { type: 'CALLBACK', rating: 'satisfied', actor: sampleActor },
  WITHDRAW: { type: 'WITHDRAW', actor: sampleActor },
  MERGE: { type: 'MERGE', into: 'x', actor: sampleActor },
  REJECT: { type: 'REJECT', reason: 'x', actor: sampleActor },
  SUPERVISE: { type: 'SUPERVISE', note: 'x', actor: sampleActor },
  PAUSE: { type: 'PAUSE', reason: 'x', actor: sampleActor },
  RESUME: { type: 'RESUME', actor: sampleActor },
  DEADLINE_WARNING: { type: 'DEADLINE_WARNING', clock: 0, level: 'village', actor: sampleActor },
  DEADLINE_PASSED: { type: 'DEADLINE_PASSED', clock: 0, level: 'village', actor: sampleActor },
  CALENDAR_LOADED: { type: 'CALENDAR_LOADED', year: 2027, actor: sampleActor },
};

export const EVENT_TYPES = Object.keys(SAMPLE_EVENTS) as TicketEventType[];
