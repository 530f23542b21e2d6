import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { ThreatActorService, subtreeCte } from '../actors/threat-actor.service';
import { DateSpanColumns, expandPartialDate, toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { assertAllExist, assertId, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { requireCountryCode } from '../countries/country.service';
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

  async list(filter: IncidentFilter | undefined, sort: IncidentSort | undefined, page: PageArgs): Promise<Page<Incident>> {
    const query = await this.filtered(filter);
    const field = sort?.field ?? IncidentSortField.STARTED;
    const expressions =
      field === IncidentSortField.TITLE
        ? ['lower(incident.title)']
        : [`coalesce(incident.started_from, incident.started_to, '-infinity'::date)`];
    return paginate(query, { expressions, direction: sort?.direction ?? SortDirection.DESC }, page);
  }

  /**
   * The incidents matching a filter, as a query builder on alias `incident`: the one
   * place the incident filter is turned into SQL, for the list and for any aggregate
   * over the same filter.
   */
  async filtered(filter: IncidentFilter | undefined): Promise<SelectQueryBuilder<Incident>> {
    const query = this.dataSource.getRepository(Incident).createQueryBuilder('incident');
    if (filter?.actor) {
      const actor = await this.actors.resolve(filter.actor);
      const actorIds = filter.includeSubordinateActors
        ? `(${subtreeCte('ARRAY[:actorId]::uuid[]')} SELECT id FROM subtree)`
        : '(:actorId)';
      query.andWhere(
        `EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = incident.id AND a.actor_id IN ${actorIds})`,
        { actorId: actor.id },
      );
    }
    if (filter?.targetCountry) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM incident_target t
                   LEFT JOIN organization o ON o.id = t.organization_id
                   LEFT JOIN person p ON p.id = t.person_id
                  WHERE t.incident_id = incident.id
                    AND :targetCountry IN (t.country_code, o.country_code, p.country_code))`,
        { targetCountry: requireCountryCode(filter.targetCountry, 'filter.targetCountry') },
      );
    }
    if (filter?.attributedBy) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = incident.id
                   AND :attributedBy IN (a.attributed_by_organization_id, a.attributed_by_person_id))`,
        { attributedBy: filter.attributedBy },
      );
    }
    if (filter?.type) query.andWhere(':type = ANY(incident.types)', { type: filter.type });
    if (filter?.techniqueId) query.andWhere(':techniqueId = ANY(incident.technique_ids)', { techniqueId: filter.techniqueId });
    if (filter?.campaignId) query.andWhere('incident.campaign_id = :campaignId', { campaignId: filter.campaignId });
    if (filter?.search) {
      query.andWhere('(incident.title ILIKE :search OR incident.summary ILIKE :search)', {
        search: `%${escapeLike(filter.search)}%`,
      });
    }
    // Overlap with the incident's possible time: from its earliest start to its latest end
    // (or latest start when no end is known); incidents with no date at all never match.
    if (filter?.occurredFrom || filter?.occurredTo) {
      query.andWhere('num_nonnulls(incident.started_from, incident.started_to, incident.ended_from, incident.ended_to) > 0');
    }
    if (filter?.occurredFrom) {
      query.andWhere(`coalesce(incident.ended_to, incident.started_to, 'infinity'::date) >= :occurredFrom`, {
        occurredFrom: expandPartialDate(filter.occurredFrom, 'filter.occurredFrom').first,
      });
    }
    if (filter?.occurredTo) {
      query.andWhere(`coalesce(incident.started_from, '-infinity'::date) <= :occurredTo`, {
        occurredTo: expandPartialDate(filter.occurredTo, 'filter.occurredTo').last,
      });
    }
    return query;
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

/** Refuses an end that cannot be: its latest possible day is before the earliest possible start. */
function assertEndsAfterStart(started: DateSpanColumns, ended: DateSpanColumns): void {
  if (started.from && ended.to && ended.to < started.from) {
    throw new BadUserInputError(`ended (${ended.to}) is before started (${started.from})`, { field: 'ended' });
  }
}
