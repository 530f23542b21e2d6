import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ThreatActorService, subtreeCte } from '../actors/threat-actor.service';
import { recordAs } from '../common/caller';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { assertAllExist, assignDefined, cleanText, findOrFail } from '../common/lookups';
import { Page, PageArgs, RelationList, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { CitationInput } from '../sources/citation.inputs';
import { CitationService } from '../sources/citation.service';
import { linkChanges, recordLinkEvents } from '../statements/statement-link-log';
import { LinkTargetKind } from '../statements/statement-link.entity';
import { AttributionRevision, attributionAsRecorded } from './attribution-revision.entity';
import { Attribution } from './attribution.entity';
import { AttributionFilter, CreateAttributionInput, UpdateAttributionInput } from './attribution.inputs';
import { resolveConfidence } from './estimative-language';

/**
 * The latest recorded state of each attribution at `:asOf` (recording time, to the
 * millisecond, the precision clients see recordedAt in), leaving out
 * those deleted by then. An attribution whose actor has since been deleted from the
 * database cannot be shown (its accused actor is gone) and is left out.
 */
const AS_OF_CONDITION = `attribution.seq IN (
    SELECT DISTINCT ON (r.attribution_id) r.seq FROM attribution_revision r
     WHERE r.recorded_at < :asOf::timestamptz + interval '1 millisecond' ORDER BY r.attribution_id, r.seq DESC)
  AND attribution.operation <> 'DELETED'
  AND EXISTS (SELECT 1 FROM threat_actor a WHERE a.id = attribution.actor_id)`;

@Injectable()
export class AttributionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
    private readonly citations: CitationService,
  ) {}

  get(id: string): Promise<Attribution> {
    return findOrFail(this.dataSource.manager, Attribution, id, 'Attribution');
  }

  /** Attribution claims in date order; with `asOf`, as they were on record at that instant. */
  async list(filter: AttributionFilter | undefined, page: PageArgs, asOf: Date | null, loaders?: RequestLoaders): Promise<Page<Attribution>> {
    if (!asOf) return paginate(await this.filtered(filter), ATTRIBUTION_ORDER, page, loaders);
    const query = this.dataSource.getRepository(AttributionRevision).createQueryBuilder('attribution')
      .where(AS_OF_CONDITION, { asOf });
    await this.applyFilter(query, filter, 'attribution.attribution_id');
    const revisions = await paginate(query, ATTRIBUTION_ORDER, page);
    const edges = revisions.edges.map((e) => ({ cursor: e.cursor, node: attributionAsRecorded(e.node) }));
    return { ...revisions, edges, nodes: edges.map((e) => e.node) };
  }



  /** The attributions (as they are now) matching a filter, on alias `attribution`: for the list and the CSV export. */
  async filtered(filter: AttributionFilter | undefined): Promise<SelectQueryBuilder<Attribution>> {
    const query = this.dataSource.getRepository(Attribution).createQueryBuilder('attribution');
    await this.applyFilter(query, filter, 'attribution.id');
    return query;
  }

  /** The attributions of each incident as on record at `asOf` (batched). */
  async forIncidents(incidentIds: readonly string[], asOf: Date | null): Promise<Attribution[][]> {
    const rows = asOf
      ? (await this.dataSource.getRepository(AttributionRevision).createQueryBuilder('attribution')
          .where(AS_OF_CONDITION, { asOf })
          .andWhere('attribution.incident_id IN (:...ids)', { ids: [...incidentIds] })
          .getMany()).map(attributionAsRecorded)
      : await this.dataSource.getRepository(Attribution).findBy({ incidentId: In([...incidentIds]) });
    return incidentIds.map((id) => rows.filter((a) => a.incidentId === id));
  }

  private async applyFilter<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, filter: AttributionFilter | undefined, idColumn: string) {
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
    if (filter?.uncited !== undefined && filter.uncited !== null) {
      query.andWhere(`${filter.uncited ? 'NOT ' : ''}EXISTS (SELECT 1 FROM attribution_source c WHERE c.attribution_id = ${idColumn})`);
    }
  }

  create(input: CreateAttributionInput, caller: string): Promise<Attribution> {
    if (Boolean(input.incidentId) === Boolean(input.campaignId)) {
      throw new BadUserInputError('an attribution is about exactly one of incidentId or campaignId', { field: 'incidentId' });
    }
    if (!input.attributedByOrganizationId && !input.attributedByPersonId) {
      throw new BadUserInputError('who made the claim? give attributedByOrganizationId and/or attributedByPersonId', {
        field: 'attributedByOrganizationId',
      });
    }
    const attributed = toDateSpanColumns(input.attributed, 'attributed');
    const confidence = resolveConfidence(input.confidenceWords, input.confidence);
    return this.dataSource.transaction(async (manager) => {
      await recordAs(manager, caller);
      if (input.incidentId) await assertAllExist(manager, 'incident', [input.incidentId], 'Incident');
      if (input.campaignId) await assertAllExist(manager, 'campaign', [input.campaignId], 'Campaign');
      await assertAllExist(manager, 'threat_actor', [input.actorId], 'ThreatActor');
      await this.assertPartyExists(manager, input.attributedByOrganizationId, input.attributedByPersonId);
      const sources = await this.citations.validate(manager, input.sources ?? []);
      const attribution = await manager.getRepository(Attribution).save({
        incidentId: input.incidentId ?? null,
        campaignId: input.campaignId ?? null,
        actorId: input.actorId,
        attributedByOrganizationId: input.attributedByOrganizationId ?? null,
        attributedByPersonId: input.attributedByPersonId ?? null,
        attributed,
        ...confidence,
        bases: [...new Set(input.bases ?? [])],
        status: input.status ?? 'ASSERTED',
        notes: cleanText(input.notes) ?? null,
      } as Attribution);
      await this.citations.replace(manager, 'attribution', attribution.id, sources);
      await this.replaceStatements(manager, attribution.id, input.statementIds, caller);
      return attribution;
    });
  }

  /** Every change is kept: the trigger on `attribution` writes a revision in this transaction. */
  update(input: UpdateAttributionInput, caller: string): Promise<Attribution> {
    return this.dataSource.transaction(async (manager) => {
      await recordAs(manager, caller);
      const attribution = await findOrFail(manager, Attribution, input.id, 'Attribution');
      if (input.actorId) await assertAllExist(manager, 'threat_actor', [input.actorId], 'ThreatActor');
      await this.assertPartyExists(manager, input.attributedByOrganizationId, input.attributedByPersonId);
      // Words left out keep theirs; cleared words leave the number as given (or as it was).
      let confidence: { confidence?: number | null; confidenceWords?: string | null } = { confidence: input.confidence };
      if (input.confidenceWords !== undefined) {
        const words = input.confidenceWords?.trim() || null;
        confidence = words ? resolveConfidence(words, input.confidence) : { confidenceWords: null, confidence: input.confidence };
      }
      assignDefined(attribution, {
        actorId: input.actorId ?? undefined,
        attributedByOrganizationId: input.attributedByOrganizationId,
        attributedByPersonId: input.attributedByPersonId,
        attributed: updatedDateSpan(attribution.attributed, input.attributed, 'attributed'),
        ...confidence,
        bases: input.bases ? [...new Set(input.bases)] : undefined,
        status: input.status ?? undefined,
        notes: cleanText(input.notes),
      });
      if (!attribution.attributedByOrganizationId && !attribution.attributedByPersonId) {
        throw new BadUserInputError('an attribution needs the party that made it', { field: 'attributedByOrganizationId' });
      }
      const sources = input.sources ? await this.citations.validate(manager, input.sources) : undefined;
      await manager.getRepository(Attribution).save(attribution);
      if (sources) await this.citations.replace(manager, 'attribution', attribution.id, sources);
      await this.replaceStatements(manager, attribution.id, input.statementIds, caller);
      return attribution;
    });
  }

  delete(id: string, caller: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await recordAs(manager, caller);
      await findOrFail(manager, Attribution, id, 'Attribution');
      await manager.getRepository(Attribution).delete({ id });
      return id;
    });
  }

  linkSource(attributionId: string, source: CitationInput): Promise<Attribution> {
    return this.dataSource.transaction(async (manager) => {
      const attribution = await findOrFail(manager, Attribution, attributionId, 'Attribution');
      await this.citations.cite(manager, 'attribution', attributionId, source);
      return attribution;
    });
  }

  unlinkSource(attributionId: string, sourceArticleId: string): Promise<Attribution> {
    return this.dataSource.transaction(async (manager) => {
      const attribution = await findOrFail(manager, Attribution, attributionId, 'Attribution');
      await this.citations.uncite(manager, 'attribution', attributionId, sourceArticleId);
      return attribution;
    });
  }

  private async assertPartyExists(manager: EntityManager, organizationId?: string | null, personId?: string | null) {
    if (organizationId) await assertAllExist(manager, 'organization', [organizationId], 'Organization');
    if (personId) await assertAllExist(manager, 'person', [personId], 'Person');
  }

  /** Replaces the statements an attribution was made in; each link added or removed is recorded for the caller. */
  private async replaceStatements(manager: EntityManager, attributionId: string, statementIds: string[] | undefined, caller: string) {
    if (!statementIds) return;
    await assertAllExist(manager, 'statement', statementIds, 'Statement');
    // TypeORM answers a DELETE with [rows, affected count].
    const [before]: [{ id: string }[], number] = await manager.query(
      `DELETE FROM attribution_statement WHERE attribution_id = $1 RETURNING statement_id::text AS id`,
      [attributionId],
    );
    const after = [...new Set(statementIds)];
    await manager.query(
      `INSERT INTO attribution_statement (attribution_id, statement_id) SELECT $1, unnest($2::uuid[])`,
      [attributionId, after],
    );
    const events = linkChanges(before.map((r) => r.id), after, (statementId, action) => ({
      statementId, targetKind: LinkTargetKind.ATTRIBUTION, targetId: attributionId, action,
    }));
    await recordLinkEvents(manager, events, caller);
  }
}

/** The columns an attribution list hangs off. */
export type AttributionParent = 'actor_id' | 'incident_id' | 'campaign_id' | 'attributed_by_organization_id' | 'attributed_by_person_id';

/** As byDateAttributed: claim date (undated last), then recording time to the microsecond (exact in a cursor). */
const DATE_RECORDED_ORDER = {
  expressions: [
    `coalesce(attribution.attributed_from, attribution.attributed_to, 'infinity'::date)`,
    `(extract(epoch FROM attribution.created_at) * 1000000)::bigint`,
  ],
  direction: SortDirection.ASC,
};

/** Oldest claim first, undated last: the order of the attribution list and its CSV export. */
export const ATTRIBUTION_ORDER = {
  expressions: [`coalesce(attribution.attributed_from, attribution.attributed_to, 'infinity'::date)`],
  direction: SortDirection.ASC,
};

/**
 * The attributions of each parent (an actor, incident, campaign, or the organization or person who
 * made them), a page each, oldest claim first, undated last, then in recording order.
 */
function attributionList(parentColumn: AttributionParent): RelationList<Attribution> {
  return {
    name: `attributions.${parentColumn}`,
    query: (dataSource) => dataSource.getRepository(Attribution).createQueryBuilder('attribution'),
    parentKey: `attribution.${parentColumn}`,
    order: DATE_RECORDED_ORDER,
  };
}

export const ATTRIBUTION_LISTS: Record<AttributionParent, RelationList<Attribution>> = {
  actor_id: attributionList('actor_id'),
  incident_id: attributionList('incident_id'),
  campaign_id: attributionList('campaign_id'),
  attributed_by_organization_id: attributionList('attributed_by_organization_id'),
  attributed_by_person_id: attributionList('attributed_by_person_id'),
};
