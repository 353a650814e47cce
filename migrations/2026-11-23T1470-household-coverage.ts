// What the coverage of a running period needs, kept on the household row by the database: its active cadre (包联)
// and its latest confirmed visits. Frozen in time: it uses Kysely<any> and imports nothing from the application.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The report of the period running now reads each household's cadre and latest confirmed visits
  // here, sparing a join of 70,000 links and a grouping of a month's visits on every request.
  // household_links and visits stay the truth (and the history; a past period is read from them).
  // Statement triggers keep the columns from them whatever the writer (service, CSV import, bulk
  // seed): a bulk load pays one set-based UPDATE per statement, not one per row.
  await sql`alter table households add column cadre_id uuid references staff(id)`.execute(db);
  // The latest confirmed visit by anyone, and by the household's present cadre.
  await sql`alter table households add column confirmed_at timestamptz`.execute(db);
  await sql`alter table households add column own_confirmed_at timestamptz`.execute(db);
  await sql`
    update households h set cadre_id = l.cadre_id
    from household_links l where l.household_id = h.id and l.valid_to is null`.execute(db);
  await sql`
    update households h set confirmed_at = v.last_at, own_confirmed_at = v.own_at
    from (select v.household_id, max(v.visited_at) as last_at, max(v.visited_at) filter (where v.cadre_id = hh.cadre_id) as own_at
          from visits v join households hh on hh.id = v.household_id where v.confirmed group by v.household_id) v
    where h.id = v.household_id`.execute(db);

  await sql`
    create function households_sync_cadre() returns trigger language plpgsql as $$
    begin
      -- Joins, not a lookup per household: a bulk load touches every household at once.
      update households h set cadre_id = a.cadre_id, own_confirmed_at = a.own_at
      from (select t.household_id, l.cadre_id,
                   (select max(v.visited_at) from visits v where v.household_id = t.household_id and v.cadre_id = l.cadre_id and v.confirmed) as own_at
            from (select distinct household_id from touched) t
            left join household_links l on l.household_id = t.household_id and l.valid_to is null) a
      where h.id = a.household_id and h.cadre_id is distinct from a.cadre_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger household_links_sync_insert after insert on household_links
    referencing new table as touched for each statement execute function households_sync_cadre()`.execute(db);
  await sql`
    create trigger household_links_sync_update after update on household_links
    referencing new table as touched for each statement execute function households_sync_cadre()`.execute(db);

  await sql`
    create function households_mark_visits() returns trigger language plpgsql as $$
    begin
      update households h set confirmed_at = greatest(h.confirmed_at, n.last_at), own_confirmed_at = greatest(h.own_confirmed_at, n.own_at)
      from (select v.household_id, max(v.visited_at) as last_at, max(v.visited_at) filter (where v.cadre_id = hh.cadre_id) as own_at
            from added v join households hh on hh.id = v.household_id where v.confirmed group by v.household_id) n
      where h.id = n.household_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger visits_mark_households after insert on visits
    referencing new table as added for each statement execute function households_mark_visits()`.execute(db);

  // Whether any link changed at or after a period's end (then the report reads the history instead).
  await sql`create index household_links_county_from on household_links (county_id, valid_from)`.execute(db);
  await sql`create index household_links_county_to on household_links (county_id, valid_to) where valid_to is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists household_links_county_to`.execute(db);
  await sql`drop index if exists household_links_county_from`.execute(db);
  await sql`drop trigger if exists visits_mark_households on visits`.execute(db);
  await sql`drop function if exists households_mark_visits()`.execute(db);
  await sql`drop trigger if exists household_links_sync_update on household_links`.execute(db);
  await sql`drop trigger if exists household_links_sync_insert on household_links`.execute(db);
  await sql`drop function if exists households_sync_cadre()`.execute(db);
  for (const column of ['own_confirmed_at', 'confirmed_at', 'cadre_id']) {
    await sql`alter table households drop column if exists ${sql.ref(column)}`.execute(db);
  }
}
