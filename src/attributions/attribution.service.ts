import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorService, subtreeCte } from '../actors/threat-actor.service';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { assertAllExist, assignDefined, cleanText, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { Attribution } from './attribution.entity';
import { AttributionFilter, CreateAttributionInput, UpdateAttributionInput } from './attribution.inputs';
import { confidenceFromWords } from './estimative-language';

@Injectable()
export class AttributionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
  ) {}

  get(id: string): Promise<Attribution> {
    return findOrFail(this.dataSource.manager, Attribution, id, 'Attribution');
  }

  async list(filter: AttributionFilter | undefined, page: PageArgs): Promise<Page<Attribution>> {
    const query = this.dataSource.getRepository(Attribution).createQueryBuilder('attribution');
    if (filter?.incidentId) query.andWhere('attribution.incident_id = :incidentId', { incidentId: filter.incidentId });
    if (filter?.actor) {
      const actor = await this.actors.resolve(filter.actor);
      query.andWhere(
        filter.includeSubordinateActors
          ? `attribution.actor_id IN (${subtreeCte('ARRAY[:actorId]::uuid[]')} SELECT id FROM subtree)`
          : 'attribution.actor_id = :actorId',
        { actorId: actor.id },
      );
    }
    if (filter?.attributedBy) {
      query.andWhere(':by IN (attribution.attributed_by_organization_id, attribution.attributed_by_person_id)', { by: filter.attributedBy });
    }
    if (filter?.status) query.andWhere('attribution.status = :status', { status: filter.status });
    if (filter?.minConfidence !== undefined && filter.minConfidence !== null) {
      query.andWhere('attribution.confidence >= :minConfidence', { minConfidence: filter.minConfidence });
    }
    return paginate(
      query,
      { expressions: [`coalesce(attribution.attributed_from, attribution.attributed_to, 'infinity'::date)`], direction: SortDirection.ASC },
      page,
    );
  }

  create(input: CreateAttributionInput): Promise<Attribution> {
    if (Boolean(input.incidentId) === Boolean(input.campaignId)) {
      throw new BadUserInputError('an attribution is about exactly one of incidentId or campaignId', { field: 'incidentId' });
    }
    if (!input.attributedByOrganizationId && !input.attributedByPersonId) {
      throw new BadUserInputError('who made the claim? give attributedByOrganizationId and/or attributedByPersonId', {
        field: 'attributedByOrganizationId',
      });
    }
    const attributed = toDateSpanColumns(input.attributed, 'attributed');
    return this.dataSource.transaction(async (manager) => {
      if (input.incidentId) await assertAllExist(manager, 'incident', [input.incidentId], 'Incident');
      if (input.campaignId) await assertAllExist(manager, 'campaign', [input.campaignId], 'Campaign');
      await assertAllExist(manager, 'threat_actor', [input.actorId], 'ThreatActor');
      await this.assertPartyExists(manager, input.attributedByOrganizationId, input.attributedByPersonId);
      const confidenceWords = cleanText(input.confidenceWords) ?? null;
      const attribution = await manager.getRepository(Attribution).save({
        incidentId: input.incidentId ?? null,
        campaignId: input.campaignId ?? null,
        actorId: input.actorId,
        attributedByOrganizationId: input.attributedByOrganizationId ?? null,
        attributedByPersonId: input.attributedByPersonId ?? null,
        attributed,
        confidence: input.confidence ?? confidenceFromWords(confidenceWords),
        confidenceWords,
        bases: [...new Set(input.bases ?? [])],
        status: input.status ?? 'ASSERTED',
        notes: cleanText(input.notes) ?? null,
      } as Attribution);
      await this.replaceStatements(manager, attribution.id, input.statementIds);
      return attribution;
    });
  }

  update(input: UpdateAttributionInput): Promise<Attribution> {
    return this.dataSource.transaction(async (manager) => {
      const attribution = await findOrFail(manager, Attribution, input.id, 'Attribution');
      if (input.actorId) await assertAllExist(manager, 'threat_actor', [input.actorId], 'ThreatActor');
      await this.assertPartyExists(manager, input.attributedByOrganizationId, input.attributedByPersonId);
      const confidenceWords = cleanText(input.confidenceWords);
      const derived = input.confidence === undefined && confidenceWords ? confidenceFromWords(confidenceWords) : undefined;
      assignDefined(attribution, {
        actorId: input.actorId ?? undefined,
        attributedByOrganizationId: input.attributedByOrganizationId,
        attributedByPersonId: input.attributedByPersonId,
        attributed: updatedDateSpan(attribution.attributed, input.attributed, 'attributed'),
        confidence: input.confidence !== undefined ? input.confidence : (derived ?? undefined),
        confidenceWords,
        bases: input.bases ? [...new Set(input.bases)] : undefined,
        status: input.status ?? undefined,
        notes: cleanText(input.notes),
      });
      if (!attribution.attributedByOrganizationId && !attribution.attributedByPersonId) {
        throw new BadUserInputError('an attribution needs the party that made it', { field: 'attributedByOrganizationId' });
      }
      await manager.getRepository(Attribution).save(attribution);
      await this.replaceStatements(manager, attribution.id, input.statementIds);
      return attribution;
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Attribution).delete({ id });
    return id;
  }

  private async assertPartyExists(manager: EntityManager, organizationId?: string | null, personId?: string | null) {
    if (organizationId) await assertAllExist(manager, 'organization', [organizationId], 'Organization');
    if (personId) await assertAllExist(manager, 'person', [personId], 'Person');
  }

  private async replaceStatements(manager: EntityManager, attributionId: string, statementIds: string[] | undefined) {
    if (!statementIds) return;
    await assertAllExist(manager, 'statement', statementIds, 'Statement');
    await manager.query(`DELETE FROM attribution_statement WHERE attribution_id = $1`, [attributionId]);
    await manager.query(
      `INSERT INTO attribution_statement (attribution_id, statement_id) SELECT $1, unnest($2::uuid[])`,
      [attributionId, [...new Set(statementIds)]],
    );
  }
}
