import DataLoader from 'dataloader';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityReader, readerOf, runSql } from './entity-reader';
import { Link, LoadedRelation, Prefetch, Selection, columnsFor, flattenOrder, planFor, planKey, prime } from './lookahead';
import { Page, PageArgs, RelationList, countEach, pageKey, pagesOfList } from './pagination';

type Key = string;
type Order = Record<string, unknown>;

/** The look-ahead select expressions of a plan (plans are built once per operation document) under each alias. */
const columnTexts = new WeakMap<Prefetch[], Map<string, string[]>>();

/** Loader SQL texts by loader and look-ahead plan, built once per process. */
const texts = new Map<string, string>();

function text(name: string, plan: Prefetch[], build: () => string): string {
  const key = `${name}|${planKey(plan)}`;
  let sql = texts.get(key);
  if (sql === undefined) texts.set(key, (sql = build()));
  return sql;
}

/**
 * Per-request DataLoaders, created on first use. Every relation field of the graph goes
 * through one of these, so a nested query costs one SQL statement per relation level,
 * whatever the number of rows (no N+1).
 *
 * Each level is one prepared statement (a named pg query: parsed and planned once per pool
 * connection) whose raw rows become entities through the column map (entity-reader.ts); a link
 * table and its targets are one join. With the operation's selection (lookahead.ts), the
 * statement also reads the relations the operation selects on those rows, as JSON, and primes
 * their loaders. The SQL goes through TypeORM's logger like every other statement, so the N+1
 * tests and the benchmark's plan capture see it.
 */
/** The loader names of the declared relations (one per relation, for the whole process). */
const relationLoaderNames = new WeakMap<LoadedRelation, string>();

export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<Key, unknown>>();
  /** Values read ahead (lookahead.ts), by loader name and key: served as they are, and never read again. */
  private readonly primedValues = new Map<string, Map<Key, unknown>>();
  private selection: Selection | null = null;

  constructor(private readonly dataSource: DataSource) {}

  private static oneName(entityName: string, property: string): string {
    return `one:${entityName}.${property}`;
  }

  private static manyName(entityName: string, property: string, order: Order): string {
    return `many:${entityName}.${property}:${JSON.stringify(order)}`;
  }

  private static throughName(link: Link): string {
    return `through:${link.table}.${link.fromColumn}->${link.toColumn}`;
  }

  /** The name of the loader that `relation` reads through (as one(), many() and through() name theirs). */
  private relationLoaderName(relation: LoadedRelation): string {
    let name = relationLoaderNames.get(relation);
    if (name === undefined) {
      const entityName = readerOf(this.dataSource, relation.target()).metadata.name;
      name = relation.kind === 'one' ? RequestLoaders.oneName(entityName, relation.key)
        : relation.kind === 'many' ? RequestLoaders.manyName(entityName, relation.property, relation.order)
        : RequestLoaders.throughName(relation.link);
      relationLoaderNames.set(relation, name);
    }
    return name;
  }

  private primedOf(name: string): Map<Key, unknown> {
    let values = this.primedValues.get(name);
    if (!values) this.primedValues.set(name, (values = new Map()));
    return values;
  }

  /** What the relation's loader holds for `key` from a look-ahead (undefined when nothing was read ahead). */
  primed(relation: LoadedRelation, key: Key): unknown {
    return this.primedValues.get(this.relationLoaderName(relation))?.get(key);
  }

  /** Gives the relation's loader its value for `key`, read ahead with the parent's row. */
  prime(relation: LoadedRelation, key: Key, value: unknown): void {
    this.primedOf(this.relationLoaderName(relation)).set(key, value);
  }

  /**
   * A DataLoader whose batch reads only the keys not read ahead: the primed ones come back as
   * they were primed (no statement at all when every key was).
   */
  private loader<V>(name: string, read: (keys: readonly Key[]) => Promise<V[]>): DataLoader<Key, V> {
    const primed = this.primedOf(name);
    return new DataLoader<Key, V>(async (keys) => {
      const missing = keys.filter((k) => !primed.has(k));
      const fetched = missing.length ? await read(missing) : [];
      const byKey = new Map(missing.map((k, i) => [k, fetched[i]]));
      return keys.map((k) => (primed.has(k) ? (primed.get(k) as V) : (byKey.get(k) as V)));
    });
  }

  /** The operation's selection (lookAheadPlugin): from now on, rows are read with the relations it selects. */
  lookAhead(selection: Selection): void {
    this.selection = selection;
  }

  /** The relations of `entity` read with its rows in this request (none without a selection). */
  plan(entity: EntityTarget<ObjectLiteral>): Prefetch[] {
    return this.selection ? planFor(this.dataSource, this.selection, entity) : [];
  }

  /**
   * For a query builder reading `entity` rows under `alias` (paginate, paginateEach): the
   * select expressions of the look-ahead, each to be selected AS `la_0`, `la_1` …
   */
  lookAheadColumns(entity: EntityTarget<ObjectLiteral>, alias: string): string[] {
    const plan = this.plan(entity);
    if (!plan.length) return [];
    let byAlias = columnTexts.get(plan);
    if (!byAlias) columnTexts.set(plan, (byAlias = new Map()));
    let columns = byAlias.get(alias);
    if (!columns) byAlias.set(alias, (columns = columnsFor(plan, readerOf(this.dataSource, entity), `"${alias}"`)));
    return columns;
  }

  /** Primes the loaders with what `lookAheadColumns` read: `rows[i]` is the raw row of `entities[i]`. */
  primeFrom(entity: EntityTarget<ObjectLiteral>, entities: ObjectLiteral[], rows: Record<string, unknown>[]): void {
    const plan = this.plan(entity);
    if (!plan.length) return;
    entities.forEach((e, i) => prime(this, plan, e, (j) => rows[i][`la_${j}`]));
  }

  /** The statement's look-ahead columns and the hydration of its rows, for the loaders below. */
  private withPlan(reader: EntityReader, entity: EntityTarget<ObjectLiteral>) {
    const plan = this.plan(entity);
    // Built only when the statement's text is not cached yet (text() below).
    const extra = () => columnsFor(plan, reader, 't').map((sql, j) => `, ${sql} AS "la_${j}"`).join('');
    const hydrate = (row: Record<string, unknown>) => {
      const e = reader.hydrate(row);
      if (plan.length) prime(this, plan, e, (j) => row[`la_${j}`]);
      return e;
    };
    return { plan, extra, hydrate };
  }

  private memo<V>(name: string, create: () => DataLoader<Key, V>): DataLoader<Key, V> {
    let loader = this.loaders.get(name) as DataLoader<Key, V> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(name, loader as DataLoader<Key, unknown>);
    }
    return loader;
  }

  /** Runs `text` as a named prepared statement on the pool TypeORM opened, logged as TypeORM logs its own. */
  private rows(text: string, keys: readonly Key[]): Promise<Record<string, unknown>[]> {
    return runSql(this.dataSource, text, [[...keys]], true);
  }

  /** One row by a unique property (the primary key by default); null when absent. */
  one<T extends ObjectLiteral>(entity: EntityTarget<T>, property = 'id'): DataLoader<Key, T | null> {
    const reader = readerOf(this.dataSource, entity);
    const name = RequestLoaders.oneName(reader.metadata.name, property);
    return this.memo(name, () => {
      const { plan, extra, hydrate } = this.withPlan(reader, entity);
      const key = reader.column(property).databaseName;
      // The column uncast, so that its index finds the rows ($1 takes the column's array type).
      const sql = text(name, plan, () => `SELECT t."${key}"::text AS key, ${reader.select('t')}${extra()} FROM ${reader.table} t WHERE t."${key}" = ANY($1)`);
      return this.loader<T | null>(name, async (keys) => {
        const rows = await this.rows(sql, keys);
        const byKey = new Map(rows.map((row) => [row.key as string, hydrate(row) as T]));
        return keys.map((k) => byKey.get(k) ?? null);
      });
    });
  }

  /** All rows whose `property` equals the key (the "many" side of a foreign key), in `order`. */
  many<T extends ObjectLiteral>(entity: EntityTarget<T>, property: string, order: Order = { id: 'ASC' }): DataLoader<Key, T[]> {
    const reader = readerOf(this.dataSource, entity);
    const name = RequestLoaders.manyName(reader.metadata.name, property, order);
    return this.memo(name, () => {
      const { plan, extra, hydrate } = this.withPlan(reader, entity);
      const key = reader.column(property).databaseName;
      const orderBy = flattenOrder(order).map(([path, direction]) => `t."${reader.column(path).databaseName}" ${direction}`);
      const sql = text(name, plan, () => `SELECT t."${key}"::text AS key, ${reader.select('t')}${extra()} FROM ${reader.table} t WHERE t."${key}" = ANY($1)
                    ORDER BY ${orderBy.join(', ')}`);
      return this.loader<T[]>(name, async (keys) => {
        const rows = await this.rows(sql, keys);
        return groupBy(keys, rows, (row) => row.key as string).map((list) => list.map((row) => hydrate(row) as T));
      });
    });
  }

  /**
   * Rows reached through a link table (`link.fromColumn` = key, `link.toColumn` = the target's
   * `targetProperty`, its id by default): the links and their targets in one statement.
   */
  through<T extends ObjectLiteral>(entity: EntityTarget<T>, link: Link, sort?: (a: T, b: T) => number): DataLoader<Key, T[]> {
    const reader = readerOf(this.dataSource, entity);
    const name = RequestLoaders.throughName(link);
    return this.memo(name, () => {
      const { plan, extra, hydrate } = this.withPlan(reader, entity);
      const target = reader.column(link.targetProperty ?? 'id').databaseName;
      const sql = text(name, plan, () => `SELECT l."${link.fromColumn}"::text AS key, ${reader.select('t')}${extra()}
                     FROM "${link.table}" l JOIN ${reader.table} t ON t."${target}" = l."${link.toColumn}"
                    WHERE l."${link.fromColumn}" = ANY($1)`);
      return this.loader<T[]>(name, async (keys) => {
        const rows = await this.rows(sql, keys);
        return groupBy(keys, rows, (row) => row.key as string).map((list) => {
          const targets = list.map((row) => hydrate(row) as T);
          return sort ? targets.sort(sort) : targets;
        });
      });
    });
  }

  /**
   * The page of `list` under one parent: read ahead with the parent's row when the operation's
   * look-ahead did (the value itself), else batched with the request level's other parents into
   * one paginateEach statement. Every nested connection of the API resolves through here.
   */
  listPage<T extends ObjectLiteral>(list: RelationList<T>, page: PageArgs, parentId: string): Page<T> | Promise<Page<T>> {
    const name = RequestLoaders.pageName(list, page);
    const primed = this.primedValues.get(name)?.get(parentId);
    if (primed !== undefined) return primed as Page<T>;
    return this.memo(name, () => this.loader<Page<T>>(name, (ids) => pagesOfList(this.dataSource, list, ids, page, this))).load(parentId);
  }

  /** Gives listPage the page of `parentId` read ahead under these page arguments. */
  primePage(list: RelationList, page: PageArgs, parentId: string, value: Page<ObjectLiteral>): void {
    this.primedOf(RequestLoaders.pageName(list, page)).set(parentId, value);
  }

  /** The count of a list read ahead, over all its pages: one grouped statement for the request level's parents. */
  listCount(list: RelationList, parentId: string): Promise<number> {
    const name = `count:${list.name}`;
    return this.memo(name, () => new DataLoader<Key, number>(async (ids) => {
      const counts = list.count ? await list.count(this.dataSource, [...ids]) : await countEach(list.query(this.dataSource, ids), list.parentKey, ids);
      return ids.map((id) => counts.get(id) ?? 0);
    })).load(parentId);
  }

  private static pageName(list: RelationList, page: PageArgs): string {
    return `page:${pageKey(list.name, page)}`;
  }

  /** A loader with custom batch logic, memoised under `name` for this request. */
  custom<V>(name: string, batch: (keys: readonly Key[]) => Promise<V[]>): DataLoader<Key, V> {
    return this.memo(`custom:${name}`, () => new DataLoader<Key, V>(batch));
  }
}

export function groupBy<T>(keys: readonly Key[], rows: T[], keyOf: (row: T) => Key): T[][] {
  const grouped = new Map<Key, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = grouped.get(key) ?? [];
    list.push(row);
    grouped.set(key, list);
  }
  return keys.map((key) => grouped.get(key) ?? []);
}

/** What every resolver finds in the GraphQL context. */
export interface RequestContext {
  loaders: RequestLoaders;
}
