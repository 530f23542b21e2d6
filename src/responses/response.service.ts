import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { subtreeCte, ThreatActorService } from '../actors/threat-actor.service';
import { expandPartialDate, toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { assertAllExist, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, RelationList, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { optionalCountryCode, requireCountryCode } from '../countries/country.service';
import { CitationInput } from '../sources/citation.inputs';
import { CitationService } from '../sources/citation.service';
import { Response } from './response.entity';
import { CreateResponseInput, ResponseFilter, UpdateResponseInput } from './response.inputs';

/** Date order by earliest possible day (undated last), then recording order. */
const BY_DATE = {
  expressions: [`coalesce(response.responded_from, response.responded_to, 'infinity'::date)`, 'response.created_at'],
  direction: SortDirection.ASC,
};

/** Responses concerning an actor: aimed at it, at a claim naming it, or at an incident someone asserts it carried out. */
const CONCERNING_ACTORS = (actorIds: string) => `(
  response.actor_id = ANY(${actorIds})
  OR response.attribution_id IN (SELECT a.id FROM attribution a WHERE a.actor_id = ANY(${actorIds}))
  OR response.incident_id IN (SELECT a.incident_id FROM attribution a WHERE a.actor_id = ANY(${actorIds}) AND a.status = 'ASSERTED'))`;

@Injectable()
export class ResponseService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
    private readonly citations: CitationService,
  ) {}

  get(id: string): Promise<Response> {
    return findOrFail(this.dataSource.manager, Response, id, 'Response');
  }

  async list(filter: ResponseFilter | undefined | null, page: PageArgs, loaders?: RequestLoaders): Promise<Page<Response>> {
    return paginate(await this.filtered(filter ?? {}), BY_DATE, page, loaders);
  }

  private async filtered(filter: ResponseFilter): Promise<SelectQueryBuilder<Response>> {
    const query = this.dataSource.getRepository(Response).createQueryBuilder('response');
    if (filter.incidentId) query.andWhere('response.incident_id = :incidentId', { incidentId: filter.incidentId });
    if (filter.attributionId) query.andWhere('response.attribution_id = :attributionId', { attributionId: filter.attributionId });
    if (filter.actor) {
      const actor = await this.actors.resolve(filter.actor);
      let ids = [actor.id];
      if (filter.includeSubordinateActors) {
        const rows: { id: string }[] = await this.dataSource.query(`${subtreeCte('$1::uuid[]')} SELECT id::text FROM subtree`, [[actor.id]]);
        ids = rows.map((r) => r.id);
      }
      query.andWhere(CONCERNING_ACTORS('CAST(:actorIds AS uuid[])'), { actorIds: ids });
    }
    if (filter.responderCountry) {
      query.andWhere('response.responder_country_code = :country', { country: requireCountryCode(filter.responderCountry, 'filter.responderCountry') });
    }
    if (filter.responderId) {
      query.andWhere(':responderId IN (response.responder_organization_id, response.responder_person_id)', { responderId: filter.responderId });
    }
    if (filter.kinds?.length) query.andWhere('response.kind = ANY(:kinds)', { kinds: filter.kinds });
    if (filter.coded) {
      query.andWhere('(response.coded_type ILIKE :coded OR response.coded_subtype ILIKE :coded)', { coded: `%${escapeLike(filter.coded)}%` });
    }
    // A vague date counts when it may fall in the range (its interval overlaps it).
    if (filter.respondedFrom) {
      const { first } = expandPartialDate(filter.respondedFrom, 'filter.respondedFrom');
      query.andWhere('(response.responded_to IS NULL OR response.responded_to >= :respondedFrom)', { respondedFrom: first });
      query.andWhere('(response.responded_from IS NOT NULL OR response.responded_to IS NOT NULL)');
    }
    if (filter.respondedTo) {
      const { last } = expandPartialDate(filter.respondedTo, 'filter.respondedTo');
      query.andWhere('(response.responded_from IS NULL OR response.responded_from <= :respondedTo)', { respondedTo: last });
      query.andWhere('(response.responded_from IS NOT NULL OR response.responded_to IS NOT NULL)');
    }
    return query;
  }







  create(input: CreateResponseInput, caller: string): Promise<Response> {
    return this.dataSource.transaction(async (manager) => {
      const response = manager.getRepository(Response).create({
        responderOrganizationId: input.responderOrganizationId ?? null,
        responderPersonId: input.responderPersonId ?? null,
        responderCountryCode: optionalCountryCode(input.responderCountry, 'responderCountry') ?? null,
        responderRegion: cleanText(input.responderRegion) ?? null,
        responderText: null,
        responded: toDateSpanColumns(input.responded, 'responded'),
        kind: input.kind,
        codedType: cleanText(input.codedType) ?? null,
        codedSubtype: cleanText(input.codedSubtype) ?? null,
        description: cleanText(input.description) ?? null,
        incidentId: input.incidentId ?? null,
        attributionId: input.attributionId ?? null,
        actorId: input.actorId ?? null,
      });
      await this.assertComplete(manager, response);
      const sources = await this.citations.validate(manager, input.sources);
      const saved = await manager.getRepository(Response).save(response);
      await this.replaceArticleCitations(manager, saved.id, sources, caller);
      return manager.getRepository(Response).findOneByOrFail({ id: saved.id });
    });
  }

  update(input: UpdateResponseInput, caller: string): Promise<Response> {
    return this.dataSource.transaction(async (manager) => {
      const response = await findOrFail(manager, Response, input.id, 'Response');
      assignDefined(response, {
        responderOrganizationId: input.responderOrganizationId,
        responderPersonId: input.responderPersonId,
        responderCountryCode: optionalCountryCode(input.responderCountry, 'responderCountry'),
        responderRegion: cleanText(input.responderRegion),
        responded: updatedDateSpan(response.responded, input.responded, 'responded'),
        kind: input.kind ?? undefined,
        codedType: cleanText(input.codedType),
        codedSubtype: cleanText(input.codedSubtype),
        description: cleanText(input.description),
      });
      await this.assertComplete(manager, response);
      const sources = input.sources ? await this.citations.validate(manager, input.sources) : undefined;
      await manager.getRepository(Response).save(response);
      if (sources) await this.replaceArticleCitations(manager, response.id, sources, caller);
      return manager.getRepository(Response).findOneByOrFail({ id: response.id });
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Response).delete({ id });
    return id;
  }

  /** A response needs someone who responded and something it responds to, all of which must exist. */
  private async assertComplete(manager: EntityManager, response: Response): Promise<void> {
    if (!response.responderOrganizationId && !response.responderPersonId && !response.responderCountryCode && !response.responderRegion) {
      throw new BadUserInputError('a response needs a responder: responderOrganizationId, responderPersonId, responderCountry or responderRegion', {
        field: 'responderOrganizationId',
      });
    }
    if (!response.incidentId && !response.attributionId && !response.actorId) {
      throw new BadUserInputError('a response responds to something: incidentId, attributionId and/or actorId', { field: 'incidentId' });
    }
    await assertAllExist(manager, 'organization', response.responderOrganizationId ? [response.responderOrganizationId] : [], 'Organization');
    await assertAllExist(manager, 'person', response.responderPersonId ? [response.responderPersonId] : [], 'Person');
    await assertAllExist(manager, 'incident', response.incidentId ? [response.incidentId] : [], 'Incident');
    await assertAllExist(manager, 'attribution', response.attributionId ? [response.attributionId] : [], 'Attribution');
    await assertAllExist(manager, 'threat_actor', response.actorId ? [response.actorId] : [], 'ThreatActor');
  }

  /** Article citations made through the API; a dataset record's citations are the importer's and stay. */
  private async replaceArticleCitations(manager: EntityManager, responseId: string, sources: CitationInput[], _caller: string): Promise<void> {
    await manager.query(`DELETE FROM citation WHERE response_id = $1 AND source_article_id IS NOT NULL`, [responseId]);
    await manager.query(
      `INSERT INTO citation (response_id, source_article_id, excerpt) SELECT $1, unnest($2::uuid[]), unnest($3::text[])`,
      [responseId, sources.map((c) => c.sourceArticleId), sources.map((c) => c.excerpt)],
    );
  }
}

/** The responses to an incident, in date order. */
export const INCIDENT_RESPONSES: RelationList<Response> = {
  name: 'responses.incident',
  query: (dataSource) => dataSource.getRepository(Response).createQueryBuilder('response'),
  parentKey: 'response.incident_id',
  order: BY_DATE,
};

/** The responses a country made as responder, in date order. */
export const COUNTRY_RESPONSES: RelationList<Response> = {
  name: 'responses.country',
  query: (dataSource) => dataSource.getRepository(Response).createQueryBuilder('response'),
  parentKey: 'response.responder_country_code',
  order: BY_DATE,
  parentType: 'text',
};

/**
 * The responses concerning an actor (CONCERNING_ACTORS), or, with `withSubordinates`, concerning it
 * or any actor below it; in date order. The query starts from the actors asked for.
 */
function actorResponses(withSubordinates: boolean): RelationList<Response> {
  return {
    name: `responses.actor:${withSubordinates}`,
    query: (dataSource, actorIds) => dataSource.getRepository(Response).createQueryBuilder('response')
      .innerJoin(concerningActors(withSubordinates), 'concerning', 'concerning.response_id = response.id')
      .setParameter('concerning', [...actorIds]),
    parentKey: 'concerning.actor_id',
    order: BY_DATE,
    usesParentIds: true,
  };
}

/** Each actor asked for (`:concerning`) with the responses that concern it. */
function concerningActors(withSubordinates: boolean): string {
  // Each actor asked for (root_id) with the actors whose responses count for it (id).
  const actors = withSubordinates
    ? `${subtreeCte('CAST(:concerning AS uuid[])')}, actors AS (SELECT root_id, id FROM subtree)`
    : `WITH actors AS (SELECT id AS root_id, id FROM unnest(CAST(:concerning AS uuid[])) AS id)`;
  const concerning = `(${actors}
      SELECT actors.root_id AS actor_id, r.id AS response_id FROM actors JOIN response r ON r.actor_id = actors.id
      UNION SELECT actors.root_id, r.id FROM actors JOIN attribution a ON a.actor_id = actors.id JOIN response r ON r.attribution_id = a.id
      UNION SELECT actors.root_id, r.id FROM actors JOIN attribution a ON a.actor_id = actors.id AND a.status = 'ASSERTED'
        JOIN response r ON r.incident_id = a.incident_id)`;
  return concerning;
}

export const ACTOR_RESPONSES = { own: actorResponses(false), withSubordinates: actorResponses(true) };
