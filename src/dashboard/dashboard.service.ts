import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ThreatActorService } from '../actors/threat-actor.service';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DatePrecision, expandPartialDate } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { IncidentFilter } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import {
  AccusedActorArgs, ActorRollUp, AttributionBreakdownArgs, AttributionLag, AttributionLagArgs, BreakdownArgs,
  IncidentBreakdown, IncidentScope, IncidentTimeline, TimeInterval, TimelineArgs,
} from './dashboard.types';

/** The dimensions an incident breakdown can group by. */
export enum Dimension {
  ACCUSED_ACTOR = 'ACCUSED_ACTOR',
  SPONSOR_COUNTRY = 'SPONSOR_COUNTRY',
  TARGET_COUNTRY = 'TARGET_COUNTRY',
  TARGET_SECTOR = 'TARGET_SECTOR',
  TARGET_ORGANIZATION_KIND = 'TARGET_ORGANIZATION_KIND',
  TYPE = 'TYPE',
  TECHNIQUE = 'TECHNIQUE',
  ATTRIBUTING_PARTY = 'ATTRIBUTING_PARTY',
  ATTRIBUTING_KIND = 'ATTRIBUTING_KIND',
}

/** date_trunc field, generate_series step and to_char label of each bucket width. */
const INTERVALS: Record<TimeInterval, { unit: string; step: string; label: string; months: number }> = {
  [TimeInterval.MONTH]: { unit: 'month', step: '1 month', label: 'YYYY-MM', months: 1 },
  [TimeInterval.QUARTER]: { unit: 'quarter', step: '3 months', label: 'YYYY-"Q"Q', months: 3 },
  [TimeInterval.YEAR]: { unit: 'year', step: '1 year', label: 'YYYY', months: 12 },
};

/** Widest start span, in days, that still counts as known to that precision. */
const PRECISION_DAYS: Partial<Record<DatePrecision, number>> = {
  [DatePrecision.DAY]: 1,
  [DatePrecision.MONTH]: 31,
  [DatePrecision.YEAR]: 366,
};

const MAX_BUCKETS = 1200;

/** Memory per sort or hash node of an aggregate statement (hashes may use twice this, hash_mem_multiplier). */
const AGGREGATE_WORK_MEM = '32MB';

/** The histogram bars of attribution lags, in days (inclusive bounds). */
const LAG_BINS: [label: string, minDays: number, maxDays: number | null][] = [
  ['same day', 0, 0],
  ['1–7 days', 1, 7],
  ['8–30 days', 8, 30],
  ['31–90 days', 31, 90],
  ['91–180 days', 91, 180],
  ['181–365 days', 181, 365],
  ['1–2 years', 366, 730],
  ['over 2 years', 731, null],
];

/** Positional parameters: the scope's own ($1 … $n) first, then each added value. */
class Parameters {
  readonly values: unknown[];

  constructor(scope: IncidentScope) {
    this.values = [...scope.parameters];
  }

  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * The scope as a CTE: one row per incident, as the incident list relies on too (filtered()
 * adds conditions on `incident`, never a join that could repeat it).
 */
const scopeCte = (scope: IncidentScope) => `scope AS (${scope.sql})`;

/**
 * Joins rows to the scope by their incident id; nothing when the scope is every incident,
 * as a join that keeps every row would still hash every incident (the unfiltered view).
 */
const inScope = (scope: IncidentScope, incidentId: string) => (scope.everything ? '' : `JOIN scope ON scope.id = ${incidentId}`);

/** The organization an attribution is credited to, and through a person their organization. */
const ATTRIBUTING_PARTY_JOINS = `
  LEFT JOIN organization party_org ON party_org.id = a.attributed_by_organization_id
  LEFT JOIN person party_person ON party_person.id = a.attributed_by_person_id
  LEFT JOIN organization party_person_org ON party_person_org.id = party_person.organization_id`;

/** The organization of a target, and through a person target their organization. */
const TARGET_JOINS = `
  LEFT JOIN organization target_org ON target_org.id = t.organization_id
  LEFT JOIN person target_person ON target_person.id = t.person_id
  LEFT JOIN organization target_person_org ON target_person_org.id = target_person.organization_id`;

/**
 * Aggregates over the incidents of an IncidentFilter, each one SQL statement. The filter is
 * turned into SQL by IncidentService.filtered() only, so every aggregate matches the
 * `incidents` list exactly and follows new filter fields without a change here.
 */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    private readonly actors: ThreatActorService,
  ) {}

  /**
   * Runs one aggregate statement with room to hash in memory: at 100,000 incidents its hash
   * tables outgrow PostgreSQL's default 4 MB work_mem and spill to disk. SET LOCAL ends with
   * the transaction, so other queries keep the server's setting.
   */
  private aggregate(sql: string, parameters: unknown[]): Promise<Record<string, any>[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '${AGGREGATE_WORK_MEM}'`);
      return manager.query(sql, parameters);
    });
  }

  async scope(filter: IncidentFilter | undefined): Promise<IncidentScope> {
    const query = (await this.incidents.filtered(filter)).select('incident.id', 'id');
    const [sql, parameters] = query.getQueryAndParameters();
    return { sql, parameters, everything: query.expressionMap.wheres.length === 0 };
  }

  async total(scope: IncidentScope): Promise<number> {
    const [row] = await this.dataSource.query(`WITH ${scopeCte(scope)} SELECT count(*)::int AS total FROM scope`, scope.parameters);
    return row.total;
  }

  async breakdown(
    scope: IncidentScope,
    dimension: Dimension,
    args: BreakdownArgs & Partial<AttributionBreakdownArgs & AccusedActorArgs>,
  ): Promise<IncidentBreakdown> {
    const params = new Parameters(scope);
    const spec = await this.dimension(scope, dimension, args, params);
    const top = params.add(args.top, 'int');
    // Counted on compact keys (uuid, char(2), enum text) with hashing; labels are looked up
    // for the groups only. pairs: one row per incident and key.
    const sql = `
      WITH RECURSIVE ${scopeCte(scope)}, ${spec.ctes.map((cte) => `${cte},`).join('')}
      pairs AS (
        SELECT incident_id, key${spec.spelled ? ', min(label) AS label' : ''} FROM (${spec.pairs}) dimension GROUP BY incident_id, key
      ),
      counted AS (SELECT key, ${spec.spelled ? 'min(label)' : 'NULL::text'} AS label, count(*)::int AS count FROM pairs GROUP BY key),
      ranked AS (
        SELECT counted.key::text AS key, ${spec.label} AS label, counted.count,
               row_number() OVER (ORDER BY counted.count DESC, ${spec.label}, counted.key) AS rank
          FROM counted ${spec.labelJoin ?? ''}
      )
      SELECT
        total,
        total - (SELECT count(*)::int FROM (SELECT incident_id FROM pairs GROUP BY incident_id) counted_incidents) AS none,
        (SELECT coalesce(json_agg(json_build_object('key', key, 'label', label, 'count', count) ORDER BY rank), '[]')
           FROM ranked WHERE rank <= ${top}) AS groups,
        (SELECT coalesce(sum(count), 0)::int FROM ranked WHERE rank > ${top}) AS other,
        (SELECT count(*)::int FROM ranked WHERE rank > ${top}) AS other_groups
      FROM (SELECT count(*)::int AS total FROM scope) totals`;
    const [row] = await this.aggregate(sql, params.values);
    return { total: row.total, groups: row.groups, other: row.other, otherGroups: row.other_groups, none: row.none };
  }

  /**
   * How one dimension is counted: `pairs` gives (incident_id, key) rows, plus a `label` column
   * when `spelled` (the key loses the spelling); `label` names a group of `counted` (key,
   * label), with `labelJoin` when the name lives in another table.
   */
  private async dimension(
    scope: IncidentScope,
    dimension: Dimension,
    args: Partial<AttributionBreakdownArgs & AccusedActorArgs>,
    params: Parameters,
  ): Promise<{ ctes: string[]; pairs: string; label: string; labelJoin?: string; spelled?: boolean }> {
    const statuses = () => params.add(args.statuses ?? [AttributionStatus.ASSERTED], 'text[]');
    const byActor = { label: 'actor.name', labelJoin: 'JOIN threat_actor actor ON actor.id = counted.key' };
    const byCountry = { label: 'country.name', labelJoin: 'JOIN country ON country.code = counted.key' };
    const asIs = { label: 'counted.key' };
    switch (dimension) {
      case Dimension.ACCUSED_ACTOR: {
        const accused = accusedCte(scope, statuses());
        const rolled = await this.rollUpCte(args, params);
        return rolled
          ? {
              ctes: [accused, CHAIN_CTE, rolled],
              pairs: `SELECT accused.incident_id, rolled.group_id AS key
                        FROM accused JOIN rolled ON rolled.actor_id = accused.actor_id`,
              ...byActor,
            }
          : { ctes: [accused], pairs: `SELECT incident_id, actor_id AS key FROM accused`, ...byActor };
      }
      case Dimension.SPONSOR_COUNTRY:
        // The sponsor of the nearest actor, among the accused one and its ancestors, that names one; a STATE sponsors itself.
        return {
          ctes: [
            accusedCte(scope, statuses()),
            CHAIN_CTE,
            `sponsors AS (SELECT DISTINCT ON (actor_id) actor_id, sponsor FROM chain WHERE sponsor IS NOT NULL ORDER BY actor_id, depth)`,
          ],
          pairs: `SELECT accused.incident_id, sponsors.sponsor AS key
                    FROM accused JOIN sponsors ON sponsors.actor_id = accused.actor_id`,
          ...byCountry,
        };
      case Dimension.TARGET_COUNTRY:
        // The same countries as filter.targetCountry matches: the target's country, or its organization's or person's.
        return {
          ctes: [],
          pairs: `SELECT t.incident_id, coalesce(t.country_code, target_org.country_code, target_person.country_code) AS key
                    FROM incident_target t ${inScope(scope, 't.incident_id')} ${TARGET_JOINS}
                   WHERE coalesce(t.country_code, target_org.country_code, target_person.country_code) IS NOT NULL`,
          ...byCountry,
        };
      case Dimension.TARGET_SECTOR:
        // Grouped ignoring case; shown in one of the spellings used.
        return {
          ctes: [],
          pairs: `SELECT t.incident_id, lower(target_sector.value) AS key, target_sector.value AS label
                    FROM incident_target t ${inScope(scope, 't.incident_id')} ${TARGET_JOINS}
                    CROSS JOIN LATERAL (SELECT nullif(btrim(coalesce(t.sector, target_org.sector, target_person_org.sector)), '') AS value) target_sector
                   WHERE target_sector.value IS NOT NULL`,
          label: 'counted.label',
          spelled: true,
        };
      case Dimension.TARGET_ORGANIZATION_KIND:
        return {
          ctes: [],
          pairs: `SELECT t.incident_id, coalesce(target_org.kind, target_person_org.kind) AS key
                    FROM incident_target t ${inScope(scope, 't.incident_id')} ${TARGET_JOINS}
                   WHERE coalesce(target_org.kind, target_person_org.kind) IS NOT NULL`,
          ...asIs,
        };
      case Dimension.TYPE:
        return {
          ctes: [],
          pairs: `SELECT i.id AS incident_id, type AS key
                    FROM incident i ${inScope(scope, 'i.id')} CROSS JOIN LATERAL unnest(i.types) AS type`,
          ...asIs,
        };
      case Dimension.TECHNIQUE:
        return {
          ctes: [],
          pairs: `SELECT i.id AS incident_id, technique AS key
                    FROM incident i ${inScope(scope, 'i.id')} CROSS JOIN LATERAL unnest(i.technique_ids) AS technique`,
          ...asIs,
        };
      case Dimension.ATTRIBUTING_PARTY:
        // The organization credited; for a person alone, their organization, or else the person.
        return {
          ctes: [],
          pairs: `SELECT a.incident_id, coalesce(a.attributed_by_organization_id, party_person.organization_id, party_person.id) AS key
                    FROM attribution a ${inScope(scope, 'a.incident_id')}
                    LEFT JOIN person party_person ON party_person.id = a.attributed_by_person_id AND a.attributed_by_organization_id IS NULL
                   WHERE a.incident_id IS NOT NULL AND a.status = ANY(${statuses()})`,
          label: 'coalesce(party_org.name, party_person.name)',
          labelJoin: `LEFT JOIN organization party_org ON party_org.id = counted.key
                      LEFT JOIN person party_person ON party_person.id = counted.key`,
        };
      case Dimension.ATTRIBUTING_KIND:
        return {
          ctes: [],
          pairs: `SELECT a.incident_id, coalesce(party_org.kind, party_person_org.kind) AS key
                    FROM attribution a ${inScope(scope, 'a.incident_id')} ${ATTRIBUTING_PARTY_JOINS}
                   WHERE a.incident_id IS NOT NULL AND a.status = ANY(${statuses()}) AND coalesce(party_org.kind, party_person_org.kind) IS NOT NULL`,
          ...asIs,
        };
    }
  }

  /** CTE `rolled(actor_id, group_id)` over `chain`: the actor each accused actor is counted as; null when as named. */
  private async rollUpCte(args: Partial<AccusedActorArgs>, params: Parameters): Promise<string | null> {
    const rollUp = args.rollUp ?? ActorRollUp.NONE;
    if (args.rollUpTo?.length) {
      if (rollUp !== ActorRollUp.NONE) throw new BadUserInputError('give either rollUp or rollUpTo, not both', { field: 'rollUpTo' });
      const targets: string[] = [];
      for (const nameOrId of args.rollUpTo) targets.push((await this.actors.resolve(nameOrId)).id);
      const ids = params.add(targets, 'uuid[]');
      // The nearest listed actor among itself and its ancestors; when none is listed, depth 0 (itself) comes first.
      return `rolled AS (
        SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain
         ORDER BY actor_id, (ancestor_id = ANY(${ids})) DESC, depth)`;
    }
    switch (rollUp) {
      case ActorRollUp.NONE:
        return null;
      case ActorRollUp.TOP:
        return `rolled AS (SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain ORDER BY actor_id, depth DESC)`;
      case ActorRollUp.AGENCY:
        // First the nearest intelligence agency; else the top-most ancestor that is not a state; else (a state) itself.
        return `rolled AS (
          SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain
           ORDER BY actor_id,
                    CASE WHEN kind = 'INTELLIGENCE_AGENCY' THEN 0 WHEN kind <> 'STATE' THEN 1 ELSE 2 END,
                    CASE WHEN kind = 'INTELLIGENCE_AGENCY' OR kind = 'STATE' THEN depth ELSE -depth END)`;
    }
  }

  async timeline(scope: IncidentScope, args: TimelineArgs): Promise<IncidentTimeline> {
    const interval = INTERVALS[args.interval];
    const first = args.from ? expandPartialDate(args.from, 'from').first : null;
    const last = args.to ? expandPartialDate(args.to, 'to').last : null;
    if (first && last) {
      if (first > last) throw new BadUserInputError(`from (${args.from}) is after to (${args.to})`, { field: 'from' });
      const months = monthsBetween(first, last);
      if (months / interval.months > MAX_BUCKETS) {
        throw new BadUserInputError(`from..to spans more than ${MAX_BUCKETS} buckets; use a wider interval`, { field: 'interval' });
      }
    }
    const params = new Parameters(scope);
    const unit = params.add(interval.unit, 'text');
    const step = params.add(interval.step, 'interval');
    const label = params.add(interval.label, 'text');
    const from = params.add(first, 'date');
    const to = params.add(last, 'date');
    const includeImprecise = params.add(args.includeImprecise, 'boolean');
    // Placed: the whole start span lies in one bucket (or, with includeImprecise, it has an earliest day).
    const sql = `
      WITH ${scopeCte(scope)},
      starts AS (
        SELECT i.id,
               CASE WHEN i.started_from IS NULL AND i.started_to IS NULL THEN 'UNDATED'
                    WHEN i.started_from IS NOT NULL AND i.started_to IS NOT NULL
                     AND date_trunc(${unit}, i.started_from::timestamp) = date_trunc(${unit}, i.started_to::timestamp) THEN 'PLACED'
                    WHEN i.started_from IS NOT NULL AND ${includeImprecise} THEN 'PLACED'
                    ELSE 'IMPRECISE' END AS state,
               date_trunc(${unit}, i.started_from::timestamp)::date AS bucket
          FROM incident i ${inScope(scope, 'i.id')}
      ),
      bounds AS (
        SELECT coalesce(date_trunc(${unit}, ${from}::timestamp)::date, min(bucket)) AS low,
               coalesce(date_trunc(${unit}, ${to}::timestamp)::date, max(bucket)) AS high
          FROM starts WHERE state = 'PLACED'
      ),
      series AS (
        SELECT step::date AS bucket FROM bounds, generate_series(low::timestamp, high::timestamp, ${step}) AS step
      ),
      counted AS (
        SELECT series.bucket, count(starts.id)::int AS count
          FROM series LEFT JOIN starts ON starts.state = 'PLACED' AND starts.bucket = series.bucket
         GROUP BY series.bucket
      )
      SELECT
        (SELECT coalesce(json_agg(json_build_object(
                  'start', to_char(bucket, 'YYYY-MM-DD'), 'label', to_char(bucket, ${label}), 'count', count) ORDER BY bucket), '[]')
           FROM counted) AS buckets,
        count(*)::int AS total,
        count(*) FILTER (WHERE state = 'UNDATED')::int AS undated,
        count(*) FILTER (WHERE state = 'IMPRECISE')::int AS imprecise,
        count(*) FILTER (WHERE state = 'PLACED' AND (bucket < bounds.low OR bucket > bounds.high))::int AS outside_range
      FROM starts CROSS JOIN bounds`;
    const [row] = await this.aggregate(sql, params.values);
    return {
      interval: args.interval,
      buckets: row.buckets,
      total: row.total,
      undated: row.undated,
      imprecise: row.imprecise,
      outsideRange: row.outside_range,
    };
  }

  async attributionLag(scope: IncidentScope, args: AttributionLagArgs): Promise<AttributionLag> {
    const widest = PRECISION_DAYS[args.startPrecision];
    if (!widest) throw new BadUserInputError('startPrecision must be DAY, MONTH or YEAR', { field: 'startPrecision' });
    const interval = INTERVALS[args.interval];
    const params = new Parameters(scope);
    const maxDays = params.add(widest, 'int');
    const unit = params.add(interval.unit, 'text');
    const step = params.add(interval.step, 'interval');
    const label = params.add(interval.label, 'text');
    const binLabels = params.add(LAG_BINS.map(([name]) => name), 'text[]');
    const binMins = params.add(LAG_BINS.map(([, min]) => min), 'int[]');
    const binMaxes = params.add(LAG_BINS.map(([, , max]) => max), 'int[]');
    const measurable = (i: string) =>
      `(${i}.started_from IS NOT NULL AND ${i}.started_to IS NOT NULL AND ${i}.started_to - ${i}.started_from + 1 <= ${maxDays})`;
    const statistics = (days: string) => `
      'count', count(${days}),
      'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days}),
      'lowerQuartile', percentile_cont(0.25) WITHIN GROUP (ORDER BY ${days}),
      'upperQuartile', percentile_cont(0.75) WITHIN GROUP (ORDER BY ${days}),
      'min', min(${days}),
      'max', max(${days})`;
    const sql = `
      WITH ${scopeCte(scope)},
      starts AS (
        SELECT count(*) FILTER (WHERE i.started_from IS NULL AND i.started_to IS NULL)::int AS undated,
               count(*) FILTER (WHERE ${measurable('i')})::int AS measurable,
               count(*)::int AS total
          FROM incident i ${inScope(scope, 'i.id')}
      ),
      claims AS (
        SELECT a.incident_id, i.started_from, a.attributed_from, coalesce(party_org.kind, party_person_org.kind) AS kind
          FROM attribution a JOIN incident i ON i.id = a.incident_id ${inScope(scope, 'a.incident_id')} ${ATTRIBUTING_PARTY_JOINS}
         WHERE a.status = 'ASSERTED' AND ${measurable('i')}
      ),
      -- The first claim's earliest possible day; unknown (null) when any claim is undated, as that one may have come first.
      first_claims AS (
        SELECT incident_id, min(started_from) AS started_from,
               CASE WHEN bool_and(attributed_from IS NOT NULL) THEN min(attributed_from) END AS first_day
          FROM claims GROUP BY incident_id
      ),
      lags AS (
        SELECT started_from, greatest(first_day - started_from, 0) AS days FROM first_claims WHERE first_day IS NOT NULL
      ),
      kind_lags AS (
        SELECT kind, greatest(min(attributed_from) - min(started_from), 0) AS days
          FROM claims GROUP BY incident_id, kind HAVING bool_and(attributed_from IS NOT NULL)
      ),
      by_kind AS (
        SELECT kind, json_build_object('kind', kind, ${statistics('days')}) AS row, count(*) AS n FROM kind_lags GROUP BY kind
      ),
      bins AS (
        SELECT * FROM unnest(${binLabels}, ${binMins}, ${binMaxes}) WITH ORDINALITY AS bins(label, min_days, max_days, ordinality)
      ),
      histogram AS (
        SELECT width_bucket(days, ${binMins}) AS ordinality, count(*)::int AS count FROM lags GROUP BY 1
      ),
      series AS (
        SELECT step::date AS bucket
          FROM (SELECT date_trunc(${unit}, min(started_from)::timestamp) AS low, date_trunc(${unit}, max(started_from)::timestamp) AS high FROM lags) bounds,
               generate_series(low, high, ${step}) AS step
      ),
      over_time AS (
        SELECT series.bucket, json_build_object('start', to_char(series.bucket, 'YYYY-MM-DD'), 'label', to_char(series.bucket, ${label}),
                                                ${statistics('lags.days')}) AS row
          FROM series LEFT JOIN lags ON date_trunc(${unit}, lags.started_from::timestamp)::date = series.bucket
         GROUP BY series.bucket
      )
      SELECT
        (SELECT json_build_object(${statistics('days')}) FROM lags) AS overall,
        (SELECT coalesce(json_agg(row ORDER BY n DESC, kind NULLS LAST), '[]') FROM by_kind) AS by_kind,
        (SELECT json_agg(json_build_object('label', bins.label, 'minDays', bins.min_days, 'maxDays', bins.max_days,
                                           'count', coalesce(histogram.count, 0)) ORDER BY bins.ordinality)
           FROM bins LEFT JOIN histogram ON histogram.ordinality = bins.ordinality) AS distribution,
        (SELECT coalesce(json_agg(row ORDER BY bucket), '[]') FROM over_time) AS over_time,
        starts.undated AS undated_start,
        starts.total - starts.undated - starts.measurable AS imprecise_start,
        starts.measurable - (SELECT count(*)::int FROM first_claims) AS unattributed,
        (SELECT count(*)::int FROM first_claims WHERE first_day IS NULL) AS undated_attribution
      FROM starts`;
    const [row] = await this.aggregate(sql, params.values);
    return {
      startPrecision: args.startPrecision,
      interval: args.interval,
      overall: row.overall,
      byAttributingKind: row.by_kind,
      distribution: row.distribution,
      overTime: row.over_time,
      undatedStart: row.undated_start,
      impreciseStart: row.imprecise_start,
      unattributed: row.unattributed,
      undatedAttribution: row.undated_attribution,
    };
  }
}

/** CTE `accused(incident_id, actor_id)`: who the scope's incidents are attributed to, with one of these statuses. */
function accusedCte(scope: IncidentScope, statuses: string): string {
  return `accused AS (
    SELECT a.incident_id, a.actor_id FROM attribution a ${inScope(scope, 'a.incident_id')}
     WHERE a.incident_id IS NOT NULL AND a.status = ANY(${statuses}))`;
}

/**
 * CTE `chain`: each actor (depth 0) and its ancestors (depth 1, 2 …), with their kind and
 * sponsor country (a STATE is its own sponsor). Over all actors, a small table, so that the
 * attributions are read once; depth-capped against a cycle.
 */
const CHAIN_CTE = `chain(actor_id, ancestor_id, parent_id, kind, sponsor, depth) AS (
    SELECT t.id, t.id, t.parent_id, t.kind, coalesce(t.sponsor_country_code, CASE WHEN t.kind = 'STATE' THEN t.country_code END), 0
      FROM threat_actor t
    UNION ALL
    SELECT chain.actor_id, p.id, p.parent_id, p.kind, coalesce(p.sponsor_country_code, CASE WHEN p.kind = 'STATE' THEN p.country_code END), chain.depth + 1
      FROM chain JOIN threat_actor p ON p.id = chain.parent_id WHERE chain.depth < 100
  )`;

function monthsBetween(first: string, last: string): number {
  const [fy, fm] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  return (ly - fy) * 12 + (lm - fm) + 1;
}
