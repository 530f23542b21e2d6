import { Field, ID, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsDate, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { escapeLike } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { ChangeLogEntry } from './change.entity';

@InputType({ description: 'All given conditions must hold.' })
export class ChangeFilter {
  @Field(() => ID, { nullable: true, description: 'Changes to this row; for links, the id pair "statementId/incidentId", or the first id alone for all of its links.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  entityId?: string;

  @Field(() => String, { nullable: true, description: 'Exactly this account name (or program: "seed", "import:<name>").' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  account?: string;

  @Field(() => String, { nullable: true, description: 'Exactly this mutation or program name.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  operation?: string;

  @Field(() => Date, { nullable: true, description: 'Changes at or after this time.' })
  @IsOptional()
  @IsDate()
  since?: Date;
}

/** Reads the change log; the database triggers of migration 1764700000000 write it. */
@Injectable()
export class ChangeLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first. */
  list(filter: ChangeFilter | undefined, page: PageArgs): Promise<Page<ChangeLogEntry>> {
    const query = this.dataSource.getRepository(ChangeLogEntry).createQueryBuilder('change');
    if (filter?.entityId) {
      // A link's id starts with its first id; the text_pattern_ops index serves both conditions.
      query.andWhere(`(change.entity_id = :entityId OR change.entity_id LIKE :prefix)`, {
        entityId: filter.entityId, prefix: `${escapeLike(filter.entityId)}/%`,
      });
    }
    if (filter?.account) query.andWhere('change.recorded_by = :account', { account: filter.account.trim() });
    if (filter?.operation) query.andWhere('change.operation = :operation', { operation: filter.operation.trim() });
    if (filter?.since) query.andWhere('change.recorded_at >= :since', { since: filter.since });
    return paginate(query, { expressions: [], direction: SortDirection.DESC }, page);
  }
}
