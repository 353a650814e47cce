// The synthetic county's year of activity: visits (民情日志) and tickets with their events, loaded set-based; used by seed-county.service.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import { MACHINE_VERSION } from '../engine/ticket.machine.js';
import { buildVariants } from './seed-county.scenarios.js';

const CATEGORIES: Array<[string, string]> = [
  ['household_registration', '新生儿落户办理'], ['social_insurance', '城乡居民医保参保缴费'], ['subsidy', '低保申请咨询'],
  ['agriculture', '生猪病死，无钱购买仔猪'], ['water', '村组饮水管道破裂'], ['infrastructure', '通组公路塌方，车辆无法通行'],
  ['land', '承包地边界纠纷'], ['housing', '危房改造申请'], ['medical', '慢性病门诊报销'], ['education', '留守儿童入学'],
  ['employment', '外出务工就业信息'], ['dispute', '邻里排水纠纷调解'],
];
const NOTES = ['了解近况，无新诉求', '宣传医保缴费政策', '核实低保家庭收入', '提醒汛期防范地质灾害', '了解务工返乡情况', '询问留守老人身体状况', '讲解产业补助政策'];
// Yearly matters per household: DESIGN.md's ~15,000 a year over 70,000 households.
const TICKETS_PER_HOUSEHOLD_YEAR = 15_000 / 70_000;

const HOUR = 3600_000;

/**
 * 民情日志: every reachable household once a month (8 % twice), missed 4 % of months; 93 % of first visits
 * confirmed; migrants by phone or WeChat; a few must-attend events (三必到). Visits are by the cadre linked then.
 */
export async function seedVisits(trx: Transaction<Database>, county: string, starts: Date[], now: Date): Promise<number> {
  const cid = sql`${county}::uuid`;
  return bulkLoad(trx, 'visits', async () => {
    const res = await sql`insert into visits (id, county_id, cadre_id, household_id, visited_at, channel, notes, confirmation_code, photo_ref,
        confirmed, must_attend, device_time, client_id, created_at)
      with slot as (
        select h.hi, h.id as household_id, h.kind, h.cadre_id, h.old_cadre_id, h.relink_at, m, n,
               (${starts}::timestamptz[])[m] as ms, (${starts}::timestamptz[])[m + 1] as me, h.hi::bigint * 64 + m * 2 + n as vk
        from sc_household h cross join generate_series(1, ${starts.length - 1}) m cross join generate_series(1, 2) n
        where not h.hard and pg_temp.sc_r(h.hi::bigint * 64 + m, 13) >= 0.04 and (n = 1 or pg_temp.sc_r(h.hi::bigint * 64 + m, 14) < 0.08)
      ), timed as (
        -- a working hour (09:00-17:00 Beijing) on some day of the month
        select s.*, s.ms + floor(pg_temp.sc_r(vk, 15) * extract(epoch from s.me - s.ms) / 86400) * interval '1 day'
                    + (9 + pg_temp.sc_r(vk, 16) * 8) * interval '1 hour' as at,
               n = 1 and pg_temp.sc_r(vk, 17) < 0.004 as must,
               pg_temp.sc_r(vk, 18) < case when n = 1 then 0.93 else 0.5 end as confirmed
        from slot s
      ), shaped as (
        select t.*, case when t.must then 'in_person'
                         when t.kind = 'migrant' then case when pg_temp.sc_r(vk, 19) < 0.6 then 'phone' else 'wechat' end
                         when pg_temp.sc_r(vk, 19) < 0.9 then 'in_person' else 'phone' end as channel
        from timed t where t.at < ${now}
      ), v as (
        select pg_temp.sc_id((extract(epoch from at) * 1000)::bigint, 'visit:' || vk) as id, s.*,
               s.confirmed and s.channel = 'in_person' and pg_temp.sc_r(vk, 20) < 0.3 as photo
        from shaped s
      )
      select v.id, ${cid}, case when v.relink_at is not null and v.at < v.relink_at then v.old_cadre_id else v.cadre_id end, v.household_id, v.at, v.channel,
        case when v.must then '三必到：到场处置' else (${NOTES}::text[])[1 + floor(pg_temp.sc_r(vk, 21) * ${NOTES.length})::int] end,
        case when v.confirmed and not v.photo then lpad(floor(pg_temp.sc_r(vk, 22) * 10000)::int::text, 4, '0') end,
        case when v.photo then 'photo/' || v.id || '.jpg' end,
        v.confirmed,
        case when v.must then (array['emergency', 'dispute', 'wedding_funeral'])[1 + floor(pg_temp.sc_r(vk, 23) * 3)::int] end,
        case when pg_temp.sc_r(vk, 24) < 0.15 then v.at - pg_temp.sc_r(vk, 25) * interval '10 minutes' end,
        null, v.at
      from v
      order by v.at`.execute(trx);
    return Number(res.numAffectedRows ?? 0);
  });
}

/**
 * Runs a bulk insert into `table` with its foreign keys and secondary indexes set aside, then puts them
 * back: one index build and one set-based key check instead of a lookup and a row lock per row. The
 * definitions are read from the catalog, so what the migrations made is what comes back; the primary
 * key and unique constraints stay in force throughout. Holds the table exclusively until commit.
 */
export async function bulkLoad<T>(trx: Transaction<Database>, table: string, load: () => Promise<T>): Promise<T> {
  const { rows: keys } = await sql<{ name: string; def: string }>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass and contype = 'f'`.execute(trx);
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    select i.relname as name, pg_get_indexdef(i.oid) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = ${table}::regclass and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`.execute(trx);
  for (const key of keys) await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(key.name)}`.execute(trx);
  for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(trx);
  const result = await load();
  for (const index of indexes) await sql.raw(index.def).execute(trx);
  for (const key of keys) await sql`alter table ${sql.table(table)} add constraint ${sql.ref(key.name)} ${sql.raw(key.def)}`.execute(trx);
  return result;
}

/**
 * A year of tickets (~15,000 for 70,000 households): a variant per ticket, picked by hash; the engine's
 * snapshot of that variant; events at the variant's offsets; numbers per year in registration order.
 */
export async function seedTickets(trx: Transaction<Database>, county: string, starts: Date[], now: Date) {
  const cid = sql`${county}::uuid`;
  const departments = await sql<{ id: string }>`select id from sc_dept order by d`.execute(trx);
  const variants = buildVariants(departments.rows.map((d) => d.id));
  const periodStart = starts[0] as Date;
  const households = Number((await sql<{ n: string }>`select count(*) as n from sc_household`.execute(trx)).rows[0]?.n ?? 0);
  const total = Math.round(households * TICKETS_PER_HOUSEHOLD_YEAR * (starts.length - 1) / 12);
  const spanHours = (now.getTime() - periodStart.getTime()) / HOUR;
  const rows = variants.map(({ steps: _steps, snapshot, ...v }) => ({ ...v, snapshot: JSON.parse(snapshot) as unknown }));
  const steps = variants.flatMap((v) => v.steps.map((s) => ({ variant: v.idx, ...s })));

  await sql`create temp table sc_variant on commit drop as select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
    idx int, lo float8, hi float8, state text, snapshot jsonb, mode text, level text, warned boolean, overdue boolean, clock int,
    lead_unit_id uuid, reopen_count int, final boolean, n_events int, total_hours float8, entered_hours float8,
    due_hours float8, warn_hours float8, age_min float8, age_max float8, register_payload jsonb)`.execute(trx);
  await sql`create temp table sc_step on commit drop as select * from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(
    variant int, version int, type text, role text, payload jsonb, from_state text, to_state text, level text, at_hours float8)`.execute(trx);
  await sql`create temp table sc_ticket on commit drop as
    with pick as (
      select ti, v.*, 1 + floor(pg_temp.sc_r(ti, 30) * ${households})::int as hh, pg_temp.sc_r(ti, 32) as age_r,
             1 + floor(pg_temp.sc_r(ti, 33) * ${CATEGORIES.length})::int as cat
      from generate_series(1, ${total}) ti join sc_variant v on pg_temp.sc_r(ti, 31) >= v.lo and pg_temp.sc_r(ti, 31) < v.hi
    ), timed as (
      select p.*, case when p.final
        then ${periodStart}::timestamptz + p.age_r * greatest(0, ${spanHours} - p.total_hours - 24) * interval '1 hour'
        else ${now}::timestamptz - (p.age_min + p.age_r * (p.age_max - p.age_min)) * interval '1 hour' end as created_at
      from pick p
    )
    select pg_temp.sc_id((extract(epoch from t.created_at) * 1000)::bigint, 'ticket:' || t.ti) as id, t.*,
           extract(year from t.created_at at time zone 'Asia/Shanghai')::int as year,
           h.id as household_id, h.group_id, h.path as unit_path, h.t as town,
           case when h.relink_at is not null and t.created_at < h.relink_at then h.old_cadre_id else h.cadre_id end as cadre_id,
           (${CATEGORIES.map((c) => c[0])}::text[])[t.cat] as category, (${CATEGORIES.map((c) => c[1])}::text[])[t.cat] as description
    from timed t join sc_household h on h.hi = t.hh`.execute(trx);
  await bulkLoad(trx, 'tickets', () => bulkLoad(trx, 'ticket_events', async () => {
  await sql`insert into tickets (id, county_id, number, unit_id, unit_path, household_id, cadre_id, category, priority, description, source,
      mode, state, snapshot, machine_version, level, warned, overdue, clock, entered_at, due_at, warn_at, paused_at, paused_ms, due_uncovered,
      lead_unit_id, co_unit_ids, reopen_count, version, created_by, created_at, updated_at, closed_at)
    select id, ${cid}, year || '-' || lpad((row_number() over (partition by year order by created_at, id))::text, 6, '0'),
      group_id, unit_path, household_id, cadre_id, category, case when pg_temp.sc_r(ti, 34) < 0.05 then 'urgent' else 'normal' end, description, 'visit',
      mode, state, snapshot, ${MACHINE_VERSION}, level, warned, overdue, clock, created_at + entered_hours * interval '1 hour',
      created_at + due_hours * interval '1 hour', created_at + warn_hours * interval '1 hour', null, 0, false,
      lead_unit_id, '{}', reopen_count, n_events, cadre_id, created_at, created_at + total_hours * interval '1 hour',
      case when final then created_at + total_hours * interval '1 hour' end
    from sc_ticket order by created_at`.execute(trx);
  await sql`insert into ticket_counters (county_id, year, last_value) select ${cid}, year, count(*) from sc_ticket group by year`.execute(trx);
  await sql`insert into ticket_events (county_id, ticket_id, version, type, actor_kind, actor_id, actor_name, payload, from_state, to_state, level, created_at)
    select ${cid}, t.id, s.version, s.type, case when s.role = 'system' then 'system' else 'staff' end, a.actor_id,
      case when s.role = 'system' then 'deadline-worker' else st.display_name end,
      case when s.version = 1
        then jsonb_build_object('householdId', t.household_id, 'category', t.category, 'description', t.description) || t.register_payload
        else s.payload end,
      s.from_state, s.to_state, s.level, t.created_at + s.at_hours * interval '1 hour'
    from sc_ticket t
    join sc_step s on s.variant = t.idx
    join sc_town tw on tw.t = t.town
    left join sc_dept d on d.id = t.lead_unit_id
    cross join lateral (select case s.role when 'cadre' then t.cadre_id when 'dispatcher' then tw.dispatcher_id
                                           when 'supervisor' then tw.supervisor_id when 'department' then d.staff_id end as actor_id) a
    left join staff st on st.id = a.actor_id
    order by t.created_at, t.id, s.version`.execute(trx);
  }));
  const n = async (q: string) => Number((await sql<{ n: string }>`${sql.raw(q)}`.execute(trx)).rows[0]?.n ?? 0);
  return {
    tickets: await n('select count(*) as n from sc_ticket'),
    openTickets: await n('select count(*) as n from sc_ticket where not final'),
    ticketEvents: await n('select coalesce(sum(n_events), 0) as n from sc_ticket'),
  };
}
