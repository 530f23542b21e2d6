import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { ThreatActorService } from '../actors/threat-actor.service';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { assertAllExist, assertId, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { ListOrder, Page, PageArgs, PaginateOptions, RelationList, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { requireCountryCode } from '../countries/country.service';
import { CitationInput } from '../sources/citation.inputs';
import { CitationService } from '../sources/citation.service';
import { LinkEventInput, linkChanges, recordLinkEvents } from './statement-link-log';
import { LinkAction, LinkTargetKind } from './statement-link.entity';
import { Statement } from './statement.entity';
import { CreateStatementInput, StatementFilter, UpdateStatementInput } from './statement.inputs';

/** The link tables between a statement and what it is about. */
export const LINKS = {
  incident: { table: 'statement_incident', column: 'incident_id', target: 'incident', type: 'Incident', kind: LinkTargetKind.INCIDENT },
  actor: { table: 'statement_actor', column: 'actor_id', target: 'threat_actor', type: 'ThreatActor', kind: LinkTargetKind.ACTOR },
  attribution: {
    table: 'attribution_statement', column: 'attribution_id', target: 'attribution', type: 'Attribution', kind: LinkTargetKind.ATTRIBUTION,
  },
} as const;
export type LinkKind = keyof typeof LINKS;

/** A speakerRole filter's matches: the roles recorded on statements, and the people of that role. */
interface SpeakerRoles {
  values: string[];
  people: string[];
}

/** One of the two disjoint parts of a speakerRole filter's statements (StatementService.filtered). */
type SpeakerRoleSide = 'own' | 'speaker';

/** What a statement list hangs off: its speaker, or an incident or actor it is about. */
export type StatementParent = 'speaker_person_id' | 'speaker_organization_id' | 'incident' | 'actor';

/** Oldest first, undated last, ties in recording order (as byDateSaid): every statement list and the CSV export. */
export const STATEMENT_ORDER: ListOrder = {
  expressions: [`coalesce(statement.said_from, statement.said_to, 'infinity'::date)`, 'statement.seq'],
  direction: SortDirection.ASC,
};

/**
 * The statements of each kind of parent, a page each, in date order: those a speaker made
 * (`speaker_person_id`, `speaker_organization_id`) or that are about an incident or actor (through
 * their link table).
 */
function statementList(parent: StatementParent): RelationList<Statement> {
  const link = parent === 'incident' || parent === 'actor' ? LINKS[parent] : null;
  return {
    name: `statements.${parent}`,
    query: (dataSource) => {
      const query = dataSource.getRepository(Statement).createQueryBuilder('statement');
      return link ? query.innerJoin(link.table, 'link', 'link.statement_id = statement.id') : query;
    },
    parentKey: link ? `link.${link.column}` : `statement.${parent}`,
    order: STATEMENT_ORDER,
  };
}

export const STATEMENT_LISTS: Record<StatementParent, RelationList<Statement>> = {
  speaker_person_id: statementList('speaker_person_id'),
  speaker_organization_id: statementList('speaker_organization_id'),
  incident: statementList('incident'),
  actor: statementList('actor'),
};

@Injectable()
export class StatementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly actors: ThreatActorService,
    private readonly citations: CitationService,
  ) {}

  get(id: string): Promise<Statement> {
    return findOrFail(this.dataSource.manager, Statement, id, 'Statement');
  }

  /** Statements in date order (undated last), filtered. */
  async list(filter: StatementFilter | undefined, page: PageArgs, loaders?: RequestLoaders, options?: PaginateOptions): Promise<Page<Statement>> {
    const roles = filter?.speakerRole ? await this.speakerRoles(filter.speakerRole) : undefined;
    const query = await this.filtered(filter, roles);
    return paginate(query, STATEMENT_ORDER, page, loaders, {
      ...options,
      count: roles ? () => this.countBySpeakerRole(filter, roles) : undefined,
    });
  }

  /**
   * The statements matching a filter, on alias `statement`: for the list and the CSV export.
   * `roles`: the speakerRole filter's roles already read (speakerRoles); `side`: only the statements
   * matching it by their own role, or only those matching it by their speaker's role alone (the
   * two are disjoint, and together the filter's statements).
   */
  async filtered(filter: StatementFilter | undefined, roles?: SpeakerRoles, side?: SpeakerRoleSide): Promise<SelectQueryBuilder<Statement>> {
    const query = this.dataSource.getRepository(Statement).createQueryBuilder('statement');
    if (filter?.speakerRole) {
      // The roles and the people that match first (short lists), so that the statements are found by
      // equality through indexes (statement_speaker_role_idx, statement_speaker_person_role_idx)
      // rather than by matching the text of every statement.
      const { values, people } = roles ?? (await this.speakerRoles(filter.speakerRole));
      const params = { roles: values, rolePeople: people };
      const ownRole = 'statement.speaker_role = ANY(CAST(:roles AS text[]))';
      const speakersRole = 'statement.speaker_person_id = ANY(CAST(:rolePeople AS uuid[]))';
      if (side === 'own') query.andWhere(ownRole, params);
      else if (side === 'speaker') {
        query.andWhere(`${speakersRole} AND (statement.speaker_role IS NULL OR NOT (${ownRole}))`, params);
      } else query.andWhere(`(${ownRole} OR ${speakersRole})`, params);
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
    if (filter?.uncited !== undefined && filter.uncited !== null) {
      query.andWhere(`${filter.uncited ? 'NOT ' : ''}EXISTS (SELECT 1 FROM statement_source c WHERE c.statement_id = statement.id)`);
    }
    return query;
  }

  /**
   * What a speakerRole filter matches: the distinct roles statements are recorded with that contain
   * the text (any case), read from statement_speaker_role_idx one descent per distinct role (a
   * loose index scan: a few dozen roles, not a million statements), and the people whose role
   * contains it. One statement for both.
   */
  private async speakerRoles(text: string): Promise<SpeakerRoles> {
    const rows: { roles: string[]; people: string[] }[] = await this.dataSource.query(
      `WITH RECURSIVE recorded(role) AS (
         (SELECT speaker_role FROM statement WHERE speaker_role IS NOT NULL ORDER BY speaker_role LIMIT 1)
         UNION ALL
         SELECT (SELECT s.speaker_role FROM statement s WHERE s.speaker_role > recorded.role ORDER BY s.speaker_role LIMIT 1)
           FROM recorded WHERE recorded.role IS NOT NULL
       )
       SELECT ARRAY(SELECT role FROM recorded WHERE role ILIKE $1) AS roles,
              ARRAY(SELECT id::text FROM person WHERE role ILIKE $1) AS people`,
      [`%${escapeLike(text)}%`],
    );
    return { values: rows[0].roles, people: rows[0].people };
  }

  /**
   * totalCount of a list filtered by speakerRole: the statements matching by their own role plus
   * those matching by their speaker's role alone, each an index-only count (an OR of the two is a
   * bitmap heap scan visiting every matching statement's page).
   */
  private async countBySpeakerRole(filter: StatementFilter | undefined, roles: SpeakerRoles): Promise<number> {
    // One statement: both sides bind the same parameters, under the same names.
    const [own, speaker] = await Promise.all(
      (['own', 'speaker'] as const).map(async (side) => (await this.filtered(filter, roles, side)).select('count(*)')),
    );
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT (${own.getQuery()}) + (${speaker.getQuery()}) AS cnt`, { ...own.getParameters(), ...speaker.getParameters() },
    );
    const rows: { cnt: string }[] = await this.dataSource.query(sql, values);
    return Number(rows[0].cnt);
  }

  create(input: CreateStatementInput, caller: string): Promise<Statement> {
    assertHasContent(input.quote, input.summary);
    if (!input.speakerPersonId && !input.speakerOrganizationId) {
      throw new BadUserInputError('a statement needs a speaker: speakerPersonId and/or speakerOrganizationId', { field: 'speakerPersonId' });
    }
    const said = toDateSpanColumns(input.said, 'said');
    return this.dataSource.transaction(async (manager) => {
      await this.assertSpeakersExist(manager, input.speakerPersonId, input.speakerOrganizationId);
      const sources = await this.citations.validate(manager, input.sources ?? []);
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
      await this.replaceLinks(manager, statement.id, { ...input, sources }, caller);
      // Last, so that unknown links are reported first; the transaction writes nothing if it fails.
      await this.citations.assertQuoted(manager, statement.quote, sources.map((c) => c.sourceArticleId));
      return manager.getRepository(Statement).findOneByOrFail({ id: statement.id });
    });
  }

  update(input: UpdateStatementInput, caller: string): Promise<Statement> {
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
      const sources = input.sources ? await this.citations.validate(manager, input.sources) : undefined;
      await manager.getRepository(Statement).save(statement);
      await this.replaceLinks(manager, statement.id, { ...input, sources }, caller);
      if (input.quote !== undefined || sources) {
        const cited: { id: string }[] = await manager.query(
          `SELECT source_article_id::text AS id FROM statement_source WHERE statement_id = $1`, [statement.id],
        );
        await this.citations.assertQuoted(manager, statement.quote, cited.map((r) => r.id));
      }
      return statement;
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Statement).delete({ id });
    return id;
  }

  link(kind: LinkKind, statementId: string, targetId: string, caller: string): Promise<Statement> {
    const link = LINKS[kind];
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      await assertAllExist(manager, link.target, [targetId], link.type);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${link.table} (statement_id, ${link.column}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [statementId, targetId],
      );
      // Linking twice is harmless, and records nothing the second time.
      if (inserted.length) {
        await recordLinkEvents(manager, [{ statementId, targetKind: link.kind, targetId, action: LinkAction.LINKED }], caller);
      }
      return statement;
    });
  }

  unlink(kind: LinkKind, statementId: string, targetId: string, caller: string): Promise<Statement> {
    const link = LINKS[kind];
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      assertId(targetId, link.type);
      const [, affected] = await manager.query(
        `DELETE FROM ${link.table} WHERE statement_id = $1 AND ${link.column} = $2`,
        [statementId, targetId],
      );
      if (!affected) throw new NotFoundError(`${link.type} linked to this statement`, targetId);
      await recordLinkEvents(manager, [{ statementId, targetKind: link.kind, targetId, action: LinkAction.UNLINKED }], caller);
      return statement;
    });
  }

  linkSource(statementId: string, source: CitationInput): Promise<Statement> {
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      await this.citations.cite(manager, 'statement', statementId, source);
      return statement;
    });
  }

  unlinkSource(statementId: string, sourceArticleId: string): Promise<Statement> {
    return this.dataSource.transaction(async (manager) => {
      const statement = await findOrFail(manager, Statement, statementId, 'Statement');
      await this.citations.uncite(manager, 'statement', statementId, sourceArticleId);
      return statement;
    });
  }

  private async assertSpeakersExist(manager: EntityManager, personId?: string | null, organizationId?: string | null) {
    if (personId) await assertAllExist(manager, 'person', [personId], 'Person');
    if (organizationId) await assertAllExist(manager, 'organization', [organizationId], 'Organization');
  }

  /**
   * Sets each list that the input gives (incidents, actors, countries, sources); others stay.
   * Changes to incident and actor links are recorded as link events of the caller.
   */
  private async replaceLinks(
    manager: EntityManager,
    statementId: string,
    input: Pick<CreateStatementInput, 'incidentIds' | 'actorIds' | 'countries'> & { sources?: CitationInput[] },
    caller: string,
  ): Promise<void> {
    const events: LinkEventInput[] = [];
    for (const [kind, ids] of [['incident', input.incidentIds], ['actor', input.actorIds]] as const) {
      if (!ids) continue;
      const link = LINKS[kind];
      await assertAllExist(manager, link.target, ids, link.type);
      // TypeORM answers a DELETE with [rows, affected count].
      const [before]: [{ id: string }[], number] = await manager.query(
        `DELETE FROM ${link.table} WHERE statement_id = $1 RETURNING ${link.column}::text AS id`,
        [statementId],
      );
      const after = [...new Set(ids)];
      await manager.query(
        `INSERT INTO ${link.table} (statement_id, ${link.column}) SELECT $1, unnest($2::uuid[])`,
        [statementId, after],
      );
      events.push(...linkChanges(before.map((r) => r.id), after, (targetId, action) => ({
        statementId, targetKind: link.kind, targetId, action,
      })));
    }
    await recordLinkEvents(manager, events, caller);
    if (input.countries) {
      const codes = [...new Set(input.countries.map((c) => requireCountryCode(c, 'countries')))];
      await manager.query(`DELETE FROM statement_country WHERE statement_id = $1`, [statementId]);
      await manager.query(
        `INSERT INTO statement_country (statement_id, country_code) SELECT $1, unnest($2::text[])`,
        [statementId, codes],
      );
    }
    if (input.sources) await this.citations.replace(manager, 'statement', statementId, input.sources);
  }
}

function assertHasContent(quote: string | null | undefined, summary: string | null | undefined): void {
  if (!cleanText(quote) && !cleanText(summary)) {
    throw new BadUserInputError('a statement needs a quote or a summary of what was said', { field: 'quote' });
  }
}
