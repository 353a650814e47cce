// Per-county time limits and calendar, cached briefly: every transition needs them, edits are rare.
import { DEFAULT_POLICIES, ESCALATION_LIMITS, type LimitPolicy, type TimeLimit } from '../engine/deadline.policy.js';
import type { WorkCalendar } from '../engine/work-calendar.js';
import type { Executor } from '../store/db.js';
import { loadCalendarOverrides, loadEscalationSteps, loadPolicies } from '../store/county-settings.repository.js';

export interface CountySettings {
  policies: readonly LimitPolicy[];
  escalation: Record<'town' | 'county', TimeLimit>;
  calendar: WorkCalendar;
}

export class CountySettingsCache {
  private readonly entries = new Map<string, { at: number; value: Promise<CountySettings> }>();

  constructor(
    /** The national calendar (chinese-days) that county overrides sit on. */
    readonly baseCalendar: WorkCalendar,
    private readonly ttlMs = 30_000,
  ) {}

  get(ex: Executor, countyId: string): Promise<CountySettings> {
    const hit = this.entries.get(countyId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.load(ex, countyId);
    this.entries.set(countyId, { at: Date.now(), value });
    value.catch(() => this.entries.delete(countyId));
    return value;
  }

  /** After a county's policies or calendar change (one county, or all). */
  invalidate(countyId?: string): void {
    if (countyId === undefined) this.entries.clear();
    else this.entries.delete(countyId);
  }

  private async load(ex: Executor, countyId: string): Promise<CountySettings> {
    const [policies, steps, overrides] = await Promise.all([
      loadPolicies(ex, countyId),
      loadEscalationSteps(ex, countyId),
      loadCalendarOverrides(ex, countyId),
    ]);
    return {
      // A state the county has no row for works to DESIGN.md's default: no state goes without a limit.
      policies: [...policies, ...DEFAULT_POLICIES.filter((d) => !policies.some((p) => p.state === d.state))],
      escalation: { ...ESCALATION_LIMITS, ...steps },
      calendar: this.baseCalendar.withOverrides(overrides.days, overrides.years),
    };
  }
}
