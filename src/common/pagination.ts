import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from './errors';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 200.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  first: number = 20;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay-style connection type for `classRef`: edges, nodes, pageInfo, totalCount. */
export function Connection<T>(classRef: Type<T>, name = classRef.name) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => classRef)
    node: T;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType implements Page<T> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [classRef])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filter, over all pages.' })
    totalCount: number;
  }
  return ConnectionType;
}

/**
 * The ordering of a list: SQL expressions (never null, so that row comparison works)
 * followed by the primary key as tie-breaker, all in one direction.
 */
export interface ListOrder {
  expressions: string[];
  direction: SortDirection;
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, expected: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === expected) return values;
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError('"after" is not a cursor of this list', { argument: 'after' });
}

/**
 * Keyset (cursor) pagination shared by every list query: the page after the cursor
 * in the given order, plus the total count of the filtered rows. Keyset rather than
 * OFFSET so that pages stay stable while rows are added and deep pages stay cheap.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: ListOrder,
  page: PageArgs,
): Promise<Page<T>> {
  const alias = query.alias;
  const primaryKey = query.expressionMap.mainAlias!.metadata.primaryColumns[0].propertyName;
  const keys = [...order.expressions, `${alias}.${primaryKey}`];
  const pageQuery = query.clone();
  // Parenthesised so TypeORM reads them as expressions, not as entity columns to hydrate.
  keys.forEach((expression, i) => pageQuery.addSelect(`(${expression})`, `cursor_${i}`));
  if (page.after) {
    const values = decodeCursor(page.after, keys.length);
    const params = Object.fromEntries(values.map((v, i) => [`cursor_${i}`, v]));
    const comparison = order.direction === SortDirection.ASC ? '>' : '<';
    pageQuery.andWhere(
      `(${keys.join(', ')}) ${comparison} (${keys.map((_, i) => `:cursor_${i}`).join(', ')})`,
      params,
    );
  }
  keys.forEach((expression, i) =>
    i === 0 ? pageQuery.orderBy(expression, order.direction) : pageQuery.addOrderBy(expression, order.direction),
  );
  const first = page.first ?? 20;
  pageQuery.limit(first + 1);

  // The count and the page do not depend on each other: asked at once (two pool connections),
  // a list costs the slower of the two instead of their sum.
  const [totalCount, { entities, raw }] = await Promise.all([query.clone().getCount(), pageQuery.getRawAndEntities()]);
  const hasNextPage = entities.length > first;
  const edges = entities.slice(0, first).map((node, row) => ({
    node,
    cursor: encodeCursor(keys.map((_, i) => normalizeCursorValue(raw[row][`cursor_${i}`]))),
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}

function normalizeCursorValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
