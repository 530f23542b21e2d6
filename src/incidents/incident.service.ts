import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ThreatActorService, subtreeCte } from '../actors/threat-actor.service';
import { DateSpanColumns, expandPartialDate, toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { assertAllExist, assertId, assignDefined, cleanText, findOrFail } from '../common/lookups';
import { ListOrder, Page, PageArgs, PaginateOptions, RelationList, SortDirection, countMatching, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { containsPatternSql, rankSql, textQuery } from '../common/text-search';
import { requireCountryCode } from '../countries/country.service';
import { STARTED_ORDER } from './incident-order';
import { IncidentTarget } from './incident-target.entity';
import { Incident } from './incident.entity';
import {
  CreateIncidentInput, IncidentFilter, IncidentSort, IncidentSortField, TargetInput, UpdateIncidentInput,
} from './incident.inputs';

@Injectable()
export class IncidentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
  ) {}

  get(id: string): Promise<Incident> {
    return findOrFail(this.dataSource.manager, Incident, id, 'Incident');
  }

  async list(
    filter: IncidentFilter | undefined, sort: IncidentSort | undefined, page: PageArgs, loaders?: RequestLoaders, options?: PaginateOptions,
  ): Promise<Page<Incident>> {
    const matching = await this.matching(filter);
    const { relatedSets, onIncident } = matching;
    // Conditions on two or more kinds of related rows (claims, targets): the incidents in all of them
    // are found as a whole, one INTERSECT of their ids, hashed, before the incidents' own conditions
    // are checked by primary key (withRelated). A semi-join per kind let PostgreSQL start from an
    // incident condition instead (37,528 incidents of "since 2021" read from the period index, 32,380
    // of a type from the heap) or walk the latest-first order probing each incident's claims. The
    // count always reads the intersection; so does the page when it is counted too (its first page,
    // totalCount selected): one statement then finds the matches, counts them (countInPage) and sorts
    // them. A later page, or one without its count, keeps the semi-joins, which may stop after the
    // page's rows in the list's order.
    const intersected = relatedSets.length >= 2;
    const countedWithPage = intersected && !!options?.countNow && !page.after && !page.before;
    const query = this.withRelated(matching, countedWithPage ? 'intersect' : 'each');
    const countQuery = intersected && !countedWithPage ? this.withRelated(matching, 'intersect') : query;
    for (const q of new Set([query, countQuery])) this.whereStartedBy(q, filter);
    let count: (() => Promise<number>) | undefined;
    if (relatedSets.length === 1 && !onIncident) count = () => this.countRelated(relatedSets[0], query.getParameters());
    else if (intersected && !onIncident) count = () => this.countRelated({ sql: intersection(relatedSets), distinct: true }, countQuery.getParameters());
    else if (intersected) count = () => countMatching(countQuery);
    return paginate(query, this.order(filter, sort), page, loaders, {
      ...options,
      count,
      // Not for a page ranked by relevance, though it reads every match too: the window holds each
      // match's row and vector, which cost 'spearphishing ministry' 10 ms more than the page with its
      // count beside it on a second connection (50.8 against 40.5 and 29.2 ms).
      countInPage: countedWithPage,
    });
  }

  /** The incidents' own conditions plus their related sets, each as a semi-join or all as one intersection. */
  private withRelated(matching: Matching, form: 'each' | 'intersect'): SelectQueryBuilder<Incident> {
    const query = matching.query.clone();
    const params = Object.assign({}, ...matching.related.map((r) => r.params));
    if (form === 'intersect' && matching.relatedSets.length >= 2) {
      // An array (an InitPlan), not a semi-join: PostgreSQL sorts it and reads the incidents in one pass
      // of the primary key (the 4,911 incidents of China's actors and Government targets: 8,800
      // buffers; 22,988 as a semi-join, the key probed once per id).
      query.andWhere(`incident.id = ANY(ARRAY(${intersection(matching.relatedSets)}))`, params);
    } else {
      for (const related of matching.related) query.andWhere(`incident.id IN (${related.sql})`, related.params);
    }
    return query;
  }

  private whereStartedBy(query: SelectQueryBuilder<Incident>, filter: IncidentFilter | undefined): void {
    if (filter?.occurredTo) {
      // Implied by the overlap, and written on the start order's key (incident_started_order_idx), so that
      // the latest-first page reads from the period's end instead of passing every later incident: a match
      // starts by occurredTo, unless its earliest start is unknown (it started "by started_to", which may be
      // later; the latest such match is found in incident_start_unknown_idx).
      query.andWhere(
        `${STARTED_KEY} <= greatest(CAST(:occurredTo AS date),
           (SELECT max(unknown_start.started_to) FROM incident unknown_start
             WHERE unknown_start.started_from IS NULL AND unknown_start.started_to IS NOT NULL AND ${overlaps('unknown_start')}))`,
      );
    }
  }

  /**
   * totalCount of a filter whose only condition is on one kind of related row (claims, or
   * targets): the distinct incident ids of those rows. Each is an incident (a foreign key),
   * so the count is exact without reading incident: one pass over the rows, instead of a
   * semi-join probing every incident. Rows that are one per incident already are counted as they are.
   */
  private async countRelated(related: RelatedSet, parameters: ObjectLiteral): Promise<number> {
    const counted = related.distinct ? 'count(*)' : 'count(DISTINCT related.incident_id)';
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT ${counted} AS cnt FROM (${related.sql}) related`, parameters,
    );
    const rows: { cnt: string }[] = await this.dataSource.query(sql, values);
    return Number(rows[0].cnt);
  }

  /** The order of the incident list (latest start first, or by relevance to a search); the CSV export uses it too. */
  order(filter: IncidentFilter | undefined, sort: IncidentSort | undefined): ListOrder {
    const search = filter?.search?.trim();
    const field = sort?.field ?? (search ? IncidentSortField.RELEVANCE : IncidentSortField.STARTED);
    let expressions: string[];
    switch (field) {
      case IncidentSortField.TITLE:
        expressions = ['lower(incident.title)'];
        break;
      case IncidentSortField.RELEVANCE:
        if (!search) throw new BadUserInputError('sort RELEVANCE needs filter.search', { field: 'sort.field' });
        expressions = [relevanceSql(search)];
        break;
      default:
        expressions = [STARTED_KEY];
    }
    return { expressions, direction: sort?.direction ?? SortDirection.DESC };
  }





  /**
   * The incidents matching a filter, as a query builder on alias `incident`: the one
   * place the incident filter is turned into SQL, for the list and for any aggregate
   * over the same filter. Each condition is written so that an index can find its rows
   * (migrations/1764200000000-AnalystSearch.ts).
   */
  async filtered(filter: IncidentFilter | undefined): Promise<SelectQueryBuilder<Incident>> {
    return this.withRelated(await this.matching(filter), 'each');
  }

  /** `filtered`'s conditions: those on the incident's own columns (`query`), and those on related rows, apart. */
  private async matching(filter: IncidentFilter | undefined): Promise<Matching> {
    const query = this.dataSource.getRepository(Incident).createQueryBuilder('incident');
    const matching: Matching = { query, related: [], relatedSets: [], onIncident: false };
    if (!filter) return matching;
    await this.whereAttributed(matching, filter);
    await this.whereTargeted(matching, filter);
    const onIncident = [filter.type, filter.techniqueId, filter.campaignId, filter.search?.trim(), filter.occurredFrom, filter.occurredTo];
    matching.onIncident = onIncident.some((condition) => !!condition);
    if (filter.type) query.andWhere('incident.types @> ARRAY[:type]::text[]', { type: filter.type });
    if (filter.techniqueId) {
      query.andWhere('incident.technique_ids @> ARRAY[:techniqueId]::text[]', { techniqueId: filter.techniqueId });
    }
    if (filter.campaignId) query.andWhere('incident.campaign_id = :campaignId', { campaignId: filter.campaignId });
    const search = filter.search?.trim();
    if (search) {
      // Full-text (words, prefixes, stemming); for plain text of 3+ characters also the text
      // found literally (trigram index), which finds word middles ("attack" in "cyberattacks").
      // Shorter text would match inside too many words ("us" in "Russia").
      const text = textQuery(search, 'searchQuery');
      const literal = !text.webSearch && search.length >= MIN_LITERAL_LENGTH;
      query.andWhere(
        literal
          ? `(incident.search_vector @@ ${text.sql}
              OR search_fold(incident.title || ' ' || coalesce(incident.summary, '')) LIKE ${containsPatternSql('searchText')})`
          : `incident.search_vector @@ ${text.sql}`,
        { ...text.params, ...(literal ? { searchText: search } : {}) },
      );
    }
    // Overlap with the incident's possible time: from its earliest start to its latest end
    // (open when only the earliest end is known; its latest start when nothing is known of
    // the end); incidents with no date at all never match.
    if (filter.occurredFrom || filter.occurredTo) {
      const from = filter.occurredFrom ? expandPartialDate(filter.occurredFrom, 'filter.occurredFrom').first : null;
      const to = filter.occurredTo ? expandPartialDate(filter.occurredTo, 'filter.occurredTo').last : null;
      if (from && to && from > to) {
        throw new BadUserInputError(`filter.occurredFrom (${filter.occurredFrom}) is after filter.occurredTo (${filter.occurredTo})`, {
          field: 'filter.occurredFrom',
        });
      }
      query.andWhere(overlaps('incident'), { occurredFrom: from, occurredTo: to });
    }
    return matching;
  }

  /**
   * Conditions on attributions, all met by ONE attribution of the incident: "attributed to
   * APT28 by a Norwegian party with confidence ≥ 70" is one claim, not three.
   * The small tables (actors, organizations, people) are asked first, so that attribution
   * is filtered by lists of ids: the planner then knows how many claims to expect and
   * reaches them through the indexes instead of scanning.
   */
  private async whereAttributed(matching: Matching, filter: IncidentFilter): Promise<void> {
    const claim: string[] = [];
    const params: Record<string, unknown> = {};
    let actorIds: string[] | null = null;
    if (filter.actor) {
      const actor = await this.actors.resolve(filter.actor);
      actorIds = filter.includeSubordinateActors
        ? await this.idsOf(`${subtreeCte('$1::uuid[]')} SELECT id FROM subtree`, [[actor.id]])
        : [actor.id];
    }
    if (filter.sponsorCountry) {
      const sponsored = await this.idsOf(SPONSORED_ACTORS_SQL, [requireCountryCode(filter.sponsorCountry, 'filter.sponsorCountry')]);
      actorIds = intersect(actorIds, sponsored);
    }
    if (actorIds) {
      params.actorIds = actorIds;
      claim.push('a.actor_id = ANY(CAST(:actorIds AS uuid[]))');
    }
    if (filter.attributionStatus) {
      params.attributionStatus = filter.attributionStatus;
      claim.push('a.status = :attributionStatus');
    }
    if (filter.minConfidence !== undefined && filter.minConfidence !== null) {
      params.minConfidence = filter.minConfidence;
      claim.push('a.confidence >= :minConfidence');
    }
    // The party: an organization or a person, the one given and/or one of the country
    // (a person without a country counts with their organization's).
    if (filter.attributedBy || filter.attributingCountry) {
      let organizations = filter.attributedBy ? [filter.attributedBy] : null;
      let people = filter.attributedBy ? [filter.attributedBy] : null;
      if (filter.attributingCountry) {
        const country = requireCountryCode(filter.attributingCountry, 'filter.attributingCountry');
        organizations = intersect(organizations, await this.idsOf(`SELECT id FROM organization WHERE country_code = $1`, [country]));
        people = intersect(people, await this.idsOf(
          `SELECT id FROM person WHERE country_code = $1
           UNION SELECT p.id FROM person p JOIN organization o ON o.id = p.organization_id
                  WHERE p.country_code IS NULL AND o.country_code = $1`,
          [country],
        ));
      }
      params.partyOrganizations = organizations;
      params.partyPeople = people;
      claim.push(`(a.attributed_by_organization_id = ANY(CAST(:partyOrganizations AS uuid[]))
                   OR a.attributed_by_person_id = ANY(CAST(:partyPeople AS uuid[])))`);
    }
    if (!claim.length) return;
    const related = `SELECT a.incident_id FROM attribution a WHERE ${claim.join(' AND ')}`;
    const minConfidence = filter.minConfidence ?? null;
    if (!actorIds && !filter.attributedBy && !filter.attributingCountry && (minConfidence === null || minConfidence >= 0)) {
      // Only status and/or confidence: the incidents whose best confidence under that status (or
      // any, '') reaches it, one row each (incident_claim_confidence, migrations/1765300000020).
      // -1 stands for "no confidence given", so without minConfidence every claim of the status counts.
      params.claimBestStatus = filter.attributionStatus ?? '';
      params.claimBestConfidence = minConfidence ?? -1;
      whereRelated(matching, related, params, {
        sql: `SELECT best.incident_id FROM incident_claim_confidence best
               WHERE best.status = :claimBestStatus AND best.confidence >= :claimBestConfidence`,
        distinct: true,
      });
      return;
    }
    whereRelated(matching, related, params);
  }

  /**
   * Conditions on targets, each met by any target of the incident (a country target and a
   * sector target are separate rows). A targeted person counts with their own country and
   * with their organization's sector and kind, as in the dashboard's breakdowns. As for
   * attributions, the organizations and people are found first.
   */
  private async whereTargeted(matching: Matching, filter: IncidentFilter): Promise<void> {
    // For the list, one OR (the planner estimates its matches, and may walk the page's order probing
    // each incident's targets); for the count, each alternative a SELECT of its own, each one an
    // index-only scan of an index holding the incident id (an OR is a bitmap scan visiting every
    // target's row). The UNION ALL repeats an incident matched twice: count(DISTINCT) counts it once.
    const targeted = (alternatives: string[], params: ObjectLiteral) =>
      whereRelated(
        matching,
        `SELECT t.incident_id FROM incident_target t WHERE ${alternatives.join(' OR ')}`,
        params,
        {
          sql: alternatives.map((condition) => `SELECT t.incident_id FROM incident_target t WHERE ${condition}`).join(' UNION ALL '),
          distinct: false,
        },
      );
    const peopleOf = (organizations: string[]) =>
      this.idsOf(`SELECT id FROM person WHERE organization_id = ANY($1::uuid[])`, [organizations]);
    if (filter.targetCountry) {
      const country = requireCountryCode(filter.targetCountry, 'filter.targetCountry');
      targeted(
        [
          't.country_code = :targetCountry',
          't.organization_id = ANY(CAST(:targetCountryOrganizations AS uuid[]))',
          't.person_id = ANY(CAST(:targetCountryPeople AS uuid[]))',
        ],
        {
          targetCountry: country,
          targetCountryOrganizations: await this.idsOf(`SELECT id FROM organization WHERE country_code = $1`, [country]),
          targetCountryPeople: await this.idsOf(`SELECT id FROM person WHERE country_code = $1`, [country]),
        },
      );
    }
    const sector = filter.targetSector?.trim();
    if (sector) {
      const organizations = await this.idsOf(`SELECT id FROM organization WHERE lower(sector) = lower($1)`, [sector]);
      targeted(
        [
          'lower(t.sector) = lower(:targetSector)',
          't.organization_id = ANY(CAST(:targetSectorOrganizations AS uuid[]))',
          't.person_id = ANY(CAST(:targetSectorPeople AS uuid[]))',
        ],
        { targetSector: sector, targetSectorOrganizations: organizations, targetSectorPeople: await peopleOf(organizations) },
      );
    }
    if (filter.targetOrganizationKind) {
      const organizations = await this.idsOf(`SELECT id FROM organization WHERE kind = $1`, [filter.targetOrganizationKind]);
      targeted(
        ['t.organization_id = ANY(CAST(:targetKindOrganizations AS uuid[]))', 't.person_id = ANY(CAST(:targetKindPeople AS uuid[]))'],
        { targetKindOrganizations: organizations, targetKindPeople: await peopleOf(organizations) },
      );
    }
  }

  private async idsOf(sql: string, params: unknown[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(sql, params);
    return rows.map((row) => String(row.id));
  }

  create(input: CreateIncidentInput): Promise<Incident> {
    const title = cleanText(input.title);
    if (!title) throw new BadUserInputError('title must not be empty', { field: 'title' });
    const started = toDateSpanColumns(input.started, 'started');
    const ended = toDateSpanColumns(input.ended, 'ended');
    assertEndsAfterStart(started, ended);
    return this.dataSource.transaction(async (manager) => {
      if (input.campaignId) await assertAllExist(manager, 'campaign', [input.campaignId], 'Campaign');
      await assertAllExist(manager, 'source_article', input.sourceArticleIds ?? [], 'SourceArticle');
      const incident = await manager.getRepository(Incident).save({
        title,
        summary: cleanText(input.summary) ?? null,
        started,
        ended,
        disclosed: toDateSpanColumns(input.disclosed, 'disclosed'),
        types: [...new Set(input.types ?? [])],
        techniqueIds: [...new Set(input.techniqueIds ?? [])],
        campaignId: input.campaignId ?? null,
      });
      for (const target of input.targets ?? []) await this.insertTarget(manager, incident.id, target);
      await this.replaceSources(manager, incident.id, input.sourceArticleIds ?? []);
      return incident;
    });
  }

  update(input: UpdateIncidentInput): Promise<Incident> {
    if (input.title !== undefined && !cleanText(input.title)) throw new BadUserInputError('title must not be empty', { field: 'title' });
    return this.dataSource.transaction(async (manager) => {
      const incident = await findOrFail(manager, Incident, input.id, 'Incident');
      if (input.campaignId) await assertAllExist(manager, 'campaign', [input.campaignId], 'Campaign');
      assignDefined(incident, {
        title: cleanText(input.title) ?? undefined,
        summary: cleanText(input.summary),
        started: updatedDateSpan(incident.started, input.started, 'started'),
        ended: updatedDateSpan(incident.ended, input.ended, 'ended'),
        disclosed: updatedDateSpan(incident.disclosed, input.disclosed, 'disclosed'),
        types: input.types ? [...new Set(input.types)] : undefined,
        techniqueIds: input.techniqueIds ? [...new Set(input.techniqueIds)] : undefined,
        campaignId: input.campaignId,
      });
      assertEndsAfterStart(incident.started, incident.ended);
      if (input.sourceArticleIds) {
        await assertAllExist(manager, 'source_article', input.sourceArticleIds, 'SourceArticle');
        await this.replaceSources(manager, incident.id, input.sourceArticleIds);
      }
      return manager.getRepository(Incident).save(incident);
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Incident).delete({ id });
    return id;
  }

  addTarget(incidentId: string, target: TargetInput): Promise<IncidentTarget> {
    return this.dataSource.transaction(async (manager) => {
      await findOrFail(manager, Incident, incidentId, 'Incident');
      return this.insertTarget(manager, incidentId, target);
    });
  }

  async removeTarget(targetId: string): Promise<string> {
    assertId(targetId, 'IncidentTarget');
    const result = await this.dataSource.getRepository(IncidentTarget).delete({ id: targetId });
    if (!result.affected) throw new NotFoundError('IncidentTarget', targetId);
    return targetId;
  }

  private async insertTarget(manager: EntityManager, incidentId: string, target: TargetInput): Promise<IncidentTarget> {
    const sector = cleanText(target.sector) ?? null;
    const given = [target.organizationId, target.personId, target.country, sector].filter((v) => v != null && v !== '');
    if (given.length !== 1) {
      throw new BadUserInputError('a target is exactly one of organizationId, personId, country or sector', { field: 'targets' });
    }
    if (target.organizationId) await assertAllExist(manager, 'organization', [target.organizationId], 'Organization');
    if (target.personId) await assertAllExist(manager, 'person', [target.personId], 'Person');
    return manager.getRepository(IncidentTarget).save({
      incidentId,
      role: target.role ?? 'VICTIM',
      organizationId: target.organizationId ?? null,
      personId: target.personId ?? null,
      countryCode: target.country ? requireCountryCode(target.country, 'target.country') : null,
      sector,
    } as IncidentTarget);
  }

  private async replaceSources(manager: EntityManager, incidentId: string, articleIds: string[]): Promise<void> {
    await manager.query(`DELETE FROM incident_source WHERE incident_id = $1`, [incidentId]);
    if (articleIds.length === 0) return;
    await manager.query(
      `INSERT INTO incident_source (incident_id, source_article_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [incidentId, [...new Set(articleIds)]],
    );
  }
}

/**
 * The interval an incident may have been going on, as indexed by incident_occurred_idx
 * (migrations/1764200000000-AnalystSearch.ts: keep the two expressions identical).
 */
const occurredRange = (alias: string) => `daterange(
  coalesce(${alias}.started_from, '-infinity'::date),
  CASE WHEN ${alias}.ended_to IS NOT NULL THEN ${alias}.ended_to WHEN ${alias}.ended_from IS NOT NULL THEN 'infinity'::date
       ELSE coalesce(${alias}.started_to, 'infinity'::date) END,
  '[]')`;

/**
 * Whether the incident under `alias` may have been going on in the period bound as :occurredFrom and
 * :occurredTo: its possible time overlaps it (incidents with no date at all never match).
 */
const overlaps = (alias: string) =>
  `num_nonnulls(${alias}.started_from, ${alias}.started_to, ${alias}.ended_from, ${alias}.ended_to) > 0
   AND ${occurredRange(alias)} && daterange(CAST(:occurredFrom AS date), CAST(:occurredTo AS date), '[]')`;

/** The key of the latest-first order (`order`), as incident_started_order_idx indexes it. */
const STARTED_KEY = `coalesce(incident.started_from, incident.started_to, '-infinity'::date)`;

/**
 * Actors whose sponsor is $1: their own sponsor (a STATE sponsors itself), or, when they
 * name none, that of their nearest ancestor naming one.
 */
const OWN_SPONSOR = (actor: string) =>
  `coalesce(${actor}.sponsor_country_code, CASE WHEN ${actor}.kind = 'STATE' THEN ${actor}.country_code END)`;
const SPONSORED_ACTORS_SQL = `
  WITH RECURSIVE sponsored(id) AS (
    SELECT sponsor.id FROM threat_actor sponsor WHERE ${OWN_SPONSOR('sponsor')} = $1
    UNION
    SELECT child.id FROM threat_actor child JOIN sponsored ON child.parent_id = sponsored.id WHERE ${OWN_SPONSOR('child')} IS NULL
  ) SELECT id FROM sponsored`;

/** The conditions of a filter, by what they are on. */
interface Matching {
  /** The conditions on the incident's own columns, on alias `incident`. */
  query: SelectQueryBuilder<Incident>;
  /** Each condition on related rows, for the page: a SELECT of their incident ids, and its parameters. */
  related: { sql: string; params: ObjectLiteral }[];
  /** Each condition on related rows, for the count: a SELECT of their `incident_id` (the incident's id is among them). */
  relatedSets: RelatedSet[];
  /** Whether any condition is on the incident's own columns. */
  onIncident: boolean;
}

/** The incident ids of the rows meeting a condition on related rows, as the count reads them. */
interface RelatedSet {
  /** SELECT of an `incident_id` column. */
  sql: string;
  /** Whether each incident comes once (else repeats are counted once). */
  distinct: boolean;
}

/** Adds a condition on related rows: `related` selects their incident ids; `forCount`, the same ids. */
function whereRelated(
  matching: Matching, related: string, params: ObjectLiteral, forCount: RelatedSet = { sql: related, distinct: false },
): void {
  matching.relatedSets.push(forCount);
  matching.related.push({ sql: related, params });
}

/** The incident ids in every one of the related sets (their count forms): one INTERSECT, each id once. */
function intersection(sets: RelatedSet[]): string {
  return sets.map((set, i) => `SELECT related_${i}.incident_id FROM (${set.sql}) related_${i}`).join(' INTERSECT ');
}

/** Shortest search text also matched literally, inside words (a trigram needs three characters). */
const MIN_LITERAL_LENGTH = 3;

/** The ids in both lists; `null` stands for "no condition". */
function intersect(list: string[] | null, other: string[]): string[] {
  if (list === null) return other;
  const kept = new Set(other);
  return list.filter((id) => kept.has(id));
}

/**
 * Relevance of an incident to the search text, reading the parameter `filtered` binds:
 * the full-text rank, title words weighing more than summary words (a literal-only match
 * inside a word ranks 0, last). As a numeric, so that the cursor carries it exactly.
 */
function relevanceSql(search: string): string {
  return `(${rankSql('incident.search_vector', textQuery(search, 'searchQuery').rankSql)})::numeric`;
}

/** Refuses an end that cannot be: its latest possible day is before the earliest possible start. */
function assertEndsAfterStart(started: DateSpanColumns, ended: DateSpanColumns): void {
  if (started.from && ended.to && ended.to < started.from) {
    throw new BadUserInputError(`ended (${ended.to}) is before started (${started.from})`, { field: 'ended' });
  }
}

/** A campaign's incidents, earliest start first, undated last. */
export const CAMPAIGN_INCIDENTS: RelationList<Incident> = {
  name: 'incidents.campaign',
  query: (dataSource) => dataSource.getRepository(Incident).createQueryBuilder('incident'),
  parentKey: 'incident.campaign_id',
  order: STARTED_ORDER,
};

/** The incident targets naming an organization, in recording order. */
export const ORGANIZATION_TARGETS: RelationList<IncidentTarget> = {
  name: 'targets.organization',
  query: (dataSource) => dataSource.getRepository(IncidentTarget).createQueryBuilder('target'),
  parentKey: 'target.organization_id',
  order: { expressions: [], direction: SortDirection.ASC },
};
