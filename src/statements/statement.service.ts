import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorService } from '../actors/threat-actor.service';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { assertAllExist, assertId, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { requireCountryCode } from '../countries/country.service';
import { Statement } from './statement.entity';
import { CreateStatementInput, StatementFilter, StatementSourceInput, UpdateStatementInput } from './statement.inputs';

/** The link tables between a statement and what it is about. */
const LINKS = {
  incident: { table: 'statement_incident', column: 'incident_id', target: 'incident', type: 'Incident' },
  actor: { table: 'statement_actor', column: 'actor_id', target: 'threat_actor', type: 'ThreatActor' },
} as const;
type LinkKind = keyof typeof LINKS;

@Injectable()
export class StatementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
  ) {}

  get(id: string): Promise<Statement> {
    return findOrFail(this.dataSource.manager, Statement, id, 'Statement');
  }

  /** Statements in date order (undated last), filtered. */
  async list(filter: StatementFilter | undefined, page: PageArgs): Promise<Page<Statement>> {
    const query = this.dataSource.getRepository(Statement).createQueryBuilder('statement');
    if (filter?.speakerRole) {
      query.andWhere(
        `(statement.speaker_role ILIKE :role OR EXISTS (
            SELECT 1 FROM person p WHERE p.id = statement.speaker_person_id AND p.role ILIKE :role))`,
        { role: `%${escapeLike(filter.speakerRole)}%` },
      );
    }
    if (filter?.speakerId) {
      query.andWhere(':speakerId IN (statement.speaker_person_id, statement.speaker_organization_id)', { speakerId: filter.speakerId });
    }
    if (filter?.incidentId) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM statement_incident si WHERE si.statement_id = statement.id AND si.incident_id = :incidentId)',
        { incidentId: filter.incidentId },
      );
    }
    if (filter?.actor) {
      const actor = await this.actors.resolve(filter.actor);
      query.andWhere(
        'EXISTS (SELECT 1 FROM statement_actor sa WHERE sa.statement_id = statement.id AND sa.actor_id = :actorId)',
        { actorId: actor.id },
      );
    }
    if (filter?.country) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM statement_country sc WHERE sc.statement_id = statement.id AND sc.country_code = :country)',
        { country: requireCountryCode(filter.country, 'filter.country') },
      );
    }
    if (filter?.stance) query.andWhere('statement.stance = :stance', { stance: filter.stance });
    if (filter?.search) {
      query.andWhere('(statement.quote ILIKE :search OR statement.summary ILIKE :search)', {
        search: `%${escapeLike(filter.search)}%`,
      });
    }
    return paginate(
      query,
      { expressions: [`coalesce(statement.said_from, statement.said_to, 'infinity'::date)`, 'statement.seq'], direction: SortDirection.ASC },
      page,
    );
  }

  create(input: CreateStatementInput): Promise<Statement> {
    assertHasContent(input.quote, input.summary);
    if (!input.speakerPersonId && !input.speakerOrganizationId) {
      throw new BadUserInputError('a statement needs a speaker: speakerPersonId and/or speakerOrganizationId', { field: 'speakerPersonId' });
    }
    const said = toDateSpanColumns(input.said, 'said');
    return this.dataSource.transaction(async (manager) => {
      await this.assertSpeakersExist(manager, input.speakerPersonId, input.speakerOrganizationId);
      const statement = await manager.getRepository(Statement).save({
        speakerPersonId: input.speakerPersonId ?? null,
        speakerOrganizationId: input.speakerOrganizationId ?? null,
        speakerRole: cleanText(input.speakerRole) ?? null,
        said,
        quote: cleanText(input.quote) ?? null,
        summary: cleanText(input.summary) ?? null,
        language: input.language ?? null,
        stance: input.stance,
      });
      await this.replaceLinks(manager, statement.id, input);
      return manager.getRepository(Statement).findOneByOrFail({ id: statement.id });
    });
  }

  update(input: UpdateStatementInput): Promise<Statement> {
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, input.id, 'Statement');
      assignDefined(statement, {
        speakerPersonId: input.speakerPersonId,
        speakerOrganizationId: input.speakerOrganizationId,
        speakerRole: cleanText(input.speakerRole),
        said: updatedDateSpan(statement.said, input.said, 'said'),
        quote: cleanText(input.quote),
        summary: cleanText(input.summary),
        language: input.language,
        stance: input.stance ?? undefined,
      });
      assertHasContent(statement.quote, statement.summary);
      if (!statement.speakerPersonId && !statement.speakerOrganizationId) {
        throw new BadUserInputError('a statement needs a speaker: speakerPersonId and/or speakerOrganizationId', { field: 'speakerPersonId' });
      }
      await this.assertSpeakersExist(manager, input.speakerPersonId, input.speakerOrganizationId);
      await manager.getRepository(Statement).save(statement);
      await this.replaceLinks(manager, statement.id, input);
      return statement;
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Statement).delete({ id });
    return id;
  }

  async link(kind: LinkKind, statementId: string, targetId: string): Promise<Statement> {
    const link = LINKS[kind];
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      await assertAllExist(manager, link.target, [targetId], link.type);
      await manager.query(
        `INSERT INTO ${link.table} (statement_id, ${link.column}) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [statementId, targetId],
      );
      return statement;
    });
  }

  async unlink(kind: LinkKind, statementId: string, targetId: string): Promise<Statement> {
    const link = LINKS[kind];
    const statement = await this.get(statementId);
    assertId(targetId, link.type);
    const [, affected] = await this.dataSource.query(
      `DELETE FROM ${link.table} WHERE statement_id = $1 AND ${link.column} = $2`,
      [statementId, targetId],
    );
    if (!affected) throw new NotFoundError(`${link.type} linked to this statement`, targetId);
    return statement;
  }

  async linkSource(statementId: string, source: StatementSourceInput): Promise<Statement> {
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      await assertAllExist(manager, 'source_article', [source.sourceArticleId], 'SourceArticle');
      await manager.query(
        `INSERT INTO statement_source (statement_id, source_article_id, excerpt) VALUES ($1, $2, $3)
         ON CONFLICT (statement_id, source_article_id) DO UPDATE SET excerpt = EXCLUDED.excerpt`,
        [statementId, source.sourceArticleId, cleanText(source.excerpt) ?? null],
      );
      return statement;
    });
  }

  async unlinkSource(statementId: string, sourceArticleId: string): Promise<Statement> {
    const statement = await this.get(statementId);
    assertId(sourceArticleId, 'SourceArticle');
    const [, affected] = await this.dataSource.query(
      `DELETE FROM statement_source WHERE statement_id = $1 AND source_article_id = $2`,
      [statementId, sourceArticleId],
    );
    if (!affected) throw new NotFoundError('SourceArticle linked to this statement', sourceArticleId);
    return statement;
  }

  private async assertSpeakersExist(manager: EntityManager, personId?: string | null, organizationId?: string | null) {
    if (personId) await assertAllExist(manager, 'person', [personId], 'Person');
    if (organizationId) await assertAllExist(manager, 'organization', [organizationId], 'Organization');
  }

  /** Sets each list that the input gives (incidents, actors, countries, sources); others stay. */
  private async replaceLinks(
    manager: EntityManager,
    statementId: string,
    input: Pick<CreateStatementInput, 'incidentIds' | 'actorIds' | 'countries' | 'sources'>,
  ): Promise<void> {
    for (const [kind, ids] of [['incident', input.incidentIds], ['actor', input.actorIds]] as const) {
      if (!ids) continue;
      const link = LINKS[kind];
      await assertAllExist(manager, link.target, ids, link.type);
      await manager.query(`DELETE FROM ${link.table} WHERE statement_id = $1`, [statementId]);
      await manager.query(
        `INSERT INTO ${link.table} (statement_id, ${link.column}) SELECT $1, unnest($2::uuid[])`,
        [statementId, [...new Set(ids)]],
      );
    }
    if (input.countries) {
      const codes = [...new Set(input.countries.map((c) => requireCountryCode(c, 'countries')))];
      await manager.query(`DELETE FROM statement_country WHERE statement_id = $1`, [statementId]);
      await manager.query(
        `INSERT INTO statement_country (statement_id, country_code) SELECT $1, unnest($2::text[])`,
        [statementId, codes],
      );
    }
    if (input.sources) {
      const articleIds = input.sources.map((s) => s.sourceArticleId);
      if (new Set(articleIds).size !== articleIds.length) throw new BadUserInputError('sources: an article is listed twice');
      await assertAllExist(manager, 'source_article', articleIds, 'SourceArticle');
      await manager.query(`DELETE FROM statement_source WHERE statement_id = $1`, [statementId]);
      await manager.query(
        `INSERT INTO statement_source (statement_id, source_article_id, excerpt)
         SELECT $1, unnest($2::uuid[]), unnest($3::text[])`,
        [statementId, articleIds, input.sources.map((s) => cleanText(s.excerpt) ?? null)],
      );
    }
  }
}

function assertHasContent(quote: string | null | undefined, summary: string | null | undefined): void {
  if (!cleanText(quote) && !cleanText(summary)) {
    throw new BadUserInputError('a statement needs a quote or a summary of what was said', { field: 'quote' });
  }
}
