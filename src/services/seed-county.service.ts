// A synthetic county at real scale (DESIGN.md §1: 20 towns, 1,400 groups, 70,000 households, ~1,000 cadres) with a year of visits and tickets, built set-based inside PostgreSQL.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import { insertEscalationSteps, insertPolicies } from '../store/county-settings.repository.js';
import { DEFAULT_POLICIES, ESCALATION_LIMITS } from '../engine/deadline.policy.js';
import { hashPassword } from './password.service.js';
import { bulkLoad, seedTickets, seedVisits } from './seed-county.activity.js';

export interface CountyScale {
  towns: number;
  villagesPerTown: number;
  groupsPerVillage: number;
  /** Average per group; pairs of groups in a village differ by up to 30 % but keep the village total. */
  householdsPerGroup: number;
  /** Months of visits and tickets, ending with the current one (Beijing time). */
  months: number;
}

/** DESIGN.md's county: 20 × 10 villages × 7 groups = 1,400 groups of 50 households, 350 a village (5 cadres of 70). */
export const FULL_COUNTY: CountyScale = { towns: 20, villagesPerTown: 10, groupsPerVillage: 7, householdsPerGroup: 50, months: 12 };

export interface SeedCountyOptions {
  scale: CountyScale;
  /** Same seed, prefix, scale and day: the same county, row for row (ids included). */
  seed: number;
  /** Username prefix and part of every id, so the county can sit beside others (e.g. the demo county). */
  prefix: string;
  name?: string;
  now: Date;
}

/** Demo logins of the seeded county (`<prefix>-…`); the same passwords as the small demo county's. */
export const COUNTY_ACCOUNTS = [
  { username: 'admin', password: 'demo-admin', role: 'county_admin' },
  { username: 'county-supervisor', password: 'demo-county-supervisor', role: 'county_supervisor' },
  { username: 'town01-dispatcher', password: 'demo-dispatcher', role: 'town_dispatcher' },
  { username: 'town01-supervisor', password: 'demo-town-supervisor', role: 'town_supervisor' },
  { username: 'village001', password: 'demo-village', role: 'village' },
  { username: 'water', password: 'demo-department', role: 'department' },
  { username: 'cadre0001', password: 'demo-cadre', role: 'cadre' },
] as const;

export interface SeededCounty {
  countyId: string;
  counts: Record<'towns' | 'villages' | 'groups' | 'households' | 'migrants' | 'keyHouseholds' | 'cadres' | 'links' | 'visits' | 'tickets' | 'openTickets' | 'ticketEvents', number>;
}

const TOWNS = ['龙泉镇', '凤凰镇', '石门镇', '清水镇', '桃园镇', '柳溪镇', '云雾镇', '平坝镇', '高坡镇', '新场镇',
  '河口镇', '白岩镇', '松林镇', '黄泥镇', '茶园镇', '长岭镇', '马场镇', '金竹镇', '三合镇', '大坪镇'];
const VILLAGES = ['东山', '西沟', '南坪', '北坡', '上寨', '下寨', '中心', '红旗', '新民', '团结', '和平', '光明'];
const DEPARTMENTS: Array<[string, string]> = [
  ['water', '县水务局'], ['transport', '县交通运输局'], ['civil', '县民政局'], ['agriculture', '县农业农村局'], ['health', '县卫生健康局'],
  ['housing', '县住房和城乡建设局'], ['resources', '县自然资源局'], ['hrss', '县人力资源和社会保障局'], ['education', '县教育局'], ['emergency', '县应急管理局'],
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['建国', '秀英', '桂花', '玉兰', '志强', '明', '红梅', '德华', '春燕', '国强', '小龙', '海燕', '文', '军', '丽', '勇', '芳', '平', '华', '英'];
const HOUR = 3600_000;
const BEIJING = 8 * HOUR;

/** Month boundaries (Beijing midnight) from `months - 1` months before `now`'s month to the start of the next. */
export function monthStarts(now: Date, months: number): Date[] {
  const local = new Date(now.getTime() + BEIJING);
  return Array.from({ length: months + 1 }, (_, i) =>
    new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - (months - 1) + i, 1) - BEIJING));
}

/** Cadres per village: as close to 75 households each as the 60-100 rule allows. */
export function cadresPerVillage(households: number): number {
  const k = Math.min(Math.floor(households / 60), Math.max(Math.ceil(households / 100), Math.round(households / 75)));
  if (k < 1 || households / k > 100 || households / k < 60) {
    throw new Error(`a village of ${households} households cannot be split into cadres of 60-100; change groupsPerVillage or householdsPerGroup`);
  }
  return k;
}

/**
 * Seeds the county on one transaction (its temporary tables live on the transaction's connection).
 * Refuses when staff with the prefix exist: one county per prefix and database.
 */
export async function seedCounty(trx: Transaction<Database>, o: SeedCountyOptions): Promise<SeededCounty> {
  const { scale, now } = o;
  const perVillage = scale.groupsPerVillage * scale.householdsPerGroup;
  const k = cadresPerVillage(perVillage);
  if (!/^[a-z][a-z0-9]{0,15}$/.test(o.prefix)) throw new Error('prefix: a lower-case letter, then up to 15 letters or digits');
  const taken = await trx.selectFrom('staff').select('id').where('username', 'like', `${o.prefix}-%`).limit(1).executeTakeFirst();
  if (taken) throw new Error(`staff named ${o.prefix}-… already exist: this database has that county; use another --prefix or an empty database`);

  const starts = monthStarts(now, scale.months);
  const periodStart = starts[0] as Date;
  const baseMs = periodStart.getTime() - 60 * 24 * HOUR;
  const run = (q: { execute(ex: Transaction<Database>): Promise<unknown> }) => q.execute(trx);
  const key = `${o.seed}:${o.prefix}:`;
  // Order-free pseudo-random numbers and ids: a hash of (row, purpose), never random(), so a run is repeatable.
  await run(sql`create function pg_temp.sc_r(k bigint, salt int) returns float8 language sql immutable
    as $$ select ((hashint8extended(k * 64 + salt, ${sql.lit(o.seed)}) & 2147483647)::float8 / 2147483648.0) $$`);
  // UUIDv7 layout (time first, as uuidv7() makes them) with the rest from an md5 of the row's key.
  await run(sql`create function pg_temp.sc_id(ms bigint, k text) returns uuid language sql immutable
    as $$ select (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(${sql.lit(key)} || k), 1, 3) || '8' || substr(md5(${sql.lit(key)} || k), 4, 15))::uuid $$`);
  const id = (what: string, ms: number = baseMs) => sql`pg_temp.sc_id(${sql.lit(ms)}, ${sql.lit(what)})`;
  const label = (col: string) => sql`replace(${sql.ref(col)}::text, '-', '')`;

  const countyRow = await sql<{ id: string }>`
    insert into units (id, county_id, parent_id, kind, code, name, path)
    select c.id, c.id, null, 'county', 'county', ${o.name ?? '云岭县'}, ${label('c.id')}::ltree from (select ${id('county')} as id) c
    returning id`.execute(trx);
  const county = countyRow.rows[0]?.id as string;
  await insertPolicies(trx, county, DEFAULT_POLICIES);
  await insertEscalationSteps(trx, county, ESCALATION_LIMITS);
  const cpath = sql`${sql.lit(county.replaceAll('-', ''))}`;
  const cid = sql`${county}::uuid`;

  // The unit tree, kept in temporary tables with small integer keys for the joins below.
  await run(sql`create temp table sc_town on commit drop as
    select t, pg_temp.sc_id(${baseMs}, 'town:' || t) as id, coalesce((${TOWNS}::text[])[t], '第' || t || '镇') as name,
           pg_temp.sc_id(${baseMs}, 'dispatcher:' || t) as dispatcher_id, pg_temp.sc_id(${baseMs}, 'supervisor:' || t) as supervisor_id
    from generate_series(1, ${scale.towns}) t`);
  await run(sql`insert into units (id, county_id, parent_id, kind, code, name, path)
    select id, ${cid}, ${cid}, 'town', 'town-' || t, name, (${cpath} || '.' || ${label('id')})::ltree from sc_town`);
  await run(sql`create temp table sc_dept on commit drop as
    select d, code, name, pg_temp.sc_id(${baseMs}, 'dept:' || code) as id, pg_temp.sc_id(${baseMs}, 'dept-staff:' || code) as staff_id
    from unnest(${DEPARTMENTS.map((x) => x[0])}::text[], ${DEPARTMENTS.map((x) => x[1])}::text[]) with ordinality as x(code, name, d)`);
  await run(sql`insert into units (id, county_id, parent_id, kind, code, name, path)
    select id, ${cid}, ${cid}, 'department', 'dept-' || code, name, (${cpath} || '.' || ${label('id')})::ltree from sc_dept`);
  await run(sql`create temp table sc_village on commit drop as
    select t.t, v, (t.t - 1) * ${scale.villagesPerTown} + v as vi, pg_temp.sc_id(${baseMs}, 'village:' || t.t || ':' || v) as id, t.id as town_id,
           coalesce((${VILLAGES}::text[])[v] || '村', '第' || v || '村') as name, (${cpath} || '.' || ${label('t.id')}) as town_path
    from sc_town t cross join generate_series(1, ${scale.villagesPerTown}) v`);
  await run(sql`insert into units (id, county_id, parent_id, kind, code, name, path)
    select id, ${cid}, town_id, 'village', 'village-' || t || '-' || v, name, (town_path || '.' || ${label('id')})::ltree from sc_village`);
  await run(sql`create temp table sc_group on commit drop as
    with gs as (
      select v.t, v.v, v.vi, g, v.id as village_id, pg_temp.sc_id(${baseMs}, 'group:' || v.vi || ':' || g) as id,
             (v.town_path || '.' || ${label('v.id')}) as village_path,
             -- groups come in pairs: one larger, one smaller by the same amount, so every village has the same total
             ${scale.householdsPerGroup} + case
               when g % 2 = 1 and g < ${scale.groupsPerVillage} then 1 when g % 2 = 0 then -1 else 0 end
               * floor(pg_temp.sc_r(v.vi * 64 + (g + 1) / 2, 1) * 0.3 * ${scale.householdsPerGroup})::int as size
      from sc_village v cross join generate_series(1, ${scale.groupsPerVillage}) g)
    select g.*, (village_path || '.' || ${label('g.id')})::ltree as path,
           (sum(size) over (partition by vi order by g) - size)::int as vstart
    from gs g`);
  await run(sql`insert into units (id, county_id, parent_id, kind, code, name, path)
    select id, ${cid}, village_id, 'group', 'group-' || t || '-' || v || '-' || g, '第' || g || '村民小组', path from sc_group`);

  // Households: about 22 % migrant (外出户); about 12 % carry 五必访 tags; 1 % are never reached all year.
  await run(sql`create temp table sc_household on commit drop as
    select row_number() over (order by g.vi, g.g, n)::int as hi, g.vi, g.t, g.id as group_id, g.path, g.vstart + n - 1 as pos
    from sc_group g cross join generate_series(1, g.size) n`);
  await run(sql`alter table sc_household add column id uuid, add column kind text, add column tags text[], add column hard boolean,
    add column chunk int, add column relink_at timestamptz`);
  await run(sql`update sc_household set
      id = pg_temp.sc_id(${baseMs}, 'household:' || hi),
      kind = case when pg_temp.sc_r(hi, 2) < 0.22 then 'migrant' else 'resident' end,
      tags = case when pg_temp.sc_r(hi, 3) >= 0.12 then '{}'::text[]
        else array[(array['low_income', 'left_behind', 'left_behind', 'flood_risk', 'industry', 'dispute'])[1 + floor(pg_temp.sc_r(hi, 4) * 6)::int]]
          || case when pg_temp.sc_r(hi, 5) < 0.2 then array['low_income'] else '{}'::text[] end end,
      hard = pg_temp.sc_r(hi, 6) < 0.01,
      chunk = 1 + pos * ${k} / ${perVillage},
      -- a few households changed cadre during the year (re-link, history kept)
      relink_at = case when ${k} > 1 and pg_temp.sc_r(hi, 7) < 0.03
        then ${periodStart}::timestamptz + pg_temp.sc_r(hi, 8) * 0.8 * (${now}::timestamptz - ${periodStart}::timestamptz) end`);
  await bulkLoad(trx, 'households', () => run(sql`insert into households (id, county_id, unit_id, head_name, phone, id_number, address, kind, key_tags)
    select id, ${cid}, group_id,
      (${SURNAMES}::text[])[1 + floor(pg_temp.sc_r(hi, 9) * ${SURNAMES.length})::int] || (${GIVEN}::text[])[1 + floor(pg_temp.sc_r(hi, 10) * ${GIVEN.length})::int],
      '1' || (array['38', '39', '58', '87'])[1 + floor(pg_temp.sc_r(hi, 11) * 4)::int] || lpad(floor(pg_temp.sc_r(hi, 12) * 1e8)::bigint::text, 8, '0'),
      null, (pos + 1) || '号', kind, array(select distinct unnest(tags) order by 1)
    from sc_household order by hi`));

  // Staff: one password hash per demo password (argon2 is slow on purpose; the salt is shared by demo accounts).
  const hashes = Object.fromEntries(await Promise.all(
    [...new Set(COUNTY_ACCOUNTS.map((a) => a.password))].map(async (p) => [p, await hashPassword(p)] as const)));
  const pw = (role: (typeof COUNTY_ACCOUNTS)[number]['role']) => hashes[COUNTY_ACCOUNTS.find((a) => a.role === role)?.password ?? ''] ?? '';
  const p = o.prefix;
  await run(sql`create temp table sc_cadre on commit drop as
    select v.vi, c, row_number() over (order by v.vi, c)::int as ci, pg_temp.sc_id(${baseMs}, 'cadre:' || v.vi || ':' || c) as id,
           (select g.id from sc_group g where g.vi = v.vi and g.vstart <= (c - 1) * ${perVillage} / ${k} order by g.g desc limit 1) as unit_id
    from sc_village v cross join generate_series(1, ${k}) c`);
  const staffName = (salt: number, keyCol: string) =>
    sql`(${SURNAMES}::text[])[1 + floor(pg_temp.sc_r(${sql.ref(keyCol)}, ${sql.lit(salt)}) * ${SURNAMES.length})::int] || (${GIVEN}::text[])[1 + floor(pg_temp.sc_r(${sql.ref(keyCol)}, ${sql.lit(salt + 1)}) * ${GIVEN.length})::int]`;
  await run(sql`insert into staff (id, county_id, unit_id, username, display_name, password_hash, roles)
    select ${id('admin')}, ${cid}, ${cid}, ${`${p}-admin`}::text, '系统管理员', ${pw('county_admin')}::text, array['county_admin']
    union all select ${id('county-supervisor')}, ${cid}, ${cid}, ${`${p}-county-supervisor`}, '县督查办', ${pw('county_supervisor')}, array['county_supervisor']
    union all select dispatcher_id, ${cid}, id, ${p} || '-town' || lpad(t::text, 2, '0') || '-dispatcher', name || '调度员', ${pw('town_dispatcher')}, array['town_dispatcher'] from sc_town
    union all select supervisor_id, ${cid}, id, ${p} || '-town' || lpad(t::text, 2, '0') || '-supervisor', name || '督查办', ${pw('town_supervisor')}, array['town_supervisor'] from sc_town
    union all select pg_temp.sc_id(${baseMs}, 'secretary:' || vi), ${cid}, id, ${p} || '-village' || lpad(vi::text, 3, '0'), name || '支书', ${pw('village')}, array['village'] from sc_village
    union all select staff_id, ${cid}, id, ${p} || '-' || code, name || '经办人', ${pw('department')}, array['department'] from sc_dept
    union all select id, ${cid}, unit_id, ${p} || '-cadre' || lpad(ci::text, 4, '0'), ${staffName(40, 'ci')} || '（包联干部）', ${pw('cadre')}, array['cadre'] from sc_cadre`);
  await run(sql`insert into cadre_statuses (staff_id, county_id, status, set_at)
    select id, ${cid}, (array['on_duty', 'on_duty', 'in_village', 'in_village', 'in_village', 'training', 'meeting'])[1 + floor(pg_temp.sc_r(ci, 42) * 7)::int],
           ${now}::timestamptz - pg_temp.sc_r(ci, 43) * interval '8 hours' from sc_cadre`);

  // 包联: each household's cadre is its chunk's; a re-linked one had the next chunk's cadre until the re-link.
  await run(sql`alter table sc_household add column cadre_id uuid, add column old_cadre_id uuid`);
  await run(sql`update sc_household h set cadre_id = c.id, old_cadre_id = case when h.relink_at is not null then o.id end
    from sc_cadre c, sc_cadre o where c.vi = h.vi and c.c = h.chunk and o.vi = h.vi and o.c = h.chunk % ${k} + 1`);
  const linkStart = new Date(periodStart.getTime() - 30 * 24 * HOUR);
  await bulkLoad(trx, 'household_links', () => run(sql`insert into household_links (id, county_id, household_id, cadre_id, valid_from, valid_to, linked_by)
    select pg_temp.sc_id(${linkStart.getTime()}, 'link:' || h.hi), ${cid}, h.id, coalesce(h.old_cadre_id, h.cadre_id), ${linkStart}, h.relink_at, t.dispatcher_id
    from sc_household h join sc_town t on t.t = h.t
    union all
    select pg_temp.sc_id((extract(epoch from h.relink_at) * 1000)::bigint, 'relink:' || h.hi), ${cid}, h.id, h.cadre_id, h.relink_at, null, t.dispatcher_id
    from sc_household h join sc_town t on t.t = h.t where h.relink_at is not null`));

  const visits = await seedVisits(trx, county, starts, now);
  const tickets = await seedTickets(trx, county, starts, now);

  const count = async (q: string) => Number((await sql<{ n: string }>`${sql.raw(q)}`.execute(trx)).rows[0]?.n ?? 0);
  return {
    countyId: county,
    counts: {
      towns: scale.towns,
      villages: scale.towns * scale.villagesPerTown,
      groups: scale.towns * scale.villagesPerTown * scale.groupsPerVillage,
      households: await count('select count(*) as n from sc_household'),
      migrants: await count(`select count(*) as n from sc_household where kind = 'migrant'`),
      keyHouseholds: await count('select count(*) as n from sc_household where cardinality(tags) > 0'),
      cadres: await count('select count(*) as n from sc_cadre'),
      links: await count('select count(*) + count(relink_at) as n from sc_household'),
      visits,
      ...tickets,
    },
  };
}
