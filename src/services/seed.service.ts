// A small demo county (one county, two towns, four villages, groups, three departments, households, staff).
import type { UnitKind } from '../store/database.js';
import type { Executor } from '../store/db.js';
import { pathLabel, uuidv7 } from '../store/uuidv7.js';
import { hashPassword } from './password.service.js';
import { DEFAULT_POLICIES, ESCALATION_LIMITS } from '../engine/deadline.policy.js';
import { insertEscalationSteps, insertPolicies } from '../store/county-settings.repository.js';

export const DEMO_ACCOUNTS = [
  { username: 'cadre', password: 'demo-cadre', roles: ['cadre'], name: '王包联（包联干部）', unit: 'group-1-1-1' },
  { username: 'village', password: 'demo-village', roles: ['village'], name: '李书记（村支书）', unit: 'village-1-1' },
  { username: 'dispatcher', password: 'demo-dispatcher', roles: ['town_dispatcher'], name: '张调度（镇调度员）', unit: 'town-1' },
  { username: 'town-supervisor', password: 'demo-town-supervisor', roles: ['town_supervisor'], name: '赵督查（镇督查办）', unit: 'town-1' },
  { username: 'water', password: 'demo-water', roles: ['department'], name: '刘工（县水务局）', unit: 'dept-water' },
  { username: 'transport', password: 'demo-transport', roles: ['department'], name: '周工（县交通运输局）', unit: 'dept-transport' },
  // One person, two roles: the town office of 白水镇 both dispatches and supervises.
  { username: 'town2-office', password: 'demo-town2-office', roles: ['town_dispatcher', 'town_supervisor'], name: '孙主任（白水镇党政办）', unit: 'town-2' },
  { username: 'county-supervisor', password: 'demo-county-supervisor', roles: ['county_supervisor'], name: '陈督查（县督查办）', unit: 'county' },
  { username: 'admin', password: 'demo-admin', roles: ['county_admin'], name: '系统管理员', unit: 'county' },
] as const;

/** Machine accounts: no password; the county admin issues them API tokens (docs/SECURITY.md). */
export const DEMO_INTEGRATIONS = [{ username: 'hotline', name: '12345 热线', unit: 'county' }] as const;

// Demo passwords are hashed once per process: argon2 is slow on purpose, and tests seed many counties.
const demoHashes = new Map<string, Promise<string>>();
const demoHash = (password: string): Promise<string> => {
  let hash = demoHashes.get(password);
  if (!hash) demoHashes.set(password, (hash = hashPassword(password)));
  return hash;
};

export interface DemoCounty {
  countyId: string;
  /** Unit ids by demo code, e.g. `town-1`, `village-1-2`, `group-1-1-1`, `dept-water`. */
  units: Record<string, string>;
  /** Staff ids by username. */
  staff: Record<string, string>;
  households: string[];
}

export async function isEmpty(ex: Executor): Promise<boolean> {
  const row = await ex.selectFrom('units').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** Builds the demo county; `codePrefix` lets tests seed several counties side by side. */
export async function seedDemoCounty(ex: Executor, options: { name?: string; usernamePrefix?: string } = {}): Promise<DemoCounty> {
  const countyId = uuidv7();
  const units: Record<string, string> = {};
  const paths: Record<string, string> = {};
  const add = async (code: string, kind: UnitKind, name: string, parent?: string) => {
    const id = code === 'county' ? countyId : uuidv7();
    const path = parent ? `${paths[parent]}.${pathLabel(id)}` : pathLabel(id);
    await ex
      .insertInto('units')
      .values({ id, county_id: countyId, parent_id: parent ? (units[parent] ?? null) : null, kind, code, name, path })
      .execute();
    units[code] = id;
    paths[code] = path;
  };

  await add('county', 'county', options.name ?? '示范县');
  // Every county starts on DESIGN.md's time limits; the county edits its own rows later.
  await insertPolicies(ex, countyId, DEFAULT_POLICIES);
  await insertEscalationSteps(ex, countyId, ESCALATION_LIMITS);
  for (const [code, name] of [['dept-water', '县水务局'], ['dept-transport', '县交通运输局'], ['dept-civil', '县民政局']] as const) {
    await add(code, 'department', name, 'county');
  }
  const households: string[] = [];
  const heads = ['张大山', '李秀英', '王建国', '刘桂花', '陈小龙', '杨玉兰'];
  for (const t of [1, 2]) {
    await add(`town-${t}`, 'town', ['青山镇', '白水镇'][t - 1] ?? `镇${t}`, 'county');
    for (const v of [1, 2]) {
      await add(`village-${t}-${v}`, 'village', `${['青山', '白水'][t - 1]}${['东', '西'][v - 1]}村`, `town-${t}`);
      for (const g of [1, 2]) {
        const code = `group-${t}-${v}-${g}`;
        await add(code, 'group', `第${g}村民小组`, `village-${t}-${v}`);
        for (let h = 0; h < 2; h++) {
          const id = uuidv7();
          const n = households.length;
          await ex
            .insertInto('households')
            .values({
              id,
              county_id: countyId,
              unit_id: units[code] as string,
              head_name: heads[n % heads.length] as string,
              phone: `1380000${String(1000 + n).padStart(4, '0')}`,
              id_number: `522701198001${String(10 + n)}${String(100 + n)}${n % 10}`,
              address: `${g}组${n + 1}号`,
            })
            .execute();
          households.push(id);
        }
      }
    }
  }

  const staff: Record<string, string> = {};
  for (const acct of DEMO_ACCOUNTS) {
    const id = uuidv7();
    const username = `${options.usernamePrefix ?? ''}${acct.username}`;
    await ex
      .insertInto('staff')
      .values({
        id,
        county_id: countyId,
        unit_id: units[acct.unit] as string,
        username,
        display_name: acct.name,
        password_hash: await demoHash(acct.password),
        roles: [...acct.roles],
      })
      .execute();
    staff[acct.username] = id;
  }
  for (const acct of DEMO_INTEGRATIONS) {
    const id = uuidv7();
    await ex
      .insertInto('staff')
      .values({
        id,
        county_id: countyId,
        unit_id: units[acct.unit] as string,
        username: `${options.usernamePrefix ?? ''}${acct.username}`,
        display_name: acct.name,
        // Not a hash of anything: no password ever matches it.
        password_hash: '!',
        roles: ['integration'],
      })
      .execute();
    staff[acct.username] = id;
  }
  return { countyId, units, staff, households };
}
