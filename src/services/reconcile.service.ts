// The reconcile sweep's view of PostgreSQL: which timers should exist or should already have fired.
import { findTimers, type TimerRow } from '../store/tickets.repository.js';
import { deadlineJobId } from './effect-plan.service.js';
import type { ServiceContext } from './context.js';

export interface TimerSpec {
  jobId: string;
  runAt: Date;
  /** As the outbox row's payload for the same timer (effect-plan.service.ts). */
  data: { countyId: string; dueAt: number };
}

function specs(row: TimerRow, until: Date | null): TimerSpec[] {
  const out: TimerSpec[] = [];
  const add = (kind: 'warning' | 'passed', runAt: Date | null) => {
    if (runAt === null || (until !== null && runAt > until)) return;
    out.push({
      jobId: deadlineJobId(row.id, row.clock, row.level, kind),
      runAt,
      data: { countyId: row.county_id, dueAt: runAt.getTime() },
    });
  };
  if (!row.warned) add('warning', row.warn_at);
  add('passed', row.due_at);
  return out;
}

/**
 * Timers due by now (or, with `all`, every pending timer: after Redis lost its data), in pages so a
 * county-sized backlog never sits in memory at once.
 */
export async function* timersToReconcile(ctx: ServiceContext, options: { all: boolean; pageSize?: number }): AsyncGenerator<TimerSpec[]> {
  const until = options.all ? null : ctx.now();
  const pageSize = options.pageSize ?? 1000;
  let afterId: string | undefined;
  for (;;) {
    const rows = await findTimers(ctx.db, until, pageSize, afterId);
    if (rows.length === 0) return;
    yield rows.flatMap((r) => specs(r, until));
    afterId = rows[rows.length - 1]?.id;
    if (rows.length < pageSize) return;
  }
}
