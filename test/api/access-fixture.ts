// Fixture of the authorization matrix: two counties, a login (or API token) per account, tickets made in any state at any place.
import type { TestApp } from '../helper.js';
import { INTEGRATION_ROUTES } from '../../src/services/access.service.js';
import { registerTicket } from '../../src/services/register-ticket.service.js';
import { transitionTicket, type EventInput } from '../../src/services/transition-ticket.service.js';
import { seedDemoCounty, type DemoCounty } from '../../src/services/seed.service.js';
import { resolvePlace, type Account, type PlaceSpec, type Setup } from './access-matrix.table.js';

export interface Matrix {
  b: DemoCounty;
  headers: (account: Account) => Promise<{ authorization: string }>;
  /** A ticket at the place, brought to the state by the services directly (no access checks). */
  makeTicket: (spec: PlaceSpec, setup: Setup, category: string) => Promise<string>;
}

const STEPS: Record<Setup, { mode?: 'onSite' | 'proxy' | 'joint'; then: EventInput[] }> = {
  registered: { then: [] },
  onSite: { mode: 'onSite', then: [] },
  proxy: { mode: 'proxy', then: [] },
  awaitingFeedback: { mode: 'onSite', then: [{ type: 'RESOLVE', summary: '已办' }] },
  awaitingCallback: { mode: 'onSite', then: [{ type: 'RESOLVE', summary: '已办' }, { type: 'FEEDBACK_GIVEN', confirmedByHousehold: true }] },
  extensionPending: { mode: 'proxy', then: [{ type: 'REQUEST_EXTENSION', until: '2026-11-27T02:00:00Z', reason: '等材料' }] },
  paused: { mode: 'proxy', then: [{ type: 'PAUSE', reason: '等群众' }] },
  dispatched: { mode: 'joint', then: [] },
  inProgress: { mode: 'joint', then: [{ type: 'ACCEPT' }] },
  inProgressPaused: { mode: 'joint', then: [{ type: 'ACCEPT' }, { type: 'PAUSE', reason: '等群众' }] },
};

export async function buildMatrix(h: TestApp): Promise<Matrix> {
  const b = await seedDemoCounty(h.db, { name: '邻县', usernamePrefix: 'b-' });
  const admin = await h.auth('admin');
  const issued = await h.app.inject({
    method: 'POST', url: '/v1/admin/api-tokens', headers: admin,
    payload: { integrationId: h.county.staff.hotline, unitId: h.county.units['town-1'], name: 'hotline town 1', routes: [...INTEGRATION_ROUTES] },
  });
  if (issued.statusCode !== 201) throw new Error(`token: ${issued.body}`);
  const hotline = { authorization: `Bearer ${(issued.json() as { token: string }).token}` };
  const headers = async (account: Account) => (account === 'hotline' ? hotline : h.auth(account));

  const makeTicket = async (spec: PlaceSpec, setup: Setup, category: string): Promise<string> => {
    const { county, unitId, leadUnitId, coUnitIds } = resolvePlace(spec, h.county, b);
    const staffId = county.staff[spec.createdBy ?? 'county-supervisor'] as string;
    const steps = STEPS[setup];
    const { ticket } = await registerTicket(h.services, {
      actor: { kind: 'staff', staffId, countyId: county.countyId },
      input: {
        unitId, category, description: '矩阵测试', mode: steps.mode,
        ...(steps.mode === 'joint' ? { leadUnitId, coUnitIds } : {}),
      },
    });
    for (const event of steps.then) {
      await transitionTicket(h.services, { countyId: county.countyId, ticketId: ticket.id, event, actor: { kind: 'staff', staffId } });
    }
    return ticket.id;
  };
  return { b, headers, makeTicket };
}
