// The coverage report job (入户率台账): a job scheduler runs it daily; it files every period whose grace days after its end have passed.
import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceContext } from '../../services/context.js';
import { storeEndedReports, type StoreReportsOptions, type StoredReport } from '../../services/coverage-report.service.js';
import { COVERAGE_CATCH_UP_JOB_ID, COVERAGE_SCHEDULER } from '../queues.js';

// PostgreSQL down for a moment should not cost a day: retried over about a quarter of an hour.
const RUN = { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 100 };

export const coverageProcessor =
  (services: ServiceContext, log: Logger, opts: StoreReportsOptions = {}) =>
  async (_job: Job): Promise<StoredReport[]> =>
    storeEndedReports(services, log, opts);

/**
 * Upserts the daily scheduler (00:30 Beijing time: periods end at midnight, so a period's grace days end at a
 * midnight too, and a cadre's late entries of the evening are in) and adds a catch-up run now, so a worker back
 * from days down files what it missed. Any run, the catch-up included, files only periods past their grace days.
 */
export async function scheduleCoverageReports(queue: Queue, log: Logger): Promise<void> {
  try {
    await queue.upsertJobScheduler(
      COVERAGE_SCHEDULER.id,
      { pattern: COVERAGE_SCHEDULER.pattern, tz: COVERAGE_SCHEDULER.tz },
      { name: 'coverage-reports', opts: RUN },
    );
    // Removed when done, failed or not, so the next add runs again; while it waits, twins are deduplicated by id.
    await queue.add('coverage-reports', {}, { ...RUN, jobId: COVERAGE_CATCH_UP_JOB_ID, removeOnComplete: true, removeOnFail: true });
  } catch (err) {
    log.error({ err }, 'could not schedule the coverage reports');
  }
}
