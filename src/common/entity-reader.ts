import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral, QueryFailedError } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * How the loaders read one entity's rows without TypeORM's query builder: the column list,
 * aliased c0…cn, and how a raw row (or the same values as a JSON array, from a look-ahead)
 * becomes an entity. Built once per entity from TypeORM's metadata and shared by every request.
 */
export interface EntityReader {
  metadata: EntityMetadata;
  table: string;
  columns: ColumnMetadata[];
  /** `alias."col" AS "c0", …` for the given table alias. */
  select: (alias: string) => string;
  /** `alias."col0", alias."col1", …` in the same order (the elements of a JSON array). */
  values: (alias: string) => string;
  column: (property: string) => ColumnMetadata;
  hydrate: (row: Record<string, unknown>) => ObjectLiteral;
  /** The entity of `json_build_array(values(alias))`, as `hydrate` makes it of the raw row. */
  hydrateArray: (values: unknown[]) => ObjectLiteral;
  /** `values` of some columns only (indexes into `columns`, in that order). */
  valuesOf: (alias: string, indexes: readonly number[]) => string;
  /** The entity of `json_build_array(valuesOf(alias, indexes))`: the other properties stay unset. */
  hydrateArrayOf: (values: unknown[], indexes: readonly number[]) => ObjectLiteral;
  /** The entity of a row that TypeORM's query builder selected under `alias` (columns named `alias_column`). */
  hydrateAs: (alias: string) => (row: Record<string, unknown>) => ObjectLiteral;
}

/**
 * Runs `text` on the pool TypeORM opened, logged as TypeORM logs its own statements (the N+1
 * tests and the benchmark's plan capture see it); `prepared`: as a named statement, parsed and
 * planned once per connection (only for texts of a bounded set of shapes). A database error
 * comes back as TypeORM's QueryFailedError, which formatGraphQLError maps (timeouts, bad input).
 */
export async function runSql(dataSource: DataSource, text: string, values: unknown[], prepared: boolean): Promise<Record<string, unknown>[]> {
  dataSource.logger.logQuery(text, values);
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  try {
    const name = prepared ? statementName(text) : undefined;
    const result = await pool.query(name ? { name, text, values } : { text, values });
    return result.rows;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) throw new QueryFailedError(text, values, error as Error);
    throw error;
  }
}

const readers = new WeakMap<EntityMetadata, EntityReader>();
/**
 * The prepared statement's name of each loader SQL text (the same text, the same name, on every
 * connection). The look-ahead makes a text per selection shape, and clients choose selections, so
 * at most MAX_PREPARED texts are ever prepared: each stays prepared on every connection for its
 * life (node-postgres never deallocates), and later texts run unprepared.
 */
const MAX_PREPARED = 1000;
const statementNames = new Map<string, string>();

export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_PREPARED) {
    name = `loader_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Types that pg reads as strings but JSON carries as numbers (TypeORM keeps them as strings). */
const STRING_NUMBERS = new Set(['bigint', 'int8', 'numeric', 'decimal']);

export function readerOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): EntityReader {
  const metadata = dataSource.getMetadata(entity);
  let reader = readers.get(metadata);
  if (reader) return reader;
  const driver = dataSource.driver;
  const columns = metadata.columns.filter((c) => c.isSelect && !c.isVirtualProperty && !c.isVirtual);
  const stringNumber = columns.map((c) => typeof c.type === 'string' && STRING_NUMBERS.has(c.type));
  const column = (property: string) => {
    const found = metadata.findColumnWithPropertyPath(property);
    if (!found) throw new Error(`${metadata.name} has no column for "${property}"`);
    return found;
  };
  const aliased = new Map<string, (row: Record<string, unknown>) => ObjectLiteral>();
  // As TypeORM's own hydration does (RawSqlResultsToEntityTransformer): an instance without its
  // constructor, each value through the driver's conversions (dates, transformers), embedded
  // columns (date spans) into their objects; without the query builder around it.
  const build = (valueAt: (i: number) => unknown, indexes?: readonly number[]) => {
    const entity = metadata.create(undefined, { fromDeserializer: true });
    const n = indexes ? indexes.length : columns.length;
    for (let k = 0; k < n; k++) {
      const i = indexes ? indexes[k] : k;
      let value = valueAt(k);
      if (value === undefined) continue;
      if (stringNumber[i] && typeof value === 'number') value = String(value);
      columns[i].setEntityValue(entity, driver.prepareHydratedValue(value, columns[i]));
    }
    return entity;
  };
  reader = {
    metadata,
    table: metadata.tablePath,
    columns,
    select: (alias) => columns.map((c, i) => `${alias}."${c.databaseName}" AS "c${i}"`).join(', '),
    values: (alias) => columns.map((c) => `${alias}."${c.databaseName}"`).join(', '),
    column,
    hydrate: (row) => build((i) => row[`c${i}`]),
    hydrateArray: (values) => build((i) => values[i]),
    valuesOf: (alias, indexes) => indexes.map((i) => `${alias}."${columns[i].databaseName}"`).join(', '),
    hydrateArrayOf: (values, indexes) => build((k) => values[k], indexes),
    hydrateAs: (alias) => {
      let hydrate = aliased.get(alias);
      if (!hydrate) {
        const names = columns.map((c) => DriverUtils.buildAlias(driver, undefined, alias, c.databaseName));
        aliased.set(alias, (hydrate = (row) => build((i) => row[names[i]])));
      }
      return hydrate;
    },
  };
  readers.set(metadata, reader);
  return reader;
}
