import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The mix of analyst questions the benchmark sends, each one GraphQL request as a client
 * sends it. A query may rotate through several variable sets (request n uses set n mod k),
 * so that one cached plan or one hot row does not stand for the whole question.
 */
export type QueryKind = 'analyst' | 'aggregate';

export interface BenchQuery {
  name: string;
  kind: QueryKind;
  /** What an analyst asks, in words. */
  question: string;
  query: string;
  variables: Record<string, unknown>[];
  /**
   * Returns every row of a long list (no paging): measured last in each concurrency run,
   * so that its load (hundreds of MiB of response, pool waits) does not spill into the others.
   */
  unbounded?: boolean;
}

/** Targets of issues 4 and 6: p95 at concurrency 1. */
export const TARGET_P95_MS: Record<QueryKind, number> = { analyst: 50, aggregate: 100 };

/** The id the generator gives row `i` of `kind` (pg_temp.uid in bench/generate.ts). */
export function benchId(seed: number, kind: string, i: number): string {
  const h = createHash('md5').update(`${seed}:${kind}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The Storting intrusion of the founding seed (README question 3). */
const STORTING_INCIDENT = 'ba82c0d4-6b94-55c4-b305-41e4d2f22ec5';

const ATTRIBUTION_FIELDS = `
  incident { title }
  attributedByOrganization { name }
  attributedByPerson { name }
  attributed { display text }
  confidence confidenceWords status bases notes`;

const INCIDENT_PAGE = (fields = 'id title started { display precision }') =>
  `query ($filter: IncidentFilter, $sort: IncidentSort) {
    incidents(filter: $filter, sort: $sort, first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { ${fields} } }
  }`;

const one = (filter: Record<string, unknown>) => ({ filter });

export function analystQueries(seed: number): BenchQuery[] {
  const generatedIncidents = [1, 2, 3, 5, 8, 13, 21, 34].map((i) => benchId(seed, 'incident', i));
  return [
    {
      name: 'README 1: actor by alias, its attributions',
      kind: 'analyst',
      question: 'Which incidents has APT28 been accused of, under any name, by whom, how confidently? (README query: the actor\'s attributions connection, first page with totalCount)',
      query: `query ($name: String!) { threatActorByName(name: $name) {
        name aliases { name source } ancestors { name }
        attributions(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { ${ATTRIBUTION_FIELDS} } } } }`,
      variables: [{ name: 'Fancy Bear' }],
    },
    {
      name: 'README 1, paged: attributions by alias',
      kind: 'analyst',
      question: 'The same, one page at a time: attributions(filter: { actor }) with totalCount',
      query: `query ($filter: AttributionFilter) { attributions(filter: $filter, first: 20) {
        totalCount pageInfo { hasNextPage endCursor } nodes { actor { name } ${ATTRIBUTION_FIELDS} } } }`,
      variables: [{ filter: { actor: 'Fancy Bear' } }, { filter: { actor: 'sofacy' } }, { filter: { actor: 'Lazarus Group' } }, { filter: { actor: 'APT29' } }],
    },
    {
      name: 'README 2: incidents by target country',
      kind: 'analyst',
      question: 'Which incidents targeted Norway, and to which actors were they attributed?',
      query: INCIDENT_PAGE(`id title started { display precision text }
        targets { role organization { name country { code name } } }
        attributions { nodes { actor { name } attributedByOrganization { name } attributedByPerson { name } status confidence } }`),
      variables: [one({ targetCountry: 'Norway' })],
    },
    {
      name: 'README 3: who said what about an incident',
      kind: 'analyst',
      question: 'Who said what about an incident, in date order, with stance and source?',
      query: `query ($id: ID!) { incident(id: $id) { title statements { nodes {
        said { display text } stance speakerPerson { name } speakerOrganization { name } quote summary
        sources { excerpt article { title } } } } } }`,
      variables: [STORTING_INCIDENT, ...generatedIncidents].map((id) => ({ id })),
    },
    {
      name: 'README 4: actors under the GRU and their incidents',
      kind: 'analyst',
      question: 'Which actors sit under the GRU, and which incidents are attributed to any of them? (README query: first pages of both incident connections)',
      query: `query ($name: String!) { threatActorByName(name: $name) {
        name parent { name } descendants { name kind }
        incidents(includeSubordinates: true) { totalCount nodes { title } } ownIncidents: incidents { nodes { title } } } }`,
      variables: [{ name: 'GRU' }],
    },
    {
      name: 'README 5: statements by speaker role',
      kind: 'analyst',
      question: 'Which statements did foreign ministers make, and about which incidents?',
      query: `query ($filter: StatementFilter) { statements(filter: $filter) { totalCount nodes {
        speakerPerson { name role country { name } } speakerRole said { display text } stance quote summary
        incidents { title } } } }`,
      variables: [{ filter: { speakerRole: 'foreign minister' } }],
    },
    {
      name: 'incidents: actor alias with subordinates',
      kind: 'analyst',
      question: 'Incidents attributed to the GRU or any unit under it (APT28), newest first',
      query: INCIDENT_PAGE(),
      variables: [
        one({ actor: 'GRU', includeSubordinateActors: true }),
        one({ actor: 'Russia', includeSubordinateActors: true }),
        one({ actor: 'fancy-bear', includeSubordinateActors: true }),
      ],
    },
    {
      name: 'incidents: target country',
      kind: 'analyst',
      question: 'Incidents with a target in a country (the most targeted ones)',
      query: INCIDENT_PAGE(),
      variables: [one({ targetCountry: 'US' }), one({ targetCountry: 'Ukraine' }), one({ targetCountry: 'Germany' }), one({ targetCountry: 'EE' })],
    },
    {
      name: 'incidents: date range',
      kind: 'analyst',
      question: 'Incidents that may have been going on in a period',
      query: INCIDENT_PAGE(),
      variables: [
        one({ occurredFrom: '2020-01', occurredTo: '2020-06' }),
        one({ occurredFrom: '2016', occurredTo: '2016' }),
        one({ occurredFrom: '2023-03-01', occurredTo: '2023-03-31' }),
      ],
    },
    {
      name: 'incidents: minimum confidence',
      kind: 'analyst',
      question: 'Incidents attributed with at least a given confidence',
      query: INCIDENT_PAGE(),
      variables: [one({ minConfidence: 90 }), one({ minConfidence: 100 }), one({ minConfidence: 70, attributionStatus: 'ASSERTED' })],
    },
    {
      name: 'incidents: ATT&CK technique',
      kind: 'analyst',
      question: 'Incidents in which a technique was used',
      query: INCIDENT_PAGE(),
      variables: [one({ techniqueId: 'T1566' }), one({ techniqueId: 'T1110' }), one({ techniqueId: 'T1486' })],
    },
    {
      name: 'incidents: sponsor country',
      kind: 'analyst',
      question: 'Incidents attributed to actors sponsored by a state',
      query: INCIDENT_PAGE(),
      variables: [one({ sponsorCountry: 'Russia' }), one({ sponsorCountry: 'China' }), one({ sponsorCountry: 'Iran' }), one({ sponsorCountry: 'KP' })],
    },
    {
      name: 'incidents: full-text search',
      kind: 'analyst',
      question: 'Incidents whose title or summary match words, by relevance',
      query: INCIDENT_PAGE(),
      variables: [one({ search: 'ransomware hospital' }), one({ search: 'spearphishing ministry' }), one({ search: 'brute force parliament' }), one({ search: '"energy utility" -ransomware' })],
    },
    {
      name: 'incidents: combined filters',
      kind: 'analyst',
      question: 'What has Fancy Bear (or anyone under the GRU) done to Germany since 2019, asserted with confidence ≥ 70?',
      query: INCIDENT_PAGE(),
      variables: [
        one({ actor: 'GRU', includeSubordinateActors: true, targetCountry: 'Germany', occurredFrom: '2019', attributionStatus: 'ASSERTED', minConfidence: 70 }),
        one({ actor: 'Fancy Bear', targetCountry: 'US', type: 'ESPIONAGE' }),
        one({ sponsorCountry: 'China', targetSector: 'Government', occurredFrom: '2021' }),
      ],
    },
    {
      name: 'search(query) across everything',
      kind: 'analyst',
      question: 'One ranked search across articles, statements, incidents and actors, with highlighted snippets',
      query: `query ($query: String!) { search(query: $query, first: 20) { totalCount hits { type score snippet node {
        ... on Incident { id title } ... on SourceArticle { id title } ... on Statement { id stance } ... on ThreatActor { id name } } } } }`,
      variables: [{ query: 'Sandworm' }, { query: 'ransomware hospital' }, { query: 'foreign minister condemned' }, { query: 'Fancy Bear' }],
    },
    {
      name: 'actor lookup with suggestions',
      kind: 'analyst',
      question: 'An actor by any name, close misspellings as suggestions',
      query: `query ($name: String!) { threatActorLookup(name: $name) { exact { name kind } exactAlias { name }
        suggestions { actor { name } alias { name } similarity } } }`,
      variables: [{ name: 'Fancy Baer' }, { name: 'FANCY-BEAR' }, { name: 'Lazarus Grup' }, { name: 'Forest Blizzard' }],
    },
    {
      name: 'incidents page with nested targets, attributions, statements',
      kind: 'analyst',
      question: 'A page of incidents with their targets, claims (actor and parent, party and its country) and statements with sources',
      query: INCIDENT_PAGE(`id title
        targets { role sector country { name } organization { name kind country { name } } person { name } }
        attributions { nodes { status confidence actor { name parent { name } } attributedByOrganization { name country { name } } } }
        statements { nodes { stance said { display } speakerPerson { name organization { name } } speakerOrganization { name }
          sources { excerpt article { title publisher } } } }`),
      variables: [one({ targetCountry: 'Ukraine' }), one({ actor: 'Lazarus Group' }), one({ techniqueId: 'T1190' })],
    },
    {
      name: 'incident detail: claims, citations, sources',
      kind: 'analyst',
      question: 'One incident: who claims what (claims), the citations behind each attribution, and its articles',
      query: `query ($id: ID!) { incident(id: $id) { title types techniques { id name }
        claims { actor { name } contested strongestConfidence asserters { name } challengers { name } }
        attributions { nodes { status actor { name } citations { excerpt article { title } } } }
        sources { title publisher published { display } } } }`,
      variables: [STORTING_INCIDENT, ...generatedIncidents].map((id) => ({ id })),
    },
  ];
}

/**
 * The dashboard's aggregates, from bench/dashboard-queries.ts when the dashboard module
 * left it there (target p95 < 100 ms, issue 6).
 */
export function aggregateQueries(): BenchQuery[] {
  const file = join(__dirname, 'dashboard-queries.ts');
  if (!existsSync(file)) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dashboardQueries } = require('./dashboard-queries') as typeof import('./dashboard-queries');
  return dashboardQueries({ actor: 'Fancy Bear', country: 'Ukraine', from: '2019', to: '2021' }).map((q) => ({
    name: `dashboard: ${q.name}`,
    kind: 'aggregate' as const,
    question: 'Dashboard aggregate (bench/dashboard-queries.ts)',
    query: q.query,
    variables: [q.variables],
  }));
}
