// The authorization matrix as a table (docs/SECURITY.md): each account's places and what it may read, register and send there.
import type { DemoCounty } from '../../src/services/seed.service.js';

/** Where a ticket (or household) sits relative to the account: its own unit, under it, beside it, above it, another county. */
export type Place = 'own' | 'below' | 'sibling' | 'parent' | 'otherCounty' | 'created' | 'co';

export const ACCOUNTS = ['cadre', 'village', 'dispatcher', 'town-supervisor', 'water', 'county-supervisor', 'admin', 'hotline'] as const;
export type Account = (typeof ACCOUNTS)[number];

/**
 * A place as units of county A (or B for otherCounty). `lead`/`co` name departments: for the
 * department account they make the place (its own case, a co-department's, another department's).
 */
export interface PlaceSpec {
  county: 'a' | 'b';
  unit: string;
  lead?: string;
  co?: string[];
  /** Registered by this demo account instead of the county supervisor. */
  createdBy?: string;
}

const A = (unit: string, extra: Partial<PlaceSpec> = {}): PlaceSpec => ({ county: 'a', unit, ...extra });
const B = (unit: string, extra: Partial<PlaceSpec> = {}): PlaceSpec => ({ county: 'b', unit, ...extra });
const town = { own: A('town-1'), below: A('group-1-2-2'), sibling: A('town-2'), parent: A('county'), otherCounty: B('town-1') };
const county = { own: A('county'), below: A('group-2-2-2'), otherCounty: B('county') };

/** The hotline's API token is scoped to town 1, so it stands where a town office stands. */
export const PLACES: Record<Account, Partial<Record<Place, PlaceSpec>>> = {
  cadre: { own: A('group-1-1-1'), sibling: A('group-1-1-2'), parent: A('village-1-1'), otherCounty: B('group-1-1-1'), created: A('group-1-1-2', { createdBy: 'cadre' }) },
  village: { own: A('village-1-1'), below: A('group-1-1-2'), sibling: A('village-1-2'), parent: A('town-1'), otherCounty: B('village-1-1') },
  dispatcher: town,
  'town-supervisor': town,
  water: {
    own: A('group-1-1-1', { lead: 'dept-water' }),
    co: A('group-1-1-1', { lead: 'dept-transport', co: ['dept-water'] }),
    sibling: A('group-1-1-1', { lead: 'dept-transport' }),
    parent: A('county', { lead: 'dept-transport' }),
    otherCounty: B('group-1-1-1', { lead: 'dept-water' }),
  },
  'county-supervisor': county,
  admin: county,
  hotline: town,
};

/** Tickets each account sees (for the department: only cases sent to it, so joint ones). */
export const VISIBLE: Record<Account, Place[]> = {
  cadre: ['own', 'created'],
  village: ['own', 'below'],
  dispatcher: ['own', 'below'],
  'town-supervisor': ['own', 'below'],
  water: ['own', 'co'],
  'county-supervisor': ['own', 'below'],
  admin: ['own', 'below'],
  hotline: ['own', 'below'],
};

export const isVisible = (account: Account, place: Place, joint: boolean): boolean =>
  VISIBLE[account].includes(place) && (account !== 'water' || joint);

/** Events, each with the state it needs; `joint` cases are led by the place's lead (dept-water by default). */
export const EVENTS = {
  TRIAGE: { setup: 'registered', body: { type: 'TRIAGE', mode: 'onSite' } },
  DISPATCH: { setup: 'registered', body: { type: 'DISPATCH' } },
  MERGE: { setup: 'registered', body: { type: 'MERGE' } },
  REJECT: { setup: 'registered', body: { type: 'REJECT', reason: '不属受理范围' } },
  WITHDRAW: { setup: 'registered', body: { type: 'WITHDRAW', reason: '群众撤回' } },
  SUPERVISE: { setup: 'registered', body: { type: 'SUPERVISE', note: '请加快办理' } },
  REPORT_UP: { setup: 'onSite', body: { type: 'REPORT_UP' } },
  RESOLVE: { setup: 'onSite', body: { type: 'RESOLVE', summary: '已办结' } },
  FEEDBACK_GIVEN: { setup: 'awaitingFeedback', body: { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true } },
  CALLBACK: { setup: 'awaitingCallback', body: { type: 'CALLBACK', rating: 'satisfied' } },
  REQUEST_EXTENSION: { setup: 'proxy', body: { type: 'REQUEST_EXTENSION', until: '2026-11-27T02:00:00Z', reason: '等待材料' } },
  APPROVE_EXTENSION: { setup: 'extensionPending', body: { type: 'APPROVE_EXTENSION' } },
  DENY_EXTENSION: { setup: 'extensionPending', body: { type: 'DENY_EXTENSION' } },
  PAUSE: { setup: 'proxy', body: { type: 'PAUSE', reason: '等群众补材料' } },
  RESUME: { setup: 'paused', body: { type: 'RESUME' } },
  // PAUSE belongs to whoever owns the current clock: the dispatcher before triage, the callback operator at the end.
  PAUSE_TRIAGE: { setup: 'registered', body: { type: 'PAUSE', reason: '联系不上群众' } },
  PAUSE_CALLBACK: { setup: 'awaitingCallback', body: { type: 'PAUSE', reason: '群众外出' } },
  ACCEPT: { setup: 'dispatched', body: { type: 'ACCEPT' } },
  RETURN: { setup: 'dispatched', body: { type: 'RETURN', reason: '非本部门职责' } },
  RESOLVE_JOINT: { setup: 'inProgress', body: { type: 'RESOLVE', summary: '已修复' } },
  REQUEST_EXTENSION_JOINT: { setup: 'inProgress', body: { type: 'REQUEST_EXTENSION', until: '2026-12-10T02:00:00Z', reason: '需招标' } },
  PAUSE_JOINT: { setup: 'inProgress', body: { type: 'PAUSE', reason: '等群众让地' } },
  RESUME_JOINT: { setup: 'inProgressPaused', body: { type: 'RESUME' } },
} as const;
export type EventKey = keyof typeof EVENTS;
export type Setup = (typeof EVENTS)[EventKey]['setup'];
export const JOINT_SETUPS: readonly Setup[] = ['dispatched', 'inProgress', 'inProgressPaused'];

const handling = ['own', 'created'] as Place[];
const town1 = ['own', 'below'] as Place[];
const supervising = { SUPERVISE: town1, CALLBACK: town1, APPROVE_EXTENSION: town1, DENY_EXTENSION: town1, PAUSE_CALLBACK: town1 };

/** Who may send which event where (given they see the ticket); every other visible cell is 403. */
export const ALLOWED: Record<Account, Partial<Record<EventKey, Place[]>>> = {
  cadre: { RESOLVE: handling, REPORT_UP: handling, FEEDBACK_GIVEN: handling, REQUEST_EXTENSION: handling, PAUSE: handling, RESUME: handling, WITHDRAW: handling },
  village: {},
  dispatcher: { TRIAGE: town1, DISPATCH: town1, MERGE: town1, REJECT: town1, WITHDRAW: town1, PAUSE_TRIAGE: town1 },
  'town-supervisor': supervising,
  water: { ACCEPT: ['own'], RETURN: ['own'], RESOLVE_JOINT: ['own'], REQUEST_EXTENSION_JOINT: ['own'], PAUSE_JOINT: ['own'], RESUME_JOINT: ['own'] },
  // A ticket at the county itself has no town dispatcher: the county supervision office sends it on (not TRIAGE: no cadre there).
  'county-supervisor': { ...supervising, DISPATCH: ['own'], MERGE: ['own'], REJECT: ['own'], WITHDRAW: ['own'], PAUSE_TRIAGE: ['own'] },
  admin: {},
  hotline: {},
};

/** POST /v1/tickets at the place's unit: 201, 403 outside the caller's places, 400 for a unit of another county. */
export const REGISTER: Record<Account, Partial<Record<Place, number>>> = {
  cadre: { own: 201, sibling: 201, parent: 201, created: 201, otherCounty: 400 },
  village: { own: 201, below: 201, sibling: 403, parent: 403, otherCounty: 400 },
  dispatcher: { own: 201, below: 201, sibling: 403, parent: 403, otherCounty: 400 },
  'town-supervisor': { own: 201, below: 201, sibling: 403, parent: 403, otherCounty: 400 },
  water: { own: 403, co: 403, sibling: 403, parent: 403, otherCounty: 400 },
  'county-supervisor': { own: 201, below: 201, otherCounty: 400 },
  admin: { own: 201, below: 201, otherCounty: 400 },
  hotline: { own: 201, below: 201, sibling: 403, parent: 403, otherCounty: 400 },
};

/** The unit whose households the account may list (masked); null: none. */
export const HOUSEHOLD_SCOPE: Record<Account, string | null> = {
  cadre: 'village-1-1',
  village: 'village-1-1',
  dispatcher: 'town-1',
  'town-supervisor': 'town-1',
  water: null,
  'county-supervisor': 'county',
  admin: 'county',
  hotline: 'town-1',
};

/** GET /v1/households/:id/contact for a household at the place: full numbers (200), masked only (403), or unknown (404). */
export const CONTACT: Record<Account, Partial<Record<Place, number>>> = {
  cadre: { own: 200, sibling: 403, parent: 403, created: 403, otherCounty: 404 },
  village: { own: 403, below: 403, sibling: 404, parent: 404, otherCounty: 404 },
  dispatcher: { own: 403, below: 403, sibling: 404, parent: 404, otherCounty: 404 },
  'town-supervisor': { own: 200, below: 200, sibling: 404, parent: 404, otherCounty: 404 },
  water: { own: 404, co: 404, sibling: 404, parent: 404, otherCounty: 404 },
  'county-supervisor': { own: 200, below: 200, otherCounty: 404 },
  admin: { own: 403, below: 403, otherCounty: 404 },
  // The contact route cannot be granted to an API token at all.
  hotline: { own: 403, below: 403, sibling: 403, parent: 403, otherCounty: 403 },
};

/** Unit and department ids of a place in the two seeded counties. */
export function resolvePlace(spec: PlaceSpec, a: DemoCounty, b: DemoCounty) {
  const c = spec.county === 'a' ? a : b;
  const id = (code: string) => {
    const v = c.units[code];
    if (!v) throw new Error(`no unit ${code}`);
    return v;
  };
  return { county: c, unitId: id(spec.unit), leadUnitId: id(spec.lead ?? 'dept-water'), coUnitIds: (spec.co ?? []).map(id) };
}
