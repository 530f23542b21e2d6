import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ThreatActorService } from '../actors/threat-actor.service';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DatePrecision, expandPartialDate } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { requireCountryCode } from '../countries/country.service';
import { IncidentFilter } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import {
  AccusedActorArgs, ActorRollUp, AttributionBreakdownArgs, AttributionLag, AttributionLagArgs, BreakdownArgs,
  CountedScope, IncidentBreakdown, IncidentScope, IncidentTimeline, LagStatistics, TimeInterval, TimelineArgs,
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

/** Above this many incidents, an aggregate over their facets gets AGGREGATE_WORK_MEM. */
const LARGE_SCOPE = 20_000;

const isLarge = (scope: IncidentScope) => !scope.counted && (scope.everything || (scope.total ?? Infinity) > LARGE_SCOPE);

/** The widest start, in days, of each START_SPAN facet key (migrations/1764800000000-DashboardSummaries.ts). */
const SPAN_DAYS: Record<string, number> = { DAY: 1, MONTH: 31, YEAR: 366 };

/**
 * The qualifiers of the START_MONTH, START_QUARTER and START_YEAR facets (how well the start is
 * known; migrations/1764800000000-DashboardSummaries.ts), named so that a filtered timeline reads
 * them as ranges of incident_facet's primary key.
 */
const START_QUALIFIERS = ['EXACT', 'EARLIEST', 'IMPRECISE', 'UNDATED'];

/** The label of a group is one spelling of its case-folded key (from the facets' labels). */
const SPELLED = 'spelled';

/**
 * Where each dimension is counted: its facet in incident_facet, whether it is qualified by the
 * attribution status, and how a group (key, as text) gets its label.
 */
const byActor = { label: 'actor.name', labelJoin: 'JOIN threat_actor actor ON actor.id = counted.key::uuid' };
const byCountry = { label: 'country.name', labelJoin: 'JOIN country ON country.code = counted.key' };
const FACETS: Record<Dimension, { facet: string; byStatus: boolean; label: string; labelJoin?: string }> = {
  [Dimension.ACCUSED_ACTOR]: { facet: 'ACCUSED_ACTOR', byStatus: true, ...byActor },
  // The sponsor of the nearest actor, among the accused one and its ancestors, that names one; a STATE sponsors itself.
  [Dimension.SPONSOR_COUNTRY]: { facet: 'SPONSOR_COUNTRY', byStatus: true, ...byCountry },
  // The same countries as filter.targetCountry matches: the target's country, or its organization's or person's.
  [Dimension.TARGET_COUNTRY]: { facet: 'TARGET_COUNTRY', byStatus: false, ...byCountry },
  // Grouped ignoring case; shown in one of the spellings used.
  [Dimension.TARGET_SECTOR]: { facet: 'TARGET_SECTOR', byStatus: false, label: SPELLED },
  [Dimension.TARGET_ORGANIZATION_KIND]: { facet: 'TARGET_ORGANIZATION_KIND', byStatus: false, label: 'counted.key' },
  [Dimension.TYPE]: { facet: 'TYPE', byStatus: false, label: 'counted.key' },
  [Dimension.TECHNIQUE]: { facet: 'TECHNIQUE', byStatus: false, label: 'counted.key' },
  // The organization credited; for a person alone, their organization, or else the person.
  [Dimension.ATTRIBUTING_PARTY]: {
    facet: 'ATTRIBUTING_PARTY',
    byStatus: true,
    label: 'coalesce(party_org.name, party_person.name)',
    labelJoin: `LEFT JOIN organization party_org ON party_org.id = counted.key::uuid
                LEFT JOIN person party_person ON party_person.id = counted.key::uuid`,
  },
  [Dimension.ATTRIBUTING_KIND]: { facet: 'ATTRIBUTING_KIND', byStatus: true, label: 'counted.key' },
};

/** The accused actor's facet for each roll-up up the hierarchy. */
const ACCUSED_FACET: Record<ActorRollUp, string> = {
  [ActorRollUp.NONE]: 'ACCUSED_ACTOR',
  [ActorRollUp.AGENCY]: 'ACCUSED_AGENCY',
  [ActorRollUp.TOP]: 'ACCUSED_TOP',
};

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
 * adds conditions on `incident`, never a join that could repeat it). Filtered, materialized
 * (its ids are $1, see DashboardService.scope).
 */
export const scopeCte = (scope: IncidentScope) => `scope AS ${scope.everything ? '' : 'MATERIALIZED '}(${scope.sql})`;

/** The scope's CTE and a comma, or nothing when the scope is counted ahead (its statements read the counts only). */
const scopeCtes = (scope: IncidentScope) => (scope.counted ? '' : `${scopeCte(scope)},`);

/**
 * The rows of a counted scope ($1, $2: migrations/1765300000010-ScopeCounts.ts) in one dimension: the
 * counts of its incidents' facets per (qualifier, key, label), a few hundred rows of the table's key.
 */
const scopeCounts = (dimension: string) =>
  `incident_scope_facet_count c WHERE c.scope = $1::text AND c.scope_key = $2::text AND c.dimension = ${dimension}`;

/** A counted scope's total: each incident has exactly one START_YEAR facet. */
const COUNTED_TOTAL = `(SELECT coalesce(sum(c.incidents), 0)::int FROM ${scopeCounts(`'START_YEAR'`)})`;

/**
 * Limits rows to the scope by their incident id: `AND <incidentId> = ANY(ids)`, nothing when
 * the scope is every incident. Over incident_facet's primary key (dimension, qualifier,
 * incident_id, key; migrations/1765200000010-FacetScopeOrder.ts) the scope's rows of one
 * (dimension, qualifier) are one range walked once through the sorted ids: for the 8,607
 * incidents of one actor 1,600–3,600 buffers, where a join to the scope's rows probed
 * incident_facet_incident_idx once per incident (34,000 buffers) or hashed every row of the
 * dimension (100,000–300,000 rows).
 */
const inScope = (scope: IncidentScope, incidentId: string) => (scope.everything ? '' : `AND ${incidentId} = ANY($1::uuid[])`);

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
   * Runs one aggregate statement; `large` (it groups the rows of more than LARGE_SCOPE
   * incidents) with room to hash in memory: at 100,000 incidents its hash
   * tables outgrow PostgreSQL's default 4 MB work_mem and spill to disk. SET LOCAL ends with
   * the transaction, so other queries keep the server's setting.
   */
  private aggregate(sql: string, parameters: unknown[], large: boolean): Promise<Record<string, any>[]> {
    // Over counts, or the facets of a few thousand incidents, the default is plenty, and a plain
    // statement saves the three round trips of BEGIN, SET and COMMIT.
    if (!large) return this.dataSource.query(sql, parameters);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '${AGGREGATE_WORK_MEM}'`);
      return manager.query(sql, parameters);
    });
  }

  /**
   * The incidents of the filter. Filtered, they are found once here, and every aggregate of the
   * request starts from their ids (one array parameter) instead of evaluating the filter again:
   * the dashboard page asks five aggregates of one filter, and the filter (a join over the
   * attributions or targets, a date range over the incidents) cost more than most aggregates.
   */
  async scope(filter: IncidentFilter | undefined): Promise<IncidentScope> {
    const counted = await this.countedScope(filter);
    if (counted) {
      let listed: Promise<IncidentScope> | undefined;
      return {
        sql: '', parameters: [counted.scope, counted.key], everything: false, counted,
        listed: () => (listed ??= this.listedScope(filter)),
      };
    }
    return this.listedScope(filter);
  }

  /**
   * The scope of a filter of exactly one condition that the per-scope counts hold: `actor` (without
   * its subordinates) or `targetCountry`; null for any other filter, which then lists its ids. The
   * actor and the country are resolved as IncidentService.filtered resolves them (same errors).
   */
  private async countedScope(filter: IncidentFilter | undefined): Promise<CountedScope | null> {
    if (!filter) return null;
    const given = Object.entries(filter).filter(
      ([name, value]) => value !== undefined && value !== null && !(name === 'includeSubordinateActors' && value === false),
    );
    if (given.length !== 1) return null;
    const [[name, value]] = given;
    if (typeof value !== 'string' || !value) return null;
    if (name === 'actor') return { scope: 'ACTOR', key: (await this.actors.resolve(value)).id };
    if (name === 'targetCountry') return { scope: 'TARGET_COUNTRY', key: requireCountryCode(value, 'filter.targetCountry') };
    return null;
  }

  /** A counted scope as the ids of its incidents, for an aggregate the counts cannot answer. */
  private async listed(scope: IncidentScope): Promise<IncidentScope> {
    return scope.counted && scope.listed ? scope.listed() : scope;
  }

  private async listedScope(filter: IncidentFilter | undefined): Promise<IncidentScope> {
    const query = (await this.incidents.filtered(filter)).select('incident.id', 'id');
    const [sql, parameters] = query.getQueryAndParameters();
    if (query.expressionMap.wheres.length === 0) return { sql, parameters, everything: true };
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS total, coalesce(array_agg(matching.id), '{}')::text AS ids FROM (${sql}) matching`,
      parameters,
    );
    return { sql: 'SELECT unnest($1::uuid[]) AS id', parameters: [row.ids], everything: false, total: row.total };
  }

  async total(scope: IncidentScope): Promise<number> {
    if (scope.total !== undefined) return scope.total;
    if (scope.counted) return (await this.dataSource.query(`SELECT ${COUNTED_TOTAL} AS total`, scope.parameters))[0].total;
    if (scope.everything) {
      // Every incident has exactly one START_YEAR facet (migrations/1764800000000-DashboardSummaries.ts).
      const [row] = await this.dataSource.query(
        `SELECT coalesce(sum(incidents), 0)::int AS total FROM incident_facet_count WHERE dimension = 'START_YEAR'`,
      );
      return row.total;
    }
    const [row] = await this.dataSource.query(`WITH ${scopeCte(scope)} SELECT count(*)::int AS total FROM scope`, scope.parameters);
    return row.total;
  }

  /**
   * One breakdown, counted from the incident facets (migrations/1764800000000-DashboardSummaries.ts),
   * which hold each incident's keys in each dimension. Unfiltered with one status, the counts
   * come ready from incident_facet_count; filtered, the scope's facets are counted; rolled up to
   * a list of actors, each accused actor's incidents are counted under the nearest listed one.
   */
  async breakdown(
    scope: IncidentScope,
    dimension: Dimension,
    args: BreakdownArgs & Partial<AttributionBreakdownArgs & AccusedActorArgs>,
  ): Promise<IncidentBreakdown> {
    const spec = FACETS[dimension];
    const qualifiers = spec.byStatus ? [...new Set(args.statuses ?? [AttributionStatus.ASSERTED])] : [''];
    // The counts are per key: several statuses (an incident counted once over them) or rollUpTo need the facets.
    if (qualifiers.length > 1 || (dimension === Dimension.ACCUSED_ACTOR && args.rollUpTo?.length)) scope = await this.listed(scope);
    const params = new Parameters(scope);
    const rolled = dimension === Dimension.ACCUSED_ACTOR ? await this.rollUpCte(args, params) : null;
    const facetName = dimension === Dimension.ACCUSED_ACTOR && !rolled ? ACCUSED_FACET[args.rollUp ?? ActorRollUp.NONE] : spec.facet;
    const facet = params.add(rolled ? 'ACCUSED_ACTOR' : facetName, 'text');
    const qualifier = params.add(qualifiers, 'text[]');
    const top = params.add(args.top, 'int');
    const ready = scope.everything && qualifiers.length === 1 && !rolled;
    // One qualifier, not rolled up: the scope's facet rows are already one per incident and key (the
    // primary key), and each incident with any key has one marker row (key ''), so one read of the
    // range gives the counts per key and the incidents covered without grouping by incident.
    const single = !scope.everything && qualifiers.length === 1 && !rolled;
    // pairs: one row per incident and key; counted: per key; covered: the incidents with any key.
    const ctes = scope.counted
      ? `counted AS (
           SELECT c.key, min(nullif(c.label, '')) AS label, sum(c.incidents)::int AS count
             FROM ${scopeCounts(facet)} AND c.qualifier = ANY(${qualifier}) AND c.key <> '' GROUP BY c.key),
         covered AS (SELECT coalesce(sum(c.incidents), 0)::int AS n FROM ${scopeCounts(facet)} AND c.qualifier = ANY(${qualifier}) AND c.key = '')`
      : ready
      ? `counted AS (
           SELECT c.key, NULL::text AS label, c.incidents AS count FROM incident_facet_count c
            WHERE c.dimension = ${facet} AND c.qualifier = ANY(${qualifier}) AND c.key <> '' AND c.incidents > 0),
         covered AS (
           SELECT coalesce(sum(c.incidents), 0)::int AS n FROM incident_facet_count c
            WHERE c.dimension = ${facet} AND c.qualifier = ANY(${qualifier}) AND c.key = '')`
      : single
      ? `rows AS MATERIALIZED (
           SELECT f.key, f.label FROM incident_facet f
            WHERE f.dimension = ${facet} AND f.qualifier = ANY(${qualifier}) ${inScope(scope, 'f.incident_id')}),
         counted AS (SELECT key, min(label) AS label, count(*)::int AS count FROM rows WHERE key <> '' GROUP BY key),
         covered AS (SELECT count(*)::int AS n FROM rows WHERE key = '')`
      : `pairs AS (
           SELECT f.incident_id, ${rolled ? 'rolled.group_id::text' : 'f.key'} AS key, min(f.label) AS label
             FROM incident_facet f ${rolled ? 'JOIN rolled ON rolled.actor_id = f.key::uuid' : ''}
            WHERE f.dimension = ${facet} AND f.qualifier = ANY(${qualifier}) AND f.key <> '' ${inScope(scope, 'f.incident_id')}
            GROUP BY 1, 2),
         counted AS (SELECT key, min(label) AS label, count(*)::int AS count FROM pairs GROUP BY key),
         covered AS (SELECT count(DISTINCT incident_id)::int AS n FROM pairs)`;
    // The spelling of a case-folded key: the least one used (from the facets, by index, when the counts came ready).
    const spelled = ready
      ? `(SELECT min(f.label) FROM incident_facet f WHERE f.dimension = ${facet} AND f.qualifier = ANY(${qualifier})
                                                      AND f.key = counted.key AND f.label IS NOT NULL)`
      : 'counted.label';
    const label = spec.label === SPELLED ? spelled : spec.label;
    const sql = `
      WITH RECURSIVE ${scopeCtes(scope)} ${rolled ? `${CHAIN_CTE}, ${rolled},` : ''}
      ${ctes},
      ranked AS (
        SELECT counted.key, ${label} AS label, counted.count,
               row_number() OVER (ORDER BY counted.count DESC, ${label}, counted.key) AS rank
          FROM counted ${spec.labelJoin ?? ''}
      )
      SELECT
        total,
        total - (SELECT n FROM covered) AS none,
        (SELECT coalesce(json_agg(json_build_object('key', key, 'label', label, 'count', count) ORDER BY rank), '[]')
           FROM ranked WHERE rank <= ${top}) AS groups,
        (SELECT coalesce(sum(count), 0)::int FROM ranked WHERE rank > ${top}) AS other,
        (SELECT count(*)::int FROM ranked WHERE rank > ${top}) AS other_groups
      FROM (SELECT ${scope.everything ? `(SELECT coalesce(sum(incidents), 0) FROM incident_facet_count WHERE dimension = 'START_YEAR')::int`
                                       : scope.counted ? COUNTED_TOTAL
                                       : scope.total !== undefined ? params.add(scope.total, 'int') : '(SELECT count(*)::int FROM scope)'} AS total) totals`;
    const [row] = await this.aggregate(sql, params.values, !ready && isLarge(scope));
    return { total: row.total, groups: row.groups, other: row.other, otherGroups: row.other_groups, none: row.none };
  }

  /**
   * CTE `rolled(actor_id, group_id)` over `chain` for rollUpTo: the actor each accused actor is
   * counted as, the nearest listed one; null without rollUpTo (AGENCY and TOP have facets of their own).
   */
  private async rollUpCte(args: Partial<AccusedActorArgs>, params: Parameters): Promise<string | null> {
    if (!args.rollUpTo?.length) return null;
    if ((args.rollUp ?? ActorRollUp.NONE) !== ActorRollUp.NONE) {
      throw new BadUserInputError('give either rollUp or rollUpTo, not both', { field: 'rollUpTo' });
    }
    const targets: string[] = [];
    for (const nameOrId of args.rollUpTo) targets.push((await this.actors.resolve(nameOrId)).id);
    const ids = params.add(targets, 'uuid[]');
    // The nearest listed actor among itself and its ancestors; when none is listed, depth 0 (itself) comes first.
    return `rolled AS (
      SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain
       ORDER BY actor_id, (ancestor_id = ANY(${ids})) DESC, depth)`;
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
    const facet = params.add(`START_${interval.unit.toUpperCase()}`, 'text');
    const unit = params.add(interval.unit, 'text');
    const step = params.add(interval.step, 'interval');
    const label = params.add(interval.label, 'text');
    const from = params.add(first, 'date');
    const to = params.add(last, 'date');
    const includeImprecise = params.add(args.includeImprecise, 'boolean');
    // From the START_<unit> facets: EXACT starts lie in one bucket; EARLIEST ones have a first day
    // only, placed with includeImprecise; IMPRECISE ones have neither; UNDATED ones no date at all.
    const starts = scope.everything
      ? `SELECT qualifier, key, incidents AS n FROM incident_facet_count WHERE dimension = ${facet}`
      : scope.counted
      ? `SELECT c.qualifier, c.key, sum(c.incidents)::int AS n FROM ${scopeCounts(facet)} GROUP BY c.qualifier, c.key`
      : `SELECT f.qualifier, f.key, count(*)::int AS n FROM incident_facet f
          WHERE f.dimension = ${facet} AND f.qualifier = ANY(${params.add(START_QUALIFIERS, 'text[]')}) ${inScope(scope, 'f.incident_id')}
          GROUP BY f.qualifier, f.key`;
    const sql = `
      WITH ${scopeCtes(scope)}
      starts AS (
        SELECT CASE WHEN qualifier = 'UNDATED' THEN 'UNDATED'
                    WHEN qualifier = 'EXACT' OR (qualifier = 'EARLIEST' AND ${includeImprecise}) THEN 'PLACED'
                    ELSE 'IMPRECISE' END AS state,
               CASE WHEN key = '' THEN NULL ELSE key::date END AS bucket, n
          FROM (${starts}) facets
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
        SELECT series.bucket, coalesce(sum(starts.n), 0)::int AS count
          FROM series LEFT JOIN starts ON starts.state = 'PLACED' AND starts.bucket = series.bucket
         GROUP BY series.bucket
      )
      SELECT
        (SELECT coalesce(json_agg(json_build_object(
                  'start', to_char(bucket, 'YYYY-MM-DD'), 'label', to_char(bucket, ${label}), 'count', count) ORDER BY bucket), '[]')
           FROM counted) AS buckets,
        coalesce(sum(n), 0)::int AS total,
        coalesce(sum(n) FILTER (WHERE state = 'UNDATED'), 0)::int AS undated,
        coalesce(sum(n) FILTER (WHERE state = 'IMPRECISE'), 0)::int AS imprecise,
        coalesce(sum(n) FILTER (WHERE state = 'PLACED' AND (bucket < bounds.low OR bucket > bounds.high)), 0)::int AS outside_range
      FROM starts CROSS JOIN bounds`;
    const [row] = await this.aggregate(sql, params.values, !scope.everything && isLarge(scope));
    return {
      interval: args.interval,
      buckets: row.buckets,
      total: row.total,
      undated: row.undated,
      imprecise: row.imprecise,
      outsideRange: row.outside_range,
    };
  }

  /**
   * The attribution lag, from weighted lags (`lag_rows`: how many incidents, or incidents and
   * kinds, have a lag of `days`): unfiltered, the counts of attribution_lag_count
   * (migrations/1765100000005-AttributionLagCounts.ts), a few thousand rows; filtered, the
   * scope's rows of incident_claim_lag (migrations/1764800000000-DashboardSummaries.ts), one
   * per incident and kind of attributing party, with the first day a claim was made and
   * whether every claim is dated. The median and quartiles are percentile_cont's, computed
   * from the counts exactly (weightedDistribution, then lagStatistics). `overTime` false: the
   * request does not select it, and its per-bucket statistics (the month rows) are not computed.
   */
  async attributionLag(scope: IncidentScope, args: AttributionLagArgs, { overTime = true } = {}): Promise<AttributionLag> {
    const widest = PRECISION_DAYS[args.startPrecision];
    if (!widest) throw new BadUserInputError('startPrecision must be DAY, MONTH or YEAR', { field: 'startPrecision' });
    const interval = INTERVALS[args.interval];
    const params = new Parameters(scope);
    const unit = params.add(interval.unit, 'text');
    const step = params.add(interval.step, 'interval');
    const label = params.add(interval.label, 'text');
    const binLabels = params.add(LAG_BINS.map(([name]) => name), 'text[]');
    const binMins = params.add(LAG_BINS.map(([, min]) => min), 'int[]');
    const binMaxes = params.add(LAG_BINS.map(([, , max]) => max), 'int[]');
    // Span classes (as the START_SPAN facets: DAY ≤ 1 day, MONTH ≤ 31, YEAR ≤ 366) of the measurable starts.
    const spans = params.add(Object.entries(SPAN_DAYS).filter(([, days]) => days <= widest).map(([span]) => span), 'text[]');
    const startSpans = scope.everything
      ? `SELECT key, incidents AS n FROM incident_facet_count WHERE dimension = 'START_SPAN'`
      : scope.counted
      ? `SELECT c.key, sum(c.incidents)::int AS n FROM ${scopeCounts(`'START_SPAN'`)} AND c.qualifier = '' GROUP BY c.key`
      : `SELECT f.key, count(*)::int AS n FROM incident_facet f
          WHERE f.dimension = 'START_SPAN' AND f.qualifier = '' ${inScope(scope, 'f.incident_id')} GROUP BY f.key`;
    // lag_rows(overall, kind, start_month, days, n): overall rows per incident (its first claim, of any kind),
    // the others per incident and kind ('' for none); days -1: a claim is undated, as that one may have come first.
    const lagRows = scope.everything
      ? `lag_rows AS (SELECT overall, kind, start_month, days, n FROM attribution_lag_count WHERE span = ANY(${spans}))`
      : scope.counted
      ? `lag_rows AS (SELECT overall, kind, start_month, days, n FROM incident_scope_lag_count
                       WHERE scope = $1::text AND scope_key = $2::text AND span = ANY(${spans}))`
      : `claims AS (
           SELECT c.incident_id, c.kind, c.started_from, c.first_day, c.all_dated
             FROM incident_claim_lag c
            WHERE c.span_days <= ${params.add(widest, 'int')} ${inScope(scope, 'c.incident_id')}
         ),
         lag_rows AS (
           SELECT true AS overall, '' AS kind, date_trunc('month', min(started_from)::timestamp)::date AS start_month,
                  CASE WHEN bool_and(all_dated) THEN greatest(min(first_day) - min(started_from), 0) ELSE -1 END AS days, 1 AS n
             FROM claims GROUP BY incident_id
           UNION ALL
           SELECT false, coalesce(kind, ''), date_trunc('month', started_from::timestamp)::date,
                  CASE WHEN all_dated THEN greatest(first_day - started_from, 0) ELSE -1 END, 1
             FROM claims
         )`;
    const sql = `
      WITH ${scopeCtes(scope)}
      starts AS (
        SELECT coalesce(sum(n) FILTER (WHERE key = 'UNDATED'), 0)::int AS undated,
               coalesce(sum(n) FILTER (WHERE key = ANY(${spans})), 0)::int AS measurable,
               coalesce(sum(n), 0)::int AS total
          FROM (${startSpans}) spans
      ),
      ${lagRows},
      lags AS (SELECT start_month, days, n FROM lag_rows WHERE overall AND days >= 0),
      overall_days AS (SELECT days, sum(n) AS n FROM lags GROUP BY days),
      kind_days AS (SELECT nullif(kind, '') AS kind, days, sum(n) AS n FROM lag_rows WHERE NOT overall AND days >= 0 GROUP BY 1, 2),
      bucket_days AS (SELECT date_trunc(${unit}, start_month::timestamp)::date AS bucket, days, sum(n) AS n FROM lags GROUP BY 1, 2),
      by_kind AS (${weightedDistribution('kind_days', 'kind')}),
      bins AS (
        SELECT * FROM unnest(${binLabels}, ${binMins}, ${binMaxes}) WITH ORDINALITY AS bins(label, min_days, max_days, ordinality)
      ),
      histogram AS (
        SELECT width_bucket(days, ${binMins}) AS ordinality, sum(n)::int AS count FROM overall_days GROUP BY 1
      ),
      series AS (
        SELECT step::date AS bucket
          FROM (SELECT date_trunc(${unit}, min(start_month)::timestamp) AS low, date_trunc(${unit}, max(start_month)::timestamp) AS high FROM lags) bounds,
               generate_series(low, high, ${step}) AS step
      ),
      over_time AS (
        SELECT series.bucket, json_build_object('start', to_char(series.bucket, 'YYYY-MM-DD'), 'label', to_char(series.bucket, ${label}),
                                                'days', w.days) AS row
          FROM series LEFT JOIN (${weightedDistribution('bucket_days', 'bucket')}) w ON w.bucket = series.bucket
      ),
      firsts AS (
        SELECT coalesce(sum(n), 0)::int AS attributed, coalesce(sum(n) FILTER (WHERE days < 0), 0)::int AS undated
          FROM lag_rows WHERE overall
      )
      SELECT
        (SELECT days FROM (${weightedDistribution('overall_days', null)}) w) AS overall,
        (SELECT coalesce(json_agg(json_build_object('kind', w.kind, 'days', w.days) ORDER BY w.n DESC, w.kind NULLS LAST), '[]') FROM by_kind w) AS by_kind,
        (SELECT json_agg(json_build_object('label', bins.label, 'minDays', bins.min_days, 'maxDays', bins.max_days,
                                           'count', coalesce(histogram.count, 0)) ORDER BY bins.ordinality)
           FROM bins LEFT JOIN histogram ON histogram.ordinality = bins.ordinality) AS distribution,
        ${overTime ? `(SELECT coalesce(json_agg(row ORDER BY bucket), '[]') FROM over_time)` : `'[]'::json`} AS over_time,
        starts.undated AS undated_start,
        starts.total - starts.undated - starts.measurable AS imprecise_start,
        starts.measurable - firsts.attributed AS unattributed,
        firsts.undated AS undated_attribution
      FROM starts, firsts`;
    const [row] = await this.aggregate(sql, params.values, !scope.everything && isLarge(scope));
    return {
      startPrecision: args.startPrecision,
      interval: args.interval,
      overall: lagStatistics(row.overall),
      byAttributingKind: row.by_kind.map(({ kind, days }: { kind: string | null; days: WeightedDays }) => ({ kind, ...lagStatistics(days) })),
      distribution: row.distribution,
      overTime: row.over_time.map(({ days, ...bucket }: { days: WeightedDays | null }) => ({ ...bucket, ...lagStatistics(days) })),
      undatedStart: row.undated_start,
      impreciseStart: row.imprecise_start,
      unattributed: row.unattributed,
      undatedAttribution: row.undated_attribution,
    };
  }
}

/**
 * Per group of a weighted distribution `dist(group, days, n)` (n values equal to `days`): the
 * group's total and its `[days, n]` pairs in order of days, as JSON; lagStatistics then reads
 * the count, min, max, median and quartiles off them. Computing the percentiles in SQL (a running
 * count per row, then six filtered minimums per group) cost most of the unfiltered lag's statement
 * (about 40 of 85 ms on the full-scale data, with a sort of the kinds' rows by text); a group's
 * pairs are at most a few hundred. No group without values.
 */
function weightedDistribution(dist: string, group: string | null): string {
  if (!group) return `SELECT sum(n) AS n, json_agg(json_build_array(days, n) ORDER BY days) AS days FROM ${dist} HAVING count(*) > 0`;
  return `SELECT ${group}, sum(n) AS n, json_agg(json_build_array(days, n) ORDER BY days) AS days FROM ${dist} GROUP BY ${group}`;
}

/** `[days, n]` pairs in order of days: n values equal to `days`. */
type WeightedDays = [number, number][];

/**
 * Count, min, max, and the median and quartiles exactly as PostgreSQL's percentile_cont over
 * the n values each pair stands for: rank r = p·(n − 1) among the sorted values (float8 steps,
 * as JavaScript's numbers), the values at floor(r) and ceil(r), lo + (hi − lo)·(r − floor(r)).
 * The value at 0-based rank k is the least `days` whose running count exceeds k. No values: a
 * count of 0 and nulls, as percentile_cont gives.
 */
export function lagStatistics(days: WeightedDays | null): LagStatistics {
  const pairs = days ?? [];
  const total = pairs.reduce((sum, [, n]) => sum + Number(n), 0);
  if (total === 0) return { count: 0, median: null, lowerQuartile: null, upperQuartile: null, min: null, max: null };
  const at = (rank: number) => {
    let upto = 0;
    for (const [value, n] of pairs) {
      upto += Number(n);
      if (upto > rank) return value;
    }
    return pairs[pairs.length - 1][0];
  };
  const percentile = (p: number) => {
    const r = p * (total - 1);
    const lo = at(Math.floor(r));
    return lo + (at(Math.ceil(r)) - lo) * (r - Math.floor(r));
  };
  return {
    count: total, median: percentile(0.5), lowerQuartile: percentile(0.25), upperQuartile: percentile(0.75),
    min: pairs[0][0], max: pairs[pairs.length - 1][0],
  };
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
