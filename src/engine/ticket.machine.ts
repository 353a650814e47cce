// The ticket lifecycle (DESIGN.md §3) as an XState machine, used only through pure transitions.
import { assign, enqueueActions, setup } from 'xstate';
import type { Level, Mode, TicketEvent } from './ticket.events.js';
import { handlingEvents, extensionEvents } from './ticket.transitions.js';
import type { Audience, EffectParams, HandlingState, TicketContext, TicketInput } from './ticket.context.js';

/** Bump when a change makes stored snapshots unreadable by this machine. */
export const MACHINE_VERSION = 1;

export type { Audience, EffectName, EffectParams, HandlingState, TicketContext, TicketInput } from './ticket.context.js';

const nextLevel = (level: Level): Level => (level === 'village' ? 'town' : 'county');
const escalationAudience = (level: Level): Audience => (level === 'town' ? 'townSupervision' : 'countySupervision');

const nonEmpty = (s: string | undefined): boolean => typeof s === 'string' && s.trim().length > 0;
type Ev<T extends TicketEvent['type']> = Extract<TicketEvent, { type: T }>;

// Entering any open state starts a fresh clock: new entry number, flags cleared, deadline scheduled.
const clockEntry = [
  { type: 'startClock' as const },
  { type: 'scheduleDeadline' as const },
];

const enterHandling = (state: HandlingState) => [
  ...clockEntry,
  { type: 'setLastHandling' as const, params: { state } },
];

export const ticketMachine = setup({
  types: {
    context: {} as TicketContext,
    events: {} as TicketEvent,
    input: {} as TicketInput,
  },
  guards: {
    intakeMode: ({ context }, params: { mode: Mode }) =>
      context.mode === params.mode && (params.mode !== 'joint' || nonEmpty(context.leadUnitId ?? undefined)),
    triageJoint: ({ event }) => {
      const e = event as Ev<'TRIAGE'>;
      return e.mode === 'joint' && nonEmpty(e.leadUnitId);
    },
    triageTo: ({ event }, params: { mode: Mode }) => (event as Ev<'TRIAGE'>).mode === params.mode,
    hasLeadUnit: ({ event }) => nonEmpty((event as Ev<'DISPATCH'>).leadUnitId),
    hasReason: ({ event }) => nonEmpty((event as Ev<'RETURN'>).reason),
    hasSummary: ({ event }) => nonEmpty((event as Ev<'RESOLVE'>).summary),
    hasNote: ({ event }) => nonEmpty((event as Ev<'SUPERVISE'>).note),
    hasMergeTarget: ({ event }) => nonEmpty((event as Ev<'MERGE'>).into),
    validExtension: ({ event, context }) => {
      const e = event as Ev<'REQUEST_EXTENSION'>;
      return context.pendingExtension === null && nonEmpty(e.reason) && !Number.isNaN(Date.parse(e.until));
    },
    hasPendingExtension: ({ context }) => context.pendingExtension !== null,
    canPause: ({ event, context }) => !context.paused && nonEmpty((event as Ev<'PAUSE'>).reason),
    isPaused: ({ context }) => context.paused,
    isCalendarYear: ({ event }) => Number.isInteger((event as Ev<'CALENDAR_LOADED'>).year),
    feedbackValid: ({ event }) => typeof (event as Ev<'FEEDBACK_GIVEN'>).confirmedByHousehold === 'boolean',
    satisfied: ({ event }) => {
      const r = (event as Ev<'CALLBACK'>).rating;
      return r === 'satisfied' || r === 'basically_satisfied';
    },
    dissatisfied: ({ event }) => (event as Ev<'CALLBACK'>).rating === 'dissatisfied',
    lastHandlingIs: ({ context }, params: { state: HandlingState }) => context.lastHandling === params.state,
    warningDue: ({ event, context }) => {
      const e = event as Ev<'DEADLINE_WARNING'>;
      return e.clock === context.clock && e.level === context.level && !context.warned && !context.paused;
    },
    escalatable: ({ event, context }) => {
      const e = event as Ev<'DEADLINE_PASSED'>;
      return e.clock === context.clock && e.level === context.level && context.level !== 'county' && !context.paused;
    },
    agendaDue: ({ event, context }) => {
      const e = event as Ev<'DEADLINE_PASSED'>;
      return e.clock === context.clock && context.level === 'county' && e.level === 'county' && !context.onAgenda && !context.paused;
    },
  },
  actions: {
    // Effects: declared here with their params so the service can read them off `transition`.
    scheduleDeadline: () => {},
    scheduleEscalation: (_, _params: EffectParams['scheduleEscalation']) => {},
    clearDeadline: () => {},
    extendDeadline: () => {},
    notify: (_, _params: EffectParams['notify']) => {},
    addToAgenda: () => {},
    pauseClock: () => {},
    resumeClock: () => {},
    recomputeDeadline: () => {},
    startClock: assign({
      clock: ({ context }) => context.clock + 1,
      warned: false,
      overdue: false,
      // A new state is a new clock: it can go overdue and onto the agenda again, and it runs.
      onAgenda: false,
      paused: false,
      pendingExtension: null,
      extendedUntil: null,
    }),
    recordUnits: assign({
      leadUnitId: ({ event }) => (event as Ev<'DISPATCH'>).leadUnitId,
      coUnitIds: ({ event }) => [...((event as Ev<'DISPATCH'>).coUnitIds ?? [])],
    }),
    setMode: assign({ mode: (_, params: { mode: Mode }) => params.mode }),
    reopen: assign({
      reopenCount: ({ context }) => context.reopenCount + 1,
      // A second dissatisfied callback also climbs one supervision level (DESIGN.md §3).
      level: ({ context }) => (context.reopenCount >= 1 ? nextLevel(context.level) : context.level),
    }),
    escalate: assign({ level: ({ context }) => nextLevel(context.level), overdue: true }),
    setLastHandling: assign({ lastHandling: (_, params: { state: HandlingState }) => params.state }),
    recordExtensionRequest: assign({
      pendingExtension: ({ event }) => {
        const e = event as Ev<'REQUEST_EXTENSION'>;
        return { until: new Date(e.until).toISOString(), reason: e.reason };
      },
    }),
    approveExtension: assign({
      clock: ({ context }) => context.clock + 1,
      extendedUntil: ({ context }) => context.pendingExtension?.until ?? null,
      pendingExtension: null,
      warned: false,
    }),
    clearPendingExtension: assign({ pendingExtension: null }),
  },
}).createMachine({
  id: 'ticket',
  initial: 'intake',
  context: ({ input }) => ({
    mode: input.mode ?? null,
    leadUnitId: input.leadUnitId ?? null,
    coUnitIds: input.coUnitIds ?? [],
    level: 'village',
    warned: false,
    overdue: false,
    onAgenda: false,
    clock: 0,
    lastHandling: null,
    reopenCount: 0,
    pendingExtension: null,
    extendedUntil: null,
    mergedInto: null,
    closeReason: null,
    paused: false,
  }),
  // Supervision is orthogonal to handling: these apply in every open state.
  on: {
    SUPERVISE: {
      guard: 'hasNote',
      actions: { type: 'notify', params: { audience: 'handler', topic: 'supervised' } },
    },
    DEADLINE_WARNING: {
      guard: 'warningDue',
      actions: [assign({ warned: true }), { type: 'notify', params: { audience: 'handler', topic: 'warning' } }],
    },
    DEADLINE_PASSED: [
      {
        guard: 'escalatable',
        actions: enqueueActions(({ context, enqueue }) => {
          const level = nextLevel(context.level);
          enqueue('escalate');
          enqueue({ type: 'scheduleEscalation', params: { level } });
          enqueue({ type: 'notify', params: { audience: escalationAudience(level), topic: 'escalated' } });
          // At county level the departments answer for joint cases too.
          if (level === 'county' && context.leadUnitId !== null) {
            enqueue({ type: 'notify', params: { audience: 'departments', topic: 'escalated' } });
          }
        }),
      },
      {
        guard: 'agendaDue',
        actions: [
          assign({ onAgenda: true, overdue: true }),
          'addToAgenda',
          'clearDeadline',
          { type: 'notify', params: { audience: 'countySupervision', topic: 'agenda' } },
        ],
      },
    ],
    PAUSE: { guard: 'canPause', actions: [assign({ paused: true }), 'pauseClock'] },
    // Resuming starts a new clock number, so timers set before the pause are stale.
    RESUME: { guard: 'isPaused', actions: [assign({ paused: false, clock: ({ context }) => context.clock + 1 }), 'resumeClock'] },
    // The deadline moves to what the loaded calendar says; a new clock number makes the timers set for the guessed one stale.
    CALENDAR_LOADED: { guard: 'isCalendarYear', actions: [assign({ clock: ({ context }) => context.clock + 1 }), 'recomputeDeadline'] },
    WITHDRAW: { target: '.withdrawn', actions: assign({ closeReason: ({ event }) => event.reason ?? null }) },
    MERGE: {
      guard: 'hasMergeTarget',
      target: '.merged',
      actions: assign({ mergedInto: ({ event }) => event.into }),
    },
  },
  states: {
    intake: {
      always: [
        { guard: { type: 'intakeMode', params: { mode: 'onSite' } }, target: 'onSite' },
        { guard: { type: 'intakeMode', params: { mode: 'proxy' } }, target: 'proxy' },
        { guard: { type: 'intakeMode', params: { mode: 'joint' } }, target: 'joint.dispatched' },
        { target: 'registered' },
      ],
    },
    registered: {
      entry: clockEntry,
      on: {
        TRIAGE: [
          { guard: 'triageJoint', target: 'joint.dispatched', actions: 'recordUnits' },
          { guard: { type: 'triageTo', params: { mode: 'onSite' } }, target: 'onSite', actions: { type: 'setMode', params: { mode: 'onSite' } } },
          { guard: { type: 'triageTo', params: { mode: 'proxy' } }, target: 'proxy', actions: { type: 'setMode', params: { mode: 'proxy' } } },
        ],
        DISPATCH: { guard: 'hasLeadUnit', target: 'joint.dispatched', actions: 'recordUnits' },
        REJECT: { guard: 'hasReason', target: 'rejected' },
      },
    },
    onSite: {
      entry: enterHandling('onSite'),
      on: handlingEvents(),
    },
    proxy: {
      entry: enterHandling('proxy'),
      on: handlingEvents(),
    },
    joint: {
      entry: { type: 'setMode', params: { mode: 'joint' } },
      initial: 'dispatched',
      states: {
        dispatched: {
          entry: [...clockEntry, { type: 'notify', params: { audience: 'departments', topic: 'dispatched' } }],
          on: {
            ACCEPT: { target: 'inProgress' },
            RETURN: { guard: 'hasReason', target: 'returned' },
          },
        },
        inProgress: {
          entry: enterHandling('joint.inProgress'),
          on: {
            RESOLVE: { guard: 'hasSummary', target: '#ticket.awaitingFeedback' },
            ...extensionEvents(),
          },
        },
        returned: {
          entry: [...clockEntry, { type: 'notify', params: { audience: 'dispatcher', topic: 'returned' } }],
          on: {
            DISPATCH: { guard: 'hasLeadUnit', target: 'dispatched', actions: 'recordUnits' },
            REJECT: { guard: 'hasReason', target: '#ticket.rejected' },
          },
        },
      },
    },
    awaitingFeedback: {
      entry: [...clockEntry, { type: 'notify', params: { audience: 'cadre', topic: 'resolved' } }],
      on: { FEEDBACK_GIVEN: { guard: 'feedbackValid', target: 'awaitingCallback' } },
    },
    awaitingCallback: {
      entry: clockEntry,
      on: {
        CALLBACK: [
          { guard: 'satisfied', target: 'closed' },
          {
            guard: 'dissatisfied',
            target: 'reopening',
            actions: [
              enqueueActions(({ context, enqueue }) => {
                // The second dissatisfied callback climbs a level: that level's office must hear of it.
                if (context.reopenCount >= 1 && context.level !== 'county') {
                  enqueue({ type: 'notify', params: { audience: escalationAudience(nextLevel(context.level)), topic: 'reopenedTwice' } });
                }
              }),
              'reopen',
              { type: 'notify', params: { audience: 'handler', topic: 'reopened' } },
            ],
          },
        ],
      },
    },
    // 重办: transient, back to whichever handling state the ticket was last in.
    reopening: {
      always: [
        { guard: { type: 'lastHandlingIs', params: { state: 'onSite' } }, target: 'onSite' },
        { guard: { type: 'lastHandlingIs', params: { state: 'proxy' } }, target: 'proxy' },
        { target: 'joint.inProgress' },
      ],
    },
    closed: { type: 'final', entry: 'clearDeadline' },
    withdrawn: { type: 'final', entry: 'clearDeadline' },
    merged: { type: 'final', entry: 'clearDeadline' },
    rejected: { type: 'final', entry: ['clearDeadline', assign({ closeReason: ({ event }) => (event as Ev<'REJECT'>).reason })] },
  },
});
