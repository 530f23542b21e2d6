import { Type } from '@nestjs/common';
import { ArgsType, Field, FieldMiddleware, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import { DataSource, EntityTarget, ObjectLiteral, QueryFailedError, SelectQueryBuilder } from 'typeorm';
import { readerOf, runSql } from './entity-reader';
import { BadUserInputError } from './errors';
import type { RequestLoaders } from './request-loaders';

/**
 * Relay cursor connections (https://relay.dev/graphql/connections.htm) for every list of
 * the API, top-level or nested under a parent: one keyset query per page, both ways.
 */

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

@ArgsType()
export class PageArgs {
  // No GraphQL default: `last` alone must be allowed, and a default `first` would be "first and last".
  @Field(() => Int, { nullable: true, description: `Page size from the start (or after \`after\`), 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page: the rows after it.' })
  @IsOptional()
  @IsString()
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size from the end (or before \`before\`), 1 to ${MAX_PAGE_SIZE}; not with first.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'The startCursor of the next page: the rows before it.' })
  @IsOptional()
  @IsString()
  before?: string | null;
}

/** A value computed only if the client selects the field, so a COUNT or an EXISTS nobody asked for is never sent. */
export type Lazy<T> = T | (() => Promise<T>);

/**
 * Resolves a Lazy field: NestJS's own property resolver returns a function as it is, so
 * the fields that may hold one call it here, when (and only when) they are selected.
 */
const resolveLazy: FieldMiddleware = async (_context, next) => {
  const value = await next();
  return typeof value === 'function' ? value() : value;
};

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { middleware: [resolveLazy], description: 'More rows after this page (with first: beyond it; with last and before: after `before`).' })
  hasNextPage: Lazy<boolean>;

  @Field(() => Boolean, { middleware: [resolveLazy], description: 'More rows before this page (with last: beyond it; with first and after: up to `after`).' })
  hasPreviousPage: Lazy<boolean>;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; pass it as `before` for the previous page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after` for the next page.' })
  endCursor: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Rows matching the filter over all pages; counted only when asked for. */
  totalCount: Lazy<number>;
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

    @Field(() => Int, { middleware: [resolveLazy], description: 'Rows matching the filter, over all pages (counted only when selected).' })
    totalCount: Lazy<number>;
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

type CursorArgument = 'after' | 'before';

/**
 * What a list and its order are: its table, alias, sort expressions and direction (and,
 * for a relation, the parent key). A cursor carries it, so that a cursor from another
 * list or another sort is refused instead of compared with the wrong columns.
 */
const fingerprints = new Map<string, string>();

function fingerprint(query: SelectQueryBuilder<ObjectLiteral>, keys: string[], direction: SortDirection, parentKey?: string): string {
  const table = query.expressionMap.mainAlias!.metadata.tableName;
  const list = JSON.stringify([table, query.alias, keys, direction, parentKey ?? null]);
  // One per list and sort: hashed once, not on every page.
  let found = fingerprints.get(list);
  if (found === undefined) {
    if (fingerprints.size >= 1000) fingerprints.clear();
    fingerprints.set(list, (found = createHash('sha256').update(list).digest('base64url').slice(0, 12)));
  }
  return found;
}

/**
 * An edge whose cursor is encoded when read: most operations select nodes only, and encoding
 * every row's cursor (JSON and base64) was work for nobody.
 */
class LazyEdge<T> {
  private encoded: string | undefined;

  constructor(
    readonly node: T,
    private readonly keyset: { cursorOf(raw: Record<string, unknown>): string },
    private readonly raw: Record<string, unknown>,
  ) {}

  get cursor(): string {
    return (this.encoded ??= this.keyset.cursorOf(this.raw));
  }
}

function encodeCursor(list: string, values: unknown[]): string {
  return Buffer.from(JSON.stringify({ list, values })).toString('base64url');
}

function decodeCursor(argument: CursorArgument, cursor: string, list: string, expected: number): unknown[] {
  let payload: { list?: unknown; values?: unknown } | null = null;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // reported below
  }
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.values) || typeof payload.list !== 'string') {
    throw new BadUserInputError(`"${argument}" is not a cursor of this list`, { argument });
  }
  if (payload.list !== list || payload.values.length !== expected) {
    throw new BadUserInputError(
      `"${argument}" is a cursor of another list or sort order: a cursor only works with the list, and the sort, it came from`,
      { argument },
    );
  }
  return payload.values;
}

/** The page wanted: its direction, size and cursors, checked. */
function readPage(page: PageArgs) {
  if (page.first != null && page.last != null) {
    throw new BadUserInputError('give first or last, not both', { argument: 'last' });
  }
  for (const argument of ['first', 'last'] as const) {
    const size = page[argument];
    if (size != null && (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)) {
      throw new BadUserInputError(`${argument} must be an integer from 1 to ${MAX_PAGE_SIZE}`, { argument });
    }
  }
  const forward = page.last == null;
  return { forward, size: (forward ? page.first : page.last) ?? DEFAULT_PAGE_SIZE, after: page.after || null, before: page.before || null };
}

function flip(direction: SortDirection): SortDirection {
  return direction === SortDirection.ASC ? SortDirection.DESC : SortDirection.ASC;
}

/**
 * The keyset of a list in one direction: its keys (order expressions, then the primary
 * key), the row comparisons for cursors, and the cursor of a row.
 */
class Keyset {
  readonly keys: string[];
  readonly list: string;

  constructor(
    query: SelectQueryBuilder<ObjectLiteral>,
    private readonly order: ListOrder,
    parentKey?: string,
  ) {
    const primaryKey = query.expressionMap.mainAlias!.metadata.primaryColumns[0].propertyName;
    this.keys = [...order.expressions, `${query.alias}.${primaryKey}`];
    this.list = fingerprint(query, this.keys, order.direction, parentKey);
  }

  /**
   * Rows strictly after (`>` in the list's order) or before the cursor, or, with
   * `inclusive`, also the cursor's own row. Named parameters per argument.
   */
  condition(argument: CursorArgument, cursor: string, side: 'after' | 'before', inclusive = false) {
    const values = decodeCursor(argument, cursor, this.list, this.keys.length);
    const ascending = this.order.direction === SortDirection.ASC;
    const greater = (side === 'after') === ascending;
    const comparison = `${greater ? '>' : '<'}${inclusive ? '=' : ''}`;
    const names = values.map((_, i) => `page_${argument}_${i}`);
    return {
      sql: `(${this.keys.join(', ')}) ${comparison} (${names.map((n) => `:${n}`).join(', ')})`,
      params: Object.fromEntries(values.map((v, i) => [names[i], v])),
    };
  }

  /** The cursor of a row read with `selectKeys` (columns page_key_0 … page_key_n). */
  cursorOf(raw: Record<string, unknown>): string {
    return encodeCursor(this.list, this.keys.map((_, i) => normalizeCursorValue(raw[`page_key_${i}`])));
  }

  /**
   * `asText`: the keys as PostgreSQL prints them, for the relation pages, so that a page read by
   * paginateEach and the same page read inside its parent's statement (embeddedPage, as JSON) give
   * the same cursors (JSON would print a timestamp or a bigint otherwise than pg parses it).
   */
  selectKeys(query: SelectQueryBuilder<ObjectLiteral>, from = '', asText = false): void {
    // Parenthesised so TypeORM reads them as expressions, not as entity columns to hydrate.
    this.keys.forEach((expression, i) =>
      query.addSelect(from ? `${from}.page_key_${i}` : asText ? `CAST((${expression}) AS text)` : `(${expression})`, `page_key_${i}`),
    );
  }

  orderSql(direction: SortDirection): string {
    return this.keys.map((k) => `${k} ${direction}`).join(', ');
  }

  orderBy(query: SelectQueryBuilder<ObjectLiteral>, direction: SortDirection): void {
    this.keys.forEach((expression, i) =>
      i === 0 ? query.orderBy(expression, direction) : query.addOrderBy(expression, direction),
    );
  }
}

/** Runs a page query; a cursor whose values the database cannot read is the client's error, not a 500. */
async function readRows<R>(run: () => Promise<R>, page: PageArgs): Promise<R> {
  try {
    return await run();
  } catch (error) {
    const code = (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
    if (error instanceof QueryFailedError && code?.startsWith('22') && (page.after || page.before)) {
      throw new BadUserInputError(`"${page.after ? 'after' : 'before'}" is not a valid cursor of this list`, {
        argument: page.after ? 'after' : 'before',
      });
    }
    throw error;
  }
}

/**
 * A page query's rows and their entities (raw[i] is entities[i]'s row), mapped from TypeORM's
 * metadata as the loaders do, without its result transformer. `text` has TypeORM's named
 * parameters (`:name`). `prepared`: a named statement, for the relation pages, whose SQL has one
 * shape per list and page arguments.
 */
async function readEntities<T extends ObjectLiteral>(
  dataSource: DataSource, entity: EntityTarget<T>, alias: string, text: string, parameters: ObjectLiteral, prepared: boolean,
): Promise<{ entities: T[]; raw: Record<string, unknown>[] }> {
  const [sql, values] = dataSource.driver.escapeQueryWithParameters(text, parameters);
  const raw = await runSql(dataSource, sql, values, prepared);
  const hydrate = readerOf(dataSource, entity).hydrateAs(alias);
  return { entities: raw.map((row) => hydrate(row) as T), raw };
}

/**
 * The rows of a list, over all its pages: TypeORM's own count expression (COUNT(DISTINCT id)
 * when the list joins), its text built once per list (`base` is the list query's text).
 */
async function countRows<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, base: string): Promise<number> {
  const text = cachedText(JSON.stringify(['count', base]), () => {
    const countExpression = (query as unknown as { computeCountExpression(): string }).computeCountExpression();
    return query.clone().orderBy().groupBy().offset(undefined).limit(undefined).skip(undefined).take(undefined)
      .select(countExpression, 'cnt').setOption('disable-global-order').getQuery();
  });
  const [sql, values] = query.dataSource.driver.escapeQueryWithParameters(text, query.getParameters());
  const rows = await runSql(query.dataSource, sql, values, false);
  return rows[0]?.cnt ? parseInt(String(rows[0].cnt), 10) : 0;
}

/** The rows of a list over all its pages (COUNT over its query), for a list whose own count is another query's. */
export function countMatching<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<number> {
  return countRows(query, query.getQuery());
}

/** Page statement texts by shape (bounded: a shape per list, sort and page arguments' form). */
const pageTexts = new Map<string, string>();

function cachedText(shape: string, build: () => string): string {
  let text = pageTexts.get(shape);
  if (text === undefined) {
    if (pageTexts.size >= 1000) pageTexts.clear();
    pageTexts.set(shape, (text = build()));
  }
  return text;
}

/** A short name for a cached array of look-ahead expressions (they are long), for a shape key. */
const textIds = new WeakMap<string[], number>();
let nextTextId = 1;
function textId(texts: string[]): number {
  if (!texts.length) return 0;
  let id = textIds.get(texts);
  if (!id) textIds.set(texts, (id = nextTextId++));
  return id;
}

/** Computes once, on first call: shared by every field (and alias) that asks. */
function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}

export interface PaginateOptions {
  /**
   * The operation selects totalCount (`selectsField(info, 'totalCount')`): its statement is sent
   * at once, beside the page's, instead of when the field resolves after the page came back.
   */
  countNow?: boolean;
  /**
   * The list's own exact count, for a list that knows a cheaper statement giving the same number
   * than COUNT over its query; by default, countRows.
   */
  count?: () => Promise<number>;
  /**
   * The page's statement finds every row of the list anyway (a query the list shaped to be found as
   * a whole): with countNow, on a page without a cursor, its count is `count(*) OVER ()` in that same
   * statement instead of a statement of its own (which would find the rows a second time). Otherwise
   * ignored. The window keeps every row until the page is cut: measure before using it for wide rows.
   */
  countInPage?: boolean;
}

/**
 * Keyset (cursor) pagination shared by every list query, both ways: `first` rows after
 * `after`, or `last` rows before `before` (read in the reverse order, then flipped back).
 * Keyset rather than OFFSET so that pages stay stable while rows are added and deep pages
 * stay cheap. totalCount and the flag for the other direction cost a query each, sent only
 * when the client selects them. With the request's `loaders`, the page's rows are read with the
 * relations the operation selects on them (look-ahead, lookahead.ts), priming their loaders.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: ListOrder,
  page: PageArgs,
  loaders?: RequestLoaders,
  options: PaginateOptions = {},
): Promise<Page<T>> {
  const wanted = readPage(page);
  const keyset = new Keyset(query, order);
  const entity = query.expressionMap.mainAlias!.metadata.target;
  const lookAhead = loaders?.lookAheadColumns(entity, query.alias) ?? [];
  const bounds = [
    wanted.after ? keyset.condition('after', wanted.after, 'after') : null,
    wanted.before ? keyset.condition('before', wanted.before, 'before') : null,
  ].filter((b) => b !== null);
  const parameters = { ...query.getParameters(), ...Object.assign({}, ...bounds.map((b) => b.params)) };
  const direction = wanted.forward ? order.direction : flip(order.direction);
  const base = query.getQuery();
  // Counted in the page's statement: over the whole list, so only without a cursor (bounds).
  const countInPage = !!options.countInPage && !!options.countNow && bounds.length === 0;
  const shape = JSON.stringify(['page', base, keyset.keys, direction, bounds.map((b) => b.sql), wanted.size, textId(lookAhead), countInPage]);
  const text = cachedText(shape, () => {
    const pageQuery = query.clone();
    keyset.selectKeys(pageQuery);
    if (countInPage) pageQuery.addSelect('count(*) OVER ()', 'page_total');
    lookAhead.forEach((sql, j) => pageQuery.addSelect(sql, `la_${j}`));
    bounds.forEach((b) => pageQuery.andWhere(b.sql));
    keyset.orderBy(pageQuery, direction);
    pageQuery.limit(wanted.size + 1);
    return pageQuery.getQuery();
  });
  // The count on a second pool connection while the page is read: the request waits for the
  // slower of the two, not for their sum. Caught here, so that it never fails unobserved (a bad
  // cursor fails the page first); totalCount awaits it, and gets its error, as before.
  const count = options.count ?? (() => countRows(query, base));
  const counting = options.countNow && !countInPage ? count() : null;
  counting?.catch(() => undefined);
  // Not prepared: a filter's lists (IN (:...ids)) give texts of many lengths.
  const { entities, raw } = await readRows(() => readEntities<T>(query.dataSource, entity, query.alias, text, parameters, false), page);
  // No row: the list is empty (count(*) OVER () has no row to ride on).
  const countedInPage = countInPage ? (raw.length ? parseInt(String(raw[0].page_total), 10) : 0) : null;
  loaders?.primeFrom(entity, entities, raw);
  const more = entities.length > wanted.size;
  const rows = entities.slice(0, wanted.size).map((node, i) => new LazyEdge(node, keyset, raw[i]));
  if (!wanted.forward) rows.reverse();

  // Is there a row on the other side of the cursor we came from (the cursor's own row included)?
  const beyond = (argument: CursorArgument, cursor: string | null, side: 'after' | 'before') =>
    cursor
      ? once(async () => {
          const probe = query.clone().select('1', 'found');
          const b = keyset.condition(argument, cursor, side, true);
          return (await readRows(() => probe.andWhere(b.sql, b.params).limit(1).getRawMany(), page)).length > 0;
        })
      : false;
  const wholeList = !wanted.after && !wanted.before && !more;
  return {
    edges: rows,
    nodes: rows.map((e) => e.node),
    pageInfo: {
      hasNextPage: wanted.forward ? more : beyond('before', wanted.before, 'after'),
      hasPreviousPage: wanted.forward ? beyond('after', wanted.after, 'before') : more,
      get startCursor() {
        return rows[0]?.cursor ?? null;
      },
      get endCursor() {
        return rows[rows.length - 1]?.cursor ?? null;
      },
    },
    // A page that is the whole list is its own count.
    totalCount: wholeList ? rows.length : countedInPage !== null ? countedInPage : counting ? () => counting : once(count),
  };
}

/**
 * A relation list of many parents at once (ThreatActor.attributions for every actor on a
 * page): the same page arguments applied to each parent's rows, in ONE query for all the
 * parents (LATERAL, a LIMIT per parent), so that a nested connection costs one SQL statement
 * per level, not one per parent. Parent ids are UUIDs unless `parentType` says otherwise
 * (a country's code is 'text'). `query` selects the related rows of any
 * parent; `parentKey` is the SQL of the parent's id in it (a column of the rows, or of a
 * link table joined in). totalCount and the other direction's flag are each one grouped
 * query for all parents, sent when the first parent's field is resolved. With the request's
 * `loaders`, the rows come with the relations the operation selects on them (as `paginate`).
 * `name` (optional) names the base query's SQL: the same name must always mean the same text.
 * `count` (optional): the lists' own exact counts, by parent id (as text), for a relation that knows
 * a cheaper statement giving the same numbers than counting over `query` (as PaginateOptions.count).
 */
export async function paginateEach<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  parentKey: string,
  parentIds: readonly string[],
  order: ListOrder,
  page: PageArgs,
  parentType: 'uuid' | 'text' = 'uuid',
  loaders?: RequestLoaders,
  name?: string,
  count?: (parentIds: string[]) => Promise<Map<string, number>>,
): Promise<Page<T>[]> {
  const wanted = readPage(page);
  const keyset = new Keyset(query, order, parentKey);
  const alias = query.alias;
  const metadata = query.expressionMap.mainAlias!.metadata;
  const primaryKey = metadata.primaryColumns[0].propertyName;
  const direction = wanted.forward ? order.direction : flip(order.direction);
  const parents = [...new Set(parentIds)];
  const ofParents = (q: SelectQueryBuilder<T>) => q.andWhere(`${parentKey} = ANY(:page_parents)`, { page_parents: parents });

  const bounds = [
    wanted.after ? keyset.condition('after', wanted.after, 'after') : null,
    wanted.before ? keyset.condition('before', wanted.before, 'before') : null,
  ].filter((b) => b !== null);
  const lookAhead = loaders?.lookAheadColumns(metadata.target, alias) ?? [];
  const parameters = {
    ...query.getParameters(), ...Object.assign({}, ...bounds.map((b) => b.params)), page_parents: parents, page_limit: wanted.size + 1,
  };
  // The statement's text depends on the list and the page's shape only: built once per shape.
  // `name`, when given, stands for the base query's text (the caller builds one text per name), which
  // then need not be rendered on every request.
  const shape = JSON.stringify([name ?? query.getQuery(), parentKey, keyset.keys, direction, bounds.map((b) => b.sql), wanted.size, parentType, textId(lookAhead)]);
  const text = cachedText(shape, () => {
    // Per parent, its first rows in order through an index (LATERAL … LIMIT): a busy parent's
    // page costs its n + 1 rows, not a sort of all its rows.
    const perParent = query.clone()
      .andWhere(`${parentKey} = page_parents.id`)
      .select(`${alias}.${primaryKey}`, 'page_row_id')
      .addSelect(`row_number() OVER (ORDER BY ${keyset.orderSql(direction)})`, 'page_row');
    keyset.selectKeys(perParent, '', true);
    bounds.forEach((b) => perParent.andWhere(b.sql, b.params));
    keyset.orderBy(perParent, direction);
    perParent.limit(wanted.size + 1);
    const ranked = `SELECT CAST(page_parents.id AS text) AS page_parent, page_rows.*
        FROM unnest(CAST(:page_parents AS ${parentType}[])) AS page_parents(id)
        CROSS JOIN LATERAL (${perParent.getQuery()}) page_rows`;
    const pageQuery = query.dataSource
      .createQueryBuilder(metadata.target, alias)
      .innerJoin(`(${ranked})`, 'page_ranked', `page_ranked.page_row_id = ${alias}.${primaryKey}`)
      .addSelect('page_ranked.page_parent', 'page_parent')
      .addSelect('page_ranked.page_row', 'page_row')
      .where('page_ranked.page_row <= :page_limit')
      .orderBy('page_ranked.page_parent')
      .addOrderBy('page_ranked.page_row');
    keyset.selectKeys(pageQuery, 'page_ranked');
    lookAhead.forEach((sql, j) => pageQuery.addSelect(sql, `la_${j}`));
    return pageQuery.getQuery();
  });
  const { entities, raw } = await readRows(() => readEntities<T>(query.dataSource, metadata.target, alias, text, parameters, true), page);

  // The same row may belong to several parents (a statement about two incidents): by id.
  const byId = new Map(entities.map((e) => [String(e[primaryKey]), e as T]));
  const rowsOf = new Map<string, LazyEdge<T>[]>();
  for (const row of raw) {
    const node = byId.get(String(row[`${alias}_${metadata.primaryColumns[0].databaseName}`]));
    if (!node) continue;
    if (lookAhead.length) loaders!.primeFrom(metadata.target, [node], [row]);
    const parent = row.page_parent as string;
    const list = rowsOf.get(parent) ?? [];
    list.push(new LazyEdge(node, keyset, row));
    rowsOf.set(parent, list);
  }

  const counts = once(() => (count ? count(parents.map(String)) : countEach(query, parentKey, parents)));
  const beyond = (argument: CursorArgument, cursor: string | null, side: 'after' | 'before') => {
    if (!cursor) return () => Promise.resolve(new Set<string>());
    return once(async () => {
      const b = keyset.condition(argument, cursor, side, true);
      const rows: { parent: string }[] = await readRows(
        () => ofParents(query.clone()).select(`DISTINCT CAST(${parentKey} AS text)`, 'parent').andWhere(b.sql, b.params).orderBy().getRawMany(),
        page,
      );
      return new Set(rows.map((r) => r.parent));
    });
  };
  const afterSide = beyond('before', wanted.before, 'after');
  const beforeSide = beyond('after', wanted.after, 'before');

  return parentIds.map((parent) => {
    const all = rowsOf.get(String(parent)) ?? [];
    const more = all.length > wanted.size;
    const rows = all.slice(0, wanted.size);
    if (!wanted.forward) rows.reverse();
    const wholeList = !wanted.after && !wanted.before && !more;
    return {
      edges: rows,
      nodes: rows.map((e) => e.node),
      pageInfo: {
        hasNextPage: wanted.forward ? more : wanted.before ? async () => (await afterSide()).has(String(parent)) : false,
        hasPreviousPage: wanted.forward ? (wanted.after ? async () => (await beforeSide()).has(String(parent)) : false) : more,
        get startCursor() {
          return rows[0]?.cursor ?? null;
        },
        get endCursor() {
          return rows[rows.length - 1]?.cursor ?? null;
        },
      },
      totalCount: wholeList ? rows.length : async () => (await counts()).get(String(parent)) ?? 0,
    };
  });
}

/**
 * The rows of each parent's list over all its pages, by parent id (as text), in one grouped
 * statement. Without a join, each row of the query is a distinct row of the table: count(*) lets an
 * index-only scan count a busy parent's 17k rows, where count(DISTINCT id) sorts them first.
 */
export async function countEach<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, parentKey: string, parentIds: readonly string[]): Promise<Map<string, number>> {
  const primaryKey = query.expressionMap.mainAlias!.metadata.primaryColumns[0].propertyName;
  const joined = query.expressionMap.joinAttributes.length > 0;
  const rows: { parent: string; count: string }[] = await query.clone()
    .andWhere(`${parentKey} = ANY(:page_parents)`, { page_parents: [...new Set(parentIds)] })
    .select(`CAST(${parentKey} AS text)`, 'parent')
    .addSelect(joined ? `count(DISTINCT ${query.alias}.${primaryKey})` : 'count(*)', 'count')
    .groupBy(parentKey)
    .orderBy()
    .getRawMany();
  return new Map(rows.map((r) => [r.parent, Number(r.count)]));
}

// ---------------------------------------------------------------------------------------------
// Relation lists: declared once by their service, paged by paginateEach or read ahead inside the
// parent's statement

/**
 * A list under a parent (an incident's statements, an actor's attributions): what paginateEach
 * pages, declared once beside its service's other queries. Every nested connection of the API is
 * one (RequestLoaders.listPage pages it), and the look-ahead reads its first page inside the
 * parent's own statement when the query does not depend on the parents.
 */
export interface RelationList<T extends ObjectLiteral = ObjectLiteral> {
  /** Unique: names the list's statements (their text cache) and its loaders. */
  name: string;
  /**
   * The rows of the parents, as a query builder over the entity; `parentKey` is the parent's id in
   * it. Most lists ignore `parentIds` (the page adds `parentKey = ANY(parents)` itself).
   */
  query: (dataSource: DataSource, parentIds: readonly string[]) => SelectQueryBuilder<T>;
  parentKey: string;
  order: ListOrder;
  /** The SQL type of the parents' keys: uuid, or text (a country's code). */
  parentType?: 'uuid' | 'text';
  /** The query reads `parentIds` itself (an actor's subtree, found from the ids): its pages are never read ahead. */
  usesParentIds?: boolean;
  /** The lists' own exact counts, by parent id, where the list knows a cheaper statement than counting its query. */
  count?: (dataSource: DataSource, parentIds: string[]) => Promise<Map<string, number>>;
}

/** The pages of `list` for these parents: paginateEach over the list's query. */
export function pagesOfList<T extends ObjectLiteral>(
  dataSource: DataSource, list: RelationList<T>, parentIds: readonly string[], page: PageArgs, loaders?: RequestLoaders,
): Promise<Page<T>[]> {
  const query = list.query(dataSource, parentIds);
  const count = list.count ? (ids: string[]) => list.count!(dataSource, ids) : undefined;
  return paginateEach(query, list.parentKey, parentIds, list.order, page, list.parentType ?? 'uuid', loaders, list.name, count);
}

/** A first page read ahead (forward, no cursor), `size` rows: what the look-ahead may read inside the parent's statement. */
export function firstPageSize(page: PageArgs): number | null {
  if (page.after || page.before || page.last != null) return null;
  const size = page.first ?? DEFAULT_PAGE_SIZE;
  return Number.isInteger(size) && size >= 1 && size <= MAX_PAGE_SIZE ? size : null;
}

/** Whether the look-ahead can read `list`'s pages inside the parent's statement: a query of its own, without parameters. */
export function embeddable(dataSource: DataSource, list: RelationList): boolean {
  return !list.usesParentIds && Object.keys(list.query(dataSource, []).getParameters()).length === 0;
}

/**
 * The SQL of one parent's first page of `list` (`size` rows and one more, to know if there are
 * more), as a JSON array of rows in the list's order: each row the values of the entity's
 * `columns`, then the page keys as text, then `extra(rowAlias)` (the rows' own look-ahead).
 * `parentId` is the SQL of the parent's id in the enclosing statement; it is passed into the page
 * through a one-row FROM item, so that the list's own aliases cannot shadow the parent's.
 */
export function embeddedPage(
  dataSource: DataSource, list: RelationList, size: number, parentId: string, columns: string[], extra: (rowAlias: string) => string[], tag: string,
): string {
  const query = list.query(dataSource, []);
  const keyset = new Keyset(query, list.order, list.parentKey);
  const rows = `${tag}_r`;
  const parent = `${tag}_p`;
  const inner = query.clone()
    .andWhere(`${list.parentKey} = ${parent}.page_parent`)
    .select(`row_number() OVER (ORDER BY ${keyset.orderSql(list.order.direction)})`, 'page_row');
  columns.forEach((column) => inner.addSelect(`${query.alias}."${column}"`, column));
  keyset.selectKeys(inner, '', true);
  keyset.orderBy(inner, list.order.direction);
  inner.limit(size + 1);
  const values = [
    ...columns.map((column) => `${rows}."${column}"`),
    ...keyset.keys.map((_, i) => `${rows}.page_key_${i}`),
    ...extra(rows),
  ];
  const sql = `(SELECT coalesce(json_agg(json_build_array(${values.join(', ')}) ORDER BY ${rows}.page_row), '[]')
      FROM (SELECT ${parentId} AS page_parent) ${parent} CROSS JOIN LATERAL (${inner.getQuery()}) ${rows})`;
  return sql;
}

/**
 * The page of a parent read by embeddedPage: `rows` are its JSON rows, each the entity's
 * `valueCount` values, its page keys, then its own relations (`toNode` hydrates the row and primes
 * those, found from `relationsAt`); `count` the list's count for this parent, asked only if
 * totalCount is selected and the page is not the whole list.
 */
export function pageFromRows<T extends ObjectLiteral>(
  dataSource: DataSource, list: RelationList<T>, size: number, rows: unknown[][], valueCount: number,
  toNode: (row: unknown[], relationsAt: number) => T, count: () => Promise<number>,
): Page<T> {
  const keyset = keysetOf(dataSource, list);
  const relationsAt = valueCount + keyset.keys.length;
  const more = rows.length > size;
  const edges = rows.slice(0, size).map((row) => {
    const raw: Record<string, unknown> = {};
    for (let i = 0; i < keyset.keys.length; i++) raw[`page_key_${i}`] = row[valueCount + i];
    return new LazyEdge(toNode(row, relationsAt), keyset, raw);
  });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: more,
      hasPreviousPage: false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
    totalCount: more ? once(count) : edges.length,
  };
}

const keysets = new WeakMap<RelationList, Keyset>();
function keysetOf(dataSource: DataSource, list: RelationList): Keyset {
  let keyset = keysets.get(list);
  if (!keyset) keysets.set(list, (keyset = new Keyset(list.query(dataSource, []), list.order, list.parentKey)));
  return keyset;
}

function normalizeCursorValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The name of a batched relation page under these arguments, for a per-request loader:
 * the parents asking for the same page share one query, other pages get their own.
 */
export function pageKey(name: string, page: PageArgs): string {
  return `${name}:${JSON.stringify([page.first ?? null, page.after ?? null, page.last ?? null, page.before ?? null])}`;
}
