import { Field, ID, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsEnum, IsNotEmpty, IsOptional, IsString, IsUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { LinkAction, LinkTargetKind, StatementLink, StatementLinkEvent } from './statement-link.entity';

@InputType({ description: 'All given conditions must hold.' })
export class StatementLinkEventFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  statementId?: string;

  @Field(() => String, { nullable: true, description: 'Exactly this account name.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  recordedBy?: string;

  @Field(() => LinkAction, { nullable: true })
  @IsOptional()
  @IsEnum(LinkAction)
  action?: LinkAction;

  @Field(() => LinkTargetKind, { nullable: true })
  @IsOptional()
  @IsEnum(LinkTargetKind)
  targetKind?: LinkTargetKind;

  @Field(() => ID, { nullable: true, description: 'The incident, actor or attribution linked or unlinked.' })
  @IsOptional()
  @IsUUID()
  targetId?: string;
}

/** Who linked what, and when: the current links of statements and the log of every change to them. */
@Injectable()
export class StatementLinkService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The current links of each statement, each with the latest event that made it (none for links older than the log). */
  async currentLinks(statementIds: readonly string[]): Promise<StatementLink[][]> {
    const rows: {
      statement_id: string; kind: LinkTargetKind; target_id: string; recorded_by: string | null; recorded_at: Date | null;
      action: LinkAction | null; reasons: string[] | null;
    }[] = await this.dataSource.query(
      `WITH links AS (
         SELECT statement_id, 'INCIDENT' AS kind, incident_id AS target_id FROM statement_incident WHERE statement_id = ANY($1::uuid[])
         UNION ALL SELECT statement_id, 'ACTOR', actor_id FROM statement_actor WHERE statement_id = ANY($1::uuid[])
         UNION ALL SELECT statement_id, 'ATTRIBUTION', attribution_id FROM attribution_statement WHERE statement_id = ANY($1::uuid[])
       )
       SELECT l.statement_id::text, l.kind, l.target_id::text, e.recorded_by, e.recorded_at, e.action, e.reasons
         FROM links l
         LEFT JOIN LATERAL (
           SELECT recorded_by, recorded_at, action, reasons FROM statement_link_event e
            WHERE e.statement_id = l.statement_id AND e.target_kind = l.kind AND e.target_id = l.target_id
              AND e.action IN ('LINKED', 'SUGGESTION_ACCEPTED')
            ORDER BY e.id DESC LIMIT 1
         ) e ON true
        ORDER BY l.kind, e.recorded_at NULLS FIRST, l.target_id`,
      [[...statementIds]],
    );
    const grouped = new Map<string, StatementLink[]>();
    for (const row of rows) {
      const list = grouped.get(row.statement_id) ?? [];
      list.push({
        statementId: row.statement_id,
        kind: row.kind,
        targetId: row.target_id,
        linkedBy: row.recorded_by,
        linkedAt: row.recorded_at,
        viaSuggestion: row.action === LinkAction.SUGGESTION_ACCEPTED,
        reasons: row.reasons ?? [],
      });
      grouped.set(row.statement_id, list);
    }
    return statementIds.map((id) => grouped.get(id) ?? []);
  }

  /** Link events, newest first. */
  list(filter: StatementLinkEventFilter | undefined, page: PageArgs): Promise<Page<StatementLinkEvent>> {
    const query = this.dataSource.getRepository(StatementLinkEvent).createQueryBuilder('event');
    if (filter?.statementId) query.andWhere('event.statement_id = :statementId', { statementId: filter.statementId });
    if (filter?.recordedBy) query.andWhere('event.recorded_by = :recordedBy', { recordedBy: filter.recordedBy.trim() });
    if (filter?.action) query.andWhere('event.action = :action', { action: filter.action });
    if (filter?.targetKind) query.andWhere('event.target_kind = :targetKind', { targetKind: filter.targetKind });
    if (filter?.targetId) query.andWhere('event.target_id = :targetId', { targetId: filter.targetId });
    return paginate(query, { expressions: [], direction: SortDirection.DESC }, page);
  }
}
