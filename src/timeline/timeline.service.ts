import { subtreeCte } from '../actors/threat-actor.service';
import { ListOrder, RelationList, SortDirection } from '../common/pagination';
import { TimelineEntry, TimelineEntryKind } from './timeline.types';

/**
 * The order of every timeline, and so its cursor: by earliest possible day, undated last
 * ('infinity'); on the same day an incident's own dates first (started, disclosed, ended:
 * rank 0–2, anything else 3); then in recording order (microseconds, as the other lists'
 * cursors keep them), statements among themselves by their sequence number; the entry's id last.
 * The keys are the columns each timeline's membership query computes, under an alias of its
 * own (incident_timeline, actor_timeline, country_timeline), so that a cursor of one kind of
 * timeline is refused by another.
 */
export function timelineOrder(alias: string): ListOrder {
  return { expressions: ['day', 'rank', 'recorded_us', 'seq'].map((key) => `${alias}.${key}`), direction: SortDirection.ASC };
}

/** The membership columns of one kind of entry read from `alias`: entry id and the sort keys of timelineOrder. */
function keys(alias: string, id: string, from: string, to: string, rank: number, seq = '0::bigint'): string {
  return `${id} AS entry_id, coalesce(${alias}.${from}, ${alias}.${to}, 'infinity'::date) AS day, ${rank} AS rank,
          (extract(epoch FROM ${alias}.created_at) * 1000000)::bigint AS recorded_us, ${seq} AS seq`;
}

const statementKeys = (s: string) => keys(s, `${s}.id`, 'said_from', 'said_to', 3, `${s}.seq`);
const attributionKeys = (a: string) => keys(a, `${a}.id`, 'attributed_from', 'attributed_to', 3);
const responseKeys = (r: string) => keys(r, `${r}.id`, 'responded_from', 'responded_to', 3);

/** An incident's own dates that are known at all (an unknown end is no event), each an entry (see the view). */
const INCIDENT_DATES: [kind: TimelineEntryKind, prefix: string, rank: number][] = [
  [TimelineEntryKind.INCIDENT_STARTED, 'started', 0],
  [TimelineEntryKind.INCIDENT_DISCLOSED, 'disclosed', 1],
  [TimelineEntryKind.INCIDENT_ENDED, 'ended', 2],
];

/** `SELECT <parent>, <keys> FROM <from>` for each of an incident's dates, `i` being the incident in `from`. */
function incidentDates(parent: string, from: string, setOperator: 'UNION ALL' | 'UNION', where = 'true'): string {
  return INCIDENT_DATES.map(
    ([kind, prefix, rank]) =>
      `SELECT ${parent} AS parent_id, ${keys('i', `timeline_date_entry_id(i.id, '${kind}')`, `${prefix}_from`, `${prefix}_to`, rank)}
         FROM ${from} WHERE ${where} AND (i.${prefix}_from IS NOT NULL OR i.${prefix}_to IS NOT NULL)`,
  ).join(`\n       ${setOperator} `);
}

/**
 * Timelines of incidents, actors and countries, each a connection (Relay, a RelationList paged by
 * paginateEach): one query per page for all the parents asked for, with the entries of each parent
 * (its membership query, with the sort keys) joined to the `timeline_entry` view (the TimelineEntry
 * entity) by id. The parameter `:timelineOf` holds the parents' ids (country codes for countries),
 * so a timeline's page is never read ahead inside its parent's statement.
 */
function timelineList(alias: string, members: () => string, parentType: 'uuid' | 'text', name: string): RelationList<TimelineEntry> {
  return {
    // `name` stands for the membership query's text (one per kind of timeline), so it is not rendered per request.
    name,
    query: (dataSource, parents) => dataSource.getRepository(TimelineEntry).createQueryBuilder('entry')
      .innerJoin(`(${members()})`, alias, `${alias}.entry_id = entry.id`)
      .setParameter('timelineOf', [...parents]),
    parentKey: `${alias}.parent_id`,
    order: timelineOrder(alias),
    parentType,
    usesParentIds: true,
  };
}

/** The incident's own dates, every statement linked to it, every attribution of it and every response to it. */
export const INCIDENT_TIMELINE = timelineList('incident_timeline', () => `
      ${incidentDates('i.id', 'incident i', 'UNION ALL', 'i.id = ANY(CAST(:timelineOf AS uuid[]))')}
      UNION ALL
      SELECT l.incident_id, ${statementKeys('s')}
        FROM statement_incident l JOIN statement s ON s.id = l.statement_id WHERE l.incident_id = ANY(CAST(:timelineOf AS uuid[]))
      UNION ALL
      SELECT a.incident_id, ${attributionKeys('a')} FROM attribution a WHERE a.incident_id = ANY(CAST(:timelineOf AS uuid[]))
      UNION ALL
      SELECT r.incident_id, ${responseKeys('r')} FROM response r WHERE r.incident_id = ANY(CAST(:timelineOf AS uuid[]))`, 'uuid', 'timeline.incident');

/**
 * What was said and claimed about an actor, and the dates of the incidents it was named for
 * (by any claim, denials too), and the responses aimed at it or at a claim naming it. With
 * `includeSubordinates`, also about every actor below it (GRU → APT28); without, only this
 * actor: a claim against APT28 is not a claim against the Russian state, and keeping them
 * apart keeps the sources' hedging. An entry reached through several actors is listed once.
 */
function actorTimeline(includeSubordinates: boolean): RelationList<TimelineEntry> {
  return timelineList('actor_timeline', () => actorMembers(includeSubordinates), 'uuid', `timeline.actor:${includeSubordinates}`);
}

function actorMembers(includeSubordinates: boolean): string {
  // Each actor asked for (root_id) with the actors whose entries count for it (id).
  const actors = includeSubordinates
    ? `${subtreeCte('CAST(:timelineOf AS uuid[])')}, actors AS (SELECT root_id, id FROM subtree)`
    : `WITH actors AS (SELECT id AS root_id, id FROM unnest(CAST(:timelineOf AS uuid[])) AS id)`;
  const members = `${actors}, named AS (
      SELECT DISTINCT actors.root_id, a.incident_id FROM actors JOIN attribution a ON a.actor_id = actors.id WHERE a.incident_id IS NOT NULL)
    ${incidentDates('named.root_id', 'named JOIN incident i ON i.id = named.incident_id', 'UNION')}
    UNION
    SELECT actors.root_id, ${statementKeys('s')}
      FROM actors JOIN statement_actor l ON l.actor_id = actors.id JOIN statement s ON s.id = l.statement_id
    UNION
    SELECT actors.root_id, ${attributionKeys('a')} FROM actors JOIN attribution a ON a.actor_id = actors.id
    UNION
    SELECT actors.root_id, ${responseKeys('r')} FROM actors JOIN response r ON r.actor_id = actors.id
    UNION
    SELECT actors.root_id, ${responseKeys('r')}
      FROM actors JOIN attribution a ON a.actor_id = actors.id JOIN response r ON r.attribution_id = a.id`;
  return members;
}

export const ACTOR_TIMELINES = { own: actorTimeline(false), withSubordinates: actorTimeline(true) };

/**
 * A country's timeline: incidents with a target in it (a country target, or a targeted
 * organization or person of that country) with their dates and attributions; statements
 * about the country; attributions naming an actor from, or sponsored by, the country; and
 * the responses the country made. An entry that belongs for several reasons is listed once.
 */
export const COUNTRY_TIMELINE = timelineList('country_timeline', () => `
      WITH targeted AS (
        SELECT DISTINCT coalesce(it.country_code, o.country_code, p.country_code) AS code, it.incident_id
          FROM incident_target it
          LEFT JOIN organization o ON o.id = it.organization_id
          LEFT JOIN person p ON p.id = it.person_id
         WHERE coalesce(it.country_code, o.country_code, p.country_code) = ANY(CAST(:timelineOf AS text[]))),
      actors AS (
        SELECT country_code AS code, id FROM threat_actor WHERE country_code = ANY(CAST(:timelineOf AS text[]))
        UNION SELECT sponsor_country_code, id FROM threat_actor WHERE sponsor_country_code = ANY(CAST(:timelineOf AS text[])))
      ${incidentDates('targeted.code', 'targeted JOIN incident i ON i.id = targeted.incident_id', 'UNION')}
      UNION
      SELECT l.country_code, ${statementKeys('s')}
        FROM statement_country l JOIN statement s ON s.id = l.statement_id WHERE l.country_code = ANY(CAST(:timelineOf AS text[]))
      UNION
      SELECT targeted.code, ${attributionKeys('a')} FROM targeted JOIN attribution a ON a.incident_id = targeted.incident_id
      UNION
      SELECT actors.code, ${attributionKeys('a')} FROM actors JOIN attribution a ON a.actor_id = actors.id
      UNION
      SELECT r.responder_country_code, ${responseKeys('r')} FROM response r WHERE r.responder_country_code = ANY(CAST(:timelineOf AS text[]))`, 'text', 'timeline.country');
