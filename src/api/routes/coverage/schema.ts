// Schemas of coverage (入户率): the live report, the town periods (month or half month) and the stored reports.
import { Type } from '@fastify/type-provider-typebox';
import { errorResponses, IdParams, Label, Uuid } from '../common.schema.js';

const Figures = {
  residentTotal: Type.Integer(),
  residentVisited: Type.Integer({ description: 'Resident households with a confirmed visit in the period' }),
  migrantTotal: Type.Integer(),
  migrantContacted: Type.Integer({ description: '外出户 with a confirmed contact (phone, WeChat or in person)' }),
  keyTotal: Type.Integer({ description: '五必访 key households' }),
  keyVisited: Type.Integer(),
  neverReached: Type.Integer({ description: 'Households with no visit at all in the period' }),
  unconfirmedVisits: Type.Integer({ description: 'Visits kept but not confirmed by the household: not counted as coverage' }),
  rate: Type.Union([Type.Number(), Type.Null()], { description: 'residentVisited / residentTotal' }),
};

const Area = Type.Object({ unitId: Uuid, name: Type.String(), ...Figures });

const PeriodKind = Type.Union([Type.Literal('month'), Type.Literal('half_month')], {
  description: "'month': calendar month; 'half_month': 1st–15th and 16th–end of month; bounded at 00:00 Beijing time",
});

const StoredPeriod = Type.Object({
  kind: PeriodKind,
  label: Label,
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time', description: 'Exclusive' }),
});

const UsedPeriod = Type.Object(
  {
    kind: Type.Union([PeriodKind, Type.Literal('custom')], { description: "'custom' when the caller gave from or to" }),
    label: Label,
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time', description: 'Exclusive' }),
  },
  { description: "The period reported on: by default the one running now, of the unit's town period (the county's: a month)" },
);

export const coverageSchema = {
  tags: ['coverage'],
  summary: "Coverage of a unit for a period (default: the period running now of the unit's town, month or half month, Beijing time), per cadre and rolled up per village and town",
  querystring: Type.Object(
    {
      unitId: Uuid,
      from: Type.Optional(Type.String({ format: 'date-time' })),
      to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      unitId: Uuid,
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      period: UsedPeriod,
      cadres: Type.Array(Type.Object({ cadreId: Uuid, name: Type.String(), ...Figures }), {
        description: 'Households linked to the cadre at the end of the period, and the cadre\'s own visits',
      }),
      villages: Type.Array(Area, { description: 'Every household of the village, visited by any cadre' }),
      towns: Type.Array(Area),
    }),
    ...errorResponses,
  },
};

const TownPeriod = Type.Object({
  townId: Uuid,
  name: Type.String(),
  period: PeriodKind,
  label: Label,
  setBy: Type.Union([Uuid, Type.Null()], { description: 'Null: never set, the default month applies' }),
  setAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const listPeriodsSchema = {
  tags: ['coverage'],
  summary: 'Coverage period of each town the caller works in or oversees (a town never set reports by month)',
  response: { 200: Type.Object({ items: Type.Array(TownPeriod) }), ...errorResponses },
};

export const setPeriodSchema = {
  tags: ['coverage'],
  summary: "Set a town's coverage period (county admin only); reports from then on use it, stored ones keep theirs",
  params: Type.Object({ townId: Uuid }),
  body: Type.Object({ period: PeriodKind }, { additionalProperties: false }),
  response: { 200: TownPeriod, ...errorResponses },
};

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 24, description: 'Most recent periods first' }));

export const listReportsSchema = {
  tags: ['coverage'],
  summary: 'Stored coverage reports (one per ended period) of the town a town, village or group lies in; counts cover the unit\'s cadres',
  querystring: Type.Object({ unitId: Uuid, limit: Limit }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      unitId: Uuid,
      townId: Uuid,
      currentKind: PeriodKind,
      reports: Type.Array(
        Type.Object({
          id: Uuid,
          townId: Uuid,
          townName: Type.String(),
          period: StoredPeriod,
          computedAt: Type.String({ format: 'date-time' }),
          cadres: Type.Integer({ description: 'Cadre rows (under the unit asked for)' }),
          flagged: Type.Integer({ description: 'Of them, cadres below 100 %' }),
        }),
      ),
    }),
    ...errorResponses,
  },
};

const CadreRow = Type.Object({ cadreId: Uuid, name: Type.String(), ...Figures, flagged: Type.Boolean({ description: 'Below 100 % of resident households visited and confirmed' }) });

export const getReportSchema = {
  tags: ['coverage'],
  summary: 'One stored coverage report: every cadre of the town (a village secretary: of the village) with the figures as computed, and the flagged ones',
  params: IdParams,
  response: {
    200: Type.Object({
      id: Uuid,
      townId: Uuid,
      townName: Type.String(),
      period: StoredPeriod,
      computedAt: Type.String({ format: 'date-time' }),
      cadres: Type.Array(CadreRow),
      flagged: Type.Array(CadreRow, { description: 'Cadres below 100 %: fewer resident households visited and confirmed than linked' }),
    }),
    ...errorResponses,
  },
};

export const myCoverageSchema = {
  tags: ['coverage'],
  summary: "The calling cadre's own stored coverage figures, one per ended period, newest first",
  querystring: Type.Object({ limit: Limit }, { additionalProperties: false }),
  response: {
    200: Type.Object({
      cadreId: Uuid,
      reports: Type.Array(
        Type.Object({
          reportId: Uuid,
          townId: Uuid,
          townName: Type.String(),
          period: StoredPeriod,
          computedAt: Type.String({ format: 'date-time' }),
          ...Figures,
          flagged: Type.Boolean(),
        }),
      ),
    }),
    ...errorResponses,
  },
};
