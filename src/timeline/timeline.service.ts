import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { subtreeCte } from '../actors/threat-actor.service';
import { sortDay } from '../attributions/attribution-order';
import { Attribution } from '../attributions/attribution.entity';
import { Incident } from '../incidents/incident.entity';
import { Response } from '../responses/response.entity';
import { Statement } from '../statements/statement.entity';
import { TimelineEntry, TimelineEntryKind } from './timeline.types';

type Pair = { key: string; id: string };

/**
 * Timelines of incidents, actors and countries. Each method takes a batch of keys and
 * costs a fixed number of queries whatever their number (it backs a per-request
 * DataLoader), so a timeline over a page of incidents is not a query per incident.
 */
@Injectable()
export class TimelineService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The incident's own dates, every statement linked to it and every attribution of it. */
  async forIncidents(ids: readonly string[]): Promise<TimelineEntry[][]> {
    const incidentIds = [...ids];
    const [incidents, links, attributions, responses] = await Promise.all([
      this.dataSource.getRepository(Incident).findBy({ id: In(incidentIds) }),
      this.pairs(`SELECT incident_id::text AS key, statement_id::text AS id FROM statement_incident WHERE incident_id = ANY($1::uuid[])`, [incidentIds]),
      this.dataSource.getRepository(Attribution).findBy({ incidentId: In(incidentIds) }),
      this.dataSource.getRepository(Response).findBy({ incidentId: In(incidentIds) }),
    ]);
    const statements = await this.statements(links);
    return ids.map((id) =>
      sorted([
        ...incidents.filter((i) => i.id === id).flatMap(incidentDates),
        ...links.filter((l) => l.key === id).map((l) => statementEntry(statements.get(l.id)!)),
        ...attributions.filter((a) => a.incidentId === id).map(attributionEntry),
        ...responses.filter((r) => r.incidentId === id).map(responseEntry),
      ]),
    );
  }

  /**
   * What was said and claimed about an actor, and the dates of the incidents it was
   * accused of (or denied having carried out). With `includeSubordinates`, also about
   * every actor below it (GRU → APT28); without, only this actor: a claim against
   * APT28 is not a claim against the Russian state, and keeping them apart keeps the
   * sources' hedging.
   */
  async forActors(ids: readonly string[], includeSubordinates: boolean): Promise<TimelineEntry[][]> {
    const members: Pair[] = includeSubordinates
      ? await this.pairs(`${subtreeCte('$1::uuid[]')} SELECT root_id::text AS key, id::text AS id FROM subtree`, [[...ids]])
      : ids.map((id) => ({ key: id, id }));
    const actorIds = [...new Set(members.map((m) => m.id))];
    const [links, attributions] = await Promise.all([
      this.pairs(`SELECT actor_id::text AS key, statement_id::text AS id FROM statement_actor WHERE actor_id = ANY($1::uuid[])`, [actorIds]),
      this.dataSource.getRepository(Attribution).findBy({ actorId: In(actorIds) }),
    ]);
    const incidentIds = [...new Set(attributions.map((a) => a.incidentId).filter((id): id is string => Boolean(id)))];
    const attributionIds = attributions.map((a) => a.id);
    const [statements, incidents, responses] = await Promise.all([
      this.statements(links),
      incidentIds.length ? this.dataSource.getRepository(Incident).findBy({ id: In(incidentIds) }) : Promise.resolve([]),
      // Responses aimed at the actor or at a claim naming it.
      this.dataSource.getRepository(Response).find({
        where: [{ actorId: In(actorIds) }, ...(attributionIds.length ? [{ attributionId: In(attributionIds) }] : [])],
      }),
    ]);
    return ids.map((root) => {
      const own = new Set(members.filter((m) => m.key === root).map((m) => m.id));
      const claims = attributions.filter((a) => own.has(a.actorId));
      const accusedIn = new Set(claims.map((a) => a.incidentId));
      const statementIds = new Set(links.filter((l) => own.has(l.key)).map((l) => l.id));
      return sorted([
        ...incidents.filter((i) => accusedIn.has(i.id)).flatMap(incidentDates),
        ...[...statementIds].map((id) => statementEntry(statements.get(id)!)),
        ...claims.map(attributionEntry),
        ...responses.filter((r) => own.has(r.actorId ?? '') || claims.some((a) => a.id === r.attributionId)).map(responseEntry),
      ]);
    });
  }

  /**
   * A country's timeline: incidents with a target in it (a country target, or a targeted
   * organization or person of that country) with their dates and attributions; statements
   * about the country; and attributions naming an actor from, or sponsored by, the country.
   */
  async forCountries(codes: readonly string[]): Promise<TimelineEntry[][]> {
    const list = [...codes];
    const [targeted, links, actors] = await Promise.all([
      this.pairs(
        `SELECT DISTINCT coalesce(it.country_code, o.country_code, p.country_code) AS key, it.incident_id::text AS id
           FROM incident_target it
           LEFT JOIN organization o ON o.id = it.organization_id
           LEFT JOIN person p ON p.id = it.person_id
          WHERE coalesce(it.country_code, o.country_code, p.country_code) = ANY($1::text[])`,
        [list],
      ),
      this.pairs(`SELECT country_code AS key, statement_id::text AS id FROM statement_country WHERE country_code = ANY($1::text[])`, [list]),
      this.pairs(
        `SELECT country_code AS key, id::text AS id FROM threat_actor WHERE country_code = ANY($1::text[])
         UNION SELECT sponsor_country_code, id::text FROM threat_actor WHERE sponsor_country_code = ANY($1::text[])`,
        [list],
      ),
    ]);
    const incidentIds = [...new Set(targeted.map((t) => t.id))];
    const actorIds = [...new Set(actors.map((a) => a.id))];
    const [statements, incidents, attributions, responses] = await Promise.all([
      this.statements(links),
      incidentIds.length ? this.dataSource.getRepository(Incident).findBy({ id: In(incidentIds) }) : Promise.resolve([]),
      this.attributionsOf(incidentIds, actorIds),
      // Responses the country made.
      this.dataSource.getRepository(Response).findBy({ responderCountryCode: In(list) }),
    ]);
    return codes.map((code) => {
      const ownIncidents = new Set(targeted.filter((t) => t.key === code).map((t) => t.id));
      const ownActors = new Set(actors.filter((a) => a.key === code).map((a) => a.id));
      return sorted([
        ...incidents.filter((i) => ownIncidents.has(i.id)).flatMap(incidentDates),
        ...links.filter((l) => l.key === code).map((l) => statementEntry(statements.get(l.id)!)),
        ...attributions.filter((a) => ownIncidents.has(a.incidentId ?? '') || ownActors.has(a.actorId)).map(attributionEntry),
        ...responses.filter((r) => r.responderCountryCode === code).map(responseEntry),
      ]);
    });
  }

  /** Attributions of any of the incidents or naming any of the actors. */
  private attributionsOf(incidentIds: string[], actorIds: string[]): Promise<Attribution[]> {
    const where = [
      ...(incidentIds.length ? [{ incidentId: In(incidentIds) }] : []),
      ...(actorIds.length ? [{ actorId: In(actorIds) }] : []),
    ];
    return where.length ? this.dataSource.getRepository(Attribution).find({ where }) : Promise.resolve([]);
  }

  private pairs(sql: string, params: unknown[]): Promise<Pair[]> {
    return this.dataSource.query(sql, params);
  }

  private async statements(links: Pair[]): Promise<Map<string, Statement>> {
    const ids = [...new Set(links.map((l) => l.id))];
    const rows = ids.length ? await this.dataSource.getRepository(Statement).findBy({ id: In(ids) }) : [];
    return new Map(rows.map((s) => [s.id, s]));
  }
}

const INCIDENT_DATES = [
  ['started', TimelineEntryKind.INCIDENT_STARTED],
  ['disclosed', TimelineEntryKind.INCIDENT_DISCLOSED],
  ['ended', TimelineEntryKind.INCIDENT_ENDED],
] as const;

/** The incident's own dates that are known at all (an unknown end is no event). */
function incidentDates(incident: Incident): TimelineEntry[] {
  return INCIDENT_DATES.filter(([field]) => incident[field].from || incident[field].to).map(([field, kind], i) => ({
    kind, dateColumns: incident[field], incidentId: incident.id, statement: null, attribution: null,
    rank: i, recordedAt: incident.createdAt, seq: 0n,
  }));
}

function statementEntry(statement: Statement): TimelineEntry {
  return {
    kind: TimelineEntryKind.STATEMENT, dateColumns: statement.said, incidentId: null, statement, attribution: null,
    rank: INCIDENT_DATES.length, recordedAt: statement.createdAt, seq: BigInt(statement.seq),
  };
}

function attributionEntry(attribution: Attribution): TimelineEntry {
  return {
    kind: TimelineEntryKind.ATTRIBUTION, dateColumns: attribution.attributed, incidentId: attribution.incidentId, statement: null,
    attribution, rank: INCIDENT_DATES.length, recordedAt: attribution.createdAt, seq: 0n,
  };
}

function responseEntry(response: Response): TimelineEntry {
  return {
    kind: TimelineEntryKind.RESPONSE, dateColumns: response.responded, incidentId: response.incidentId, statement: null,
    attribution: null, response, rank: INCIDENT_DATES.length, recordedAt: response.createdAt, seq: 0n,
  };
}

/**
 * Date order by earliest possible day, undated last; on the same day an incident's own
 * dates first; then recording order, so equally vague dates ("2020-10") keep the order
 * in which they were entered (statement.seq among statements).
 */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  const x = sortDay(a.dateColumns);
  const y = sortDay(b.dateColumns);
  if (x !== y) return x < y ? -1 : 1;
  if (a.rank !== b.rank) return a.rank - b.rank;
  const time = a.recordedAt.getTime() - b.recordedAt.getTime();
  if (time !== 0) return time;
  return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

function sorted(entries: TimelineEntry[]): TimelineEntry[] {
  return entries.sort(compareEntries);
}
