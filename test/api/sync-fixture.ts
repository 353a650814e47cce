// Offline sync tests' shared helpers: the sync request, its results, row counts, a batch made in the mountains.
import { writeCounts, type TestApp } from '../helper.js';

export type Result = {
  clientId: string; status: string; replayed?: boolean; code?: string; message?: string; ticketId?: string; ticketNumber?: string;
  visitId?: string; version?: number; tickets?: Array<{ clientId: string | null; ticketId: string; ticketNumber: string }>; serverTime: string;
};

export const sync = async (h: TestApp, user: string, payload: unknown) =>
  h.app.inject({ method: 'POST', url: '/v1/sync', headers: await h.auth(user), payload: payload as Record<string, unknown> });

export const results = (res: { statusCode: number; body: string; json: () => unknown }): Result[] => {
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode} ${res.body}`);
  return (res.json() as { results: Result[] }).results;
};

export const TABLES = ['tickets', 'ticket_events', 'outbox', 'idempotency_keys', 'ticket_counters', 'visits', 'sync_records'] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

/** Every table a synced item may write, to prove retries and refusals write nothing. */
export async function counts(h: TestApp): Promise<Counts> {
  const written = await writeCounts(h.db);
  const count = async (table: 'visits' | 'sync_records') =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const out = { visits: await count('visits'), sync_records: await count('sync_records') } as Counts;
  for (const table of TABLES) if (table !== 'visits' && table !== 'sync_records') out[table] = written[table] ?? 0;
  return out;
}

export const added = (after: Counts, before: Counts, tables: Array<keyof Counts>) =>
  Object.fromEntries(tables.map((table) => [table, after[table] - before[table]]));

// Made in the mountains 50 and 40 minutes before the cadre is back in signal (the test clock's now is 02:00).
export const VISIT_TIME = '2026-11-23T01:10:00.000Z';
export const EVENT_TIME = '2026-11-23T01:20:00.000Z';

export const mountainBatch = (householdId: string) => ({
  deviceId: 'phone-wang-01',
  items: [
    {
      kind: 'visit', clientId: 'v-1', deviceTime: VISIT_TIME, householdId, channel: 'in_person', confirmationCode: '4821', notes: '家中老人咨询医保',
      tickets: [{ clientId: 'v-1-t-1', category: 'insurance', description: '老人医保报销咨询', mode: 'onSite' }],
    },
    { kind: 'event', clientId: 'e-1', deviceTime: EVENT_TIME, ticketClientId: 'v-1-t-1', type: 'RESOLVE', summary: '现场讲解报销流程', expectedVersion: 1 },
    { kind: 'event', clientId: 'e-2', deviceTime: EVENT_TIME, ticketClientId: 'v-1-t-1', type: 'FEEDBACK_GIVEN', confirmedByHousehold: true },
    { kind: 'ticket', clientId: 't-2', deviceTime: EVENT_TIME, householdId, category: 'road', description: '村道塌方', mode: 'proxy' },
  ],
});

