import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { Pool } from 'pg';
import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

type Key = string;
type Order = Record<string, unknown>;

/**
 * How the loaders read one entity's rows: the column list, aliased c0…cn, and how a raw row
 * becomes an entity. Built once per entity from TypeORM's metadata and shared by every request.
 */
interface EntityReader {
  metadata: EntityMetadata;
  table: string;
  /** `alias."col" AS "c0", …` for the given table alias. */
  select: (alias: string) => string;
  column: (property: string) => ColumnMetadata;
  hydrate: (row: Record<string, unknown>) => ObjectLiteral;
}

const readers = new WeakMap<EntityMetadata, EntityReader>();
/** The prepared statement's name of each loader SQL text (the same text, the same name, on every connection). */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `loader_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

function readerOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): EntityReader {
  const metadata = dataSource.getMetadata(entity);
  let reader = readers.get(metadata);
  if (reader) return reader;
  const driver = dataSource.driver;
  const columns = metadata.columns.filter((c) => c.isSelect && !c.isVirtualProperty && !c.isVirtual);
  const column = (property: string) => {
    const found = metadata.findColumnWithPropertyPath(property);
    if (!found) throw new Error(`${metadata.name} has no column for "${property}"`);
    return found;
  };
  reader = {
    metadata,
    table: metadata.tablePath,
    select: (alias) => columns.map((c, i) => `${alias}."${c.databaseName}" AS "c${i}"`).join(', '),
    column,
    // As TypeORM's own hydration does (RawSqlResultsToEntityTransformer): an instance without its
    // constructor, each value through the driver's conversions (dates, transformers), embedded
    // columns (date spans) into their objects; without the query builder around it.
    hydrate: (row) => {
      const entity = metadata.create(undefined, { fromDeserializer: true });
      for (let i = 0; i < columns.length; i++) {
        const value = row[`c${i}`];
        if (value !== undefined) columns[i].setEntityValue(entity, driver.prepareHydratedValue(value, columns[i]));
      }
      return entity;
    },
  };
  readers.set(metadata, reader);
  return reader;
}

/** `{ attributed: { from: 'ASC' }, id: 'ASC' }` → [['attributed.from', 'ASC'], ['id', 'ASC']]. */
function flattenOrder(order: Order, prefix = ''): [string, 'ASC' | 'DESC'][] {
  return Object.entries(order).flatMap(([property, direction]) =>
    typeof direction === 'object' && direction !== null
      ? flattenOrder(direction as Order, `${prefix}${property}.`)
      : [[`${prefix}${property}`, direction as 'ASC' | 'DESC'] as [string, 'ASC' | 'DESC']],
  );
}

/**
 * Per-request DataLoaders, created on first use. Every relation field of the graph goes
 * through one of these, so a nested query costs one SQL statement per relation level,
 * whatever the number of rows (no N+1).
 *
 * Each level is one prepared statement (a named pg query: parsed and planned once per pool
 * connection) whose raw rows become entities through the column map above; a link table and
 * its targets are one join. The SQL goes through TypeORM's logger like every other
 * statement, so the N+1 tests and the benchmark's plan capture see it.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<Key, unknown>>();

  constructor(private readonly dataSource: DataSource) {}

  private memo<V>(name: string, create: () => DataLoader<Key, V>): DataLoader<Key, V> {
    let loader = this.loaders.get(name) as DataLoader<Key, V> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(name, loader as DataLoader<Key, unknown>);
    }
    return loader;
  }

  /** Runs `text` as a named prepared statement on the pool TypeORM opened, logged as TypeORM logs its own. */
  private async rows(text: string, keys: readonly Key[]): Promise<Record<string, unknown>[]> {
    const values = [[...keys]];
    this.dataSource.logger.logQuery(text, values);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const result = await pool.query({ name: statementName(text), text, values });
    return result.rows;
  }

  /** One row by a unique property (the primary key by default); null when absent. */
  one<T extends ObjectLiteral>(entity: EntityTarget<T>, property = 'id'): DataLoader<Key, T | null> {
    const reader = readerOf(this.dataSource, entity);
    return this.memo(`one:${reader.metadata.name}.${property}`, () => {
      const key = reader.column(property).databaseName;
      // The column uncast, so that its index finds the rows ($1 takes the column's array type).
      const sql = `SELECT t."${key}"::text AS key, ${reader.select('t')} FROM ${reader.table} t WHERE t."${key}" = ANY($1)`;
      return new DataLoader<Key, T | null>(async (keys) => {
        const rows = await this.rows(sql, keys);
        const byKey = new Map(rows.map((row) => [row.key as string, reader.hydrate(row) as T]));
        return keys.map((k) => byKey.get(k) ?? null);
      });
    });
  }

  /** All rows whose `property` equals the key (the "many" side of a foreign key), in `order`. */
  many<T extends ObjectLiteral>(entity: EntityTarget<T>, property: string, order: Order = { id: 'ASC' }): DataLoader<Key, T[]> {
    const reader = readerOf(this.dataSource, entity);
    return this.memo(`many:${reader.metadata.name}.${property}:${JSON.stringify(order)}`, () => {
      const key = reader.column(property).databaseName;
      const orderBy = flattenOrder(order).map(([path, direction]) => `t."${reader.column(path).databaseName}" ${direction}`);
      const sql = `SELECT t."${key}"::text AS key, ${reader.select('t')} FROM ${reader.table} t WHERE t."${key}" = ANY($1)
                    ORDER BY ${orderBy.join(', ')}`;
      return new DataLoader<Key, T[]>(async (keys) => {
        const rows = await this.rows(sql, keys);
        return groupBy(keys, rows, (row) => row.key as string).map((list) => list.map((row) => reader.hydrate(row) as T));
      });
    });
  }

  /**
   * Rows reached through a link table (`link.fromColumn` = key, `link.toColumn` = the target's
   * `targetProperty`, its id by default): the links and their targets in one statement.
   */
  through<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    link: { table: string; fromColumn: string; toColumn: string; targetProperty?: string },
    sort?: (a: T, b: T) => number,
  ): DataLoader<Key, T[]> {
    const reader = readerOf(this.dataSource, entity);
    return this.memo(`through:${link.table}.${link.fromColumn}->${link.toColumn}`, () => {
      const target = reader.column(link.targetProperty ?? 'id').databaseName;
      const sql = `SELECT l."${link.fromColumn}"::text AS key, ${reader.select('t')}
                     FROM "${link.table}" l JOIN ${reader.table} t ON t."${target}" = l."${link.toColumn}"
                    WHERE l."${link.fromColumn}" = ANY($1)`;
      return new DataLoader<Key, T[]>(async (keys) => {
        const rows = await this.rows(sql, keys);
        return groupBy(keys, rows, (row) => row.key as string).map((list) => {
          const targets = list.map((row) => reader.hydrate(row) as T);
          return sort ? targets.sort(sort) : targets;
        });
      });
    });
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
