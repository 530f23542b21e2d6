/**
 * The dashboard's aggregate queries, for the benchmark to run at its scale (target from
 * issue 6: p95 under 100 ms on this machine). Each is one GraphQL request, as a client
 * sends it; every aggregate is one SQL statement over IncidentService.filtered(filter).
 * `dashboardPage` is the request the page at /dashboard sends (src/dashboard/public/dashboard.js).
 */
export interface DashboardBenchQuery {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

const BREAKDOWN = `{ total groups { key label count } other otherGroups none }`;
const LAG = `count median lowerQuartile upperQuartile min max`;

const PAGE_QUERY = `
  query Dashboard($filter: IncidentFilter, $interval: TimeInterval!, $from: String, $to: String,
                  $rollUp: ActorRollUp!, $top: Int!, $actorName: String!, $hasActor: Boolean!) {
    actor: threatActorByName(name: $actorName) @include(if: $hasActor) { name }
    incidentStats(filter: $filter) {
      total
      timeline(interval: $interval, from: $from, to: $to) { buckets { label count } undated imprecise outsideRange }
      byAccusedActor(top: $top, rollUp: $rollUp) { groups { key label count } other otherGroups none }
      byTargetCountry(top: $top) { groups { key label count } other otherGroups none }
      attributionLag {
        overall { count median lowerQuartile upperQuartile }
        byAttributingKind { kind count median lowerQuartile upperQuartile }
        distribution { label count }
        impreciseStart undatedStart undatedAttribution
      }
    }
  }`;

const pageVariables = (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  filter,
  interval: 'YEAR',
  from: null,
  to: null,
  rollUp: 'NONE',
  top: 8,
  actorName: typeof filter.actor === 'string' ? filter.actor : '',
  hasActor: typeof filter.actor === 'string',
  ...extra,
});

const stats = (name: string, fields: string, filter: Record<string, unknown> | null = null): DashboardBenchQuery => ({
  name,
  query: `query ($filter: IncidentFilter) { incidentStats(filter: $filter) { ${fields} } }`,
  variables: { filter },
});

/**
 * The queries, for an actor name (an alias, say) and a target country present in the
 * benchmark's data; `from`/`to` bound the filtered page view (YYYY, YYYY-MM or YYYY-MM-DD).
 */
export function dashboardQueries(data: { actor: string; country: string; from: string; to: string }): DashboardBenchQuery[] {
  return [
    { name: 'dashboard page, unfiltered', query: PAGE_QUERY, variables: pageVariables({}) },
    { name: 'dashboard page, by actor alias', query: PAGE_QUERY, variables: pageVariables({ actor: data.actor }) },
    {
      name: 'dashboard page, by country and date range, per month',
      query: PAGE_QUERY,
      variables: pageVariables(
        { targetCountry: data.country, occurredFrom: data.from, occurredTo: data.to },
        { interval: 'MONTH', from: data.from, to: data.to },
      ),
    },
    stats('total', 'total'),
    stats('by accused actor', `byAccusedActor(top: 10) ${BREAKDOWN}`),
    stats('by accused actor, rolled up to agencies', `byAccusedActor(top: 10, rollUp: AGENCY) ${BREAKDOWN}`),
    stats('by accused actor, rolled up to the top', `byAccusedActor(top: 10, rollUp: TOP) ${BREAKDOWN}`),
    stats('by sponsor country', `bySponsorCountry(top: 10) ${BREAKDOWN}`),
    stats('by target country', `byTargetCountry(top: 10) ${BREAKDOWN}`),
    stats('by target sector', `byTargetSector(top: 10) ${BREAKDOWN}`),
    stats('by target organization kind', `byTargetOrganizationKind(top: 10) ${BREAKDOWN}`),
    stats('by incident type', `byType(top: 10) ${BREAKDOWN}`),
    stats('by ATT&CK technique', `byTechnique(top: 10) ${BREAKDOWN}`),
    stats('by attributing party', `byAttributingParty(top: 10) ${BREAKDOWN}`),
    stats('by attributing kind', `byAttributingKind(top: 10) ${BREAKDOWN}`),
    stats('timeline per month', `timeline(interval: MONTH) { buckets { start count } undated imprecise outsideRange }`),
    stats('timeline per quarter, imprecise placed', `timeline(interval: QUARTER, includeImprecise: true) { buckets { start count } }`),
    stats(
      'attribution lag',
      `attributionLag { overall { ${LAG} } byAttributingKind { kind ${LAG} } distribution { label count }
        overTime { label ${LAG} } undatedStart impreciseStart unattributed undatedAttribution }`,
    ),
    stats('attribution lag, by actor', `attributionLag { overall { ${LAG} } byAttributingKind { kind ${LAG} } }`, { actor: data.actor }),
    stats('by accused actor, by country', `byAccusedActor(top: 10) ${BREAKDOWN}`, { targetCountry: data.country }),
  ];
}
