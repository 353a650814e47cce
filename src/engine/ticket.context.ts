// The machine's context, input and named effects: the data a ticket's snapshot carries and what it asks for.
import type { Level, Mode } from './ticket.events.js';

export type HandlingState = 'onSite' | 'proxy' | 'joint.inProgress';

export interface TicketContext {
  mode: Mode | null;
  leadUnitId: string | null;
  coUnitIds: string[];
  level: Level;
  warned: boolean;
  overdue: boolean;
  onAgenda: boolean;
  /**
   * Deadline clock number, bumped on every state entry, every approved extension, every resume and
   * every recomputed deadline. Timer jobs
   * name the clock and level they were set for, so a job left over from an earlier clock is refused.
   */
  clock: number;
  lastHandling: HandlingState | null;
  reopenCount: number;
  pendingExtension: { until: string; reason: string } | null;
  /** Set on APPROVE_EXTENSION; the service moves the deadline to it. */
  extendedUntil: string | null;
  mergedInto: string | null;
  closeReason: string | null;
  /** The clock is stopped while the ticket waits on the resident. */
  paused: boolean;
}

export interface TicketInput {
  mode?: Mode;
  leadUnitId?: string;
  coUnitIds?: string[];
}

export type Audience = 'handler' | 'dispatcher' | 'townSupervision' | 'countySupervision' | 'departments' | 'cadre';

/** The effects the service turns into outbox rows; nothing here performs I/O. */
export type EffectParams = {
  scheduleDeadline: Record<string, never>;
  scheduleEscalation: { level: Level };
  clearDeadline: Record<string, never>;
  /** The new deadline is the snapshot's `extendedUntil`. */
  extendDeadline: Record<string, never>;
  notify: { audience: Audience; topic: string };
  addToAgenda: Record<string, never>;
  /** Stop the clock: the service records when. */
  pauseClock: Record<string, never>;
  /** Restart it: the deadline moves by the time spent paused. */
  resumeClock: Record<string, never>;
  /** Work the running deadline out again on the county's calendar as it is now (a year was loaded). */
  recomputeDeadline: Record<string, never>;
};
export type EffectName = keyof EffectParams;
