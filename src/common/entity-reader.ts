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
  const name = prepared ? statementName(text) : undefined;
  const pool = name ? preparedPool(dataSource) : masterPool(dataSource);
  try {
    const result = await pool.query(name ? { name, text, values } : { text, values });
    return result.rows;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) throw new QueryFailedError(text, values, error as Error);
    throw error;
  }
}

function masterPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * The pool of the named statements: the same settings as TypeORM's pool (size, statement_timeout,
 * application name), its sessions planning generically. Our named statements take their keys as
 * arrays, and PostgreSQL's custom plan for one key always looks cheaper than the generic plan, so
 * under plan_cache_mode=auto it re-planned each one on every execution, which cost more than
 * running it (Q1's page: 0.9-1.0 ms of PostgreSQL CPU per execution, 0.43-0.53 ms generic). The
 * setting cannot be given per statement, and it would also apply to every other statement with
 * parameters (a filtered incident page: 5 ms custom, 76 ms generic): hence a pool of their own.
 * Opened on first use, ended with TypeORM's.
 */
const preparedPools = new WeakMap<DataSource, Pool>();

/** The pools the application's statements run on: TypeORM's, and the named statements' once opened (for the pool gauge). */
export function poolsOf(dataSource: DataSource): Pool[] {
  const master = (dataSource.driver as unknown as { master?: Pool }).master;
  const prepared = preparedPools.get(dataSource);
  return [master, prepared].filter((pool): pool is Pool => !!pool);
}

function preparedPool(dataSource: DataSource): Pool {
  let pool = preparedPools.get(dataSource);
  if (pool) return pool;
  const master = masterPool(dataSource) as Pool & { options: Record<string, unknown> };
  const { options } = master;
  const given = typeof options.options === 'string' ? `${options.options} ` : '';
  pool = new Pool({ ...options, options: `${given}-c plan_cache_mode=force_generic_plan` } as ConstructorParameters<typeof Pool>[0]);
  // As TypeORM does for its own pool: an idle connection's error (the server restarted) is logged, not thrown.
  pool.on('error', (error) => dataSource.logger.log('warn', `Postgres pool of the named statements raised an error. ${error}`));
  // TypeORM ends its pool with a callback (pool.end(cb)), others with a promise: both are kept.
  const end = master.end.bind(master) as () => Promise<void>;
  const own = pool;
  (master as { end: (callback?: (error?: Error) => void) => Promise<void> | void }).end = (callback) => {
    preparedPools.delete(dataSource);
    const ended = Promise.all([own.end(), end()]).then(() => undefined);
    if (!callback) return ended;
    ended.then(() => callback(), (error: Error) => callback(error));
  };
  preparedPools.set(dataSource, pool);
  return pool;
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

/** Column types whose values the driver converts when it hydrates them (PostgresDriver.prepareHydratedValue). */
const CONVERTED = new Set(['datetime', 'timestamp', 'timestamptz', 'timestamp with time zone', 'timestamp without time zone',
  'date', 'time', 'vector', 'halfvec', 'hstore', 'simple-array', 'simple-json', 'cube', 'enum', 'simple-enum']);

/**
 * Whether a column's value goes onto the entity as pg (or JSON) gives it: a top-level, real column
 * of a type the driver leaves alone, without a transformer. The hot path of every look-ahead row;
 * everything else goes through the driver and TypeORM's own setter. An enum of strings only is
 * left alone by the driver too (it turns numeric text into numbers, for numeric enums).
 */
function keptAsRead(c: ColumnMetadata): boolean {
  if (c.transformer || c.embeddedMetadata || c.isVirtual || c.isVirtualProperty) return false;
  if (typeof c.type !== 'string') return false; // Boolean, Date, Number: converted
  if (c.type === 'enum' || c.type === 'simple-enum') return !c.isArray && (c.enum ?? []).every((v) => typeof v === 'string' && Number.isNaN(+v));
  return !CONVERTED.has(c.type);
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
  const setters = columns.map((c): ((entity: ObjectLiteral, value: unknown) => void) => {
    if (keptAsRead(c)) {
      const property = c.propertyName;
      return (entity, value) => (entity[property] = value);
    }
    return (entity, value) => c.setEntityValue(entity, driver.prepareHydratedValue(value, c));
  });
  const build = (valueAt: (i: number) => unknown, indexes?: readonly number[]) => {
    const entity = metadata.create(undefined, { fromDeserializer: true });
    const n = indexes ? indexes.length : columns.length;
    for (let k = 0; k < n; k++) {
      const i = indexes ? indexes[k] : k;
      let value = valueAt(k);
      if (value === undefined) continue;
      if (stringNumber[i] && typeof value === 'number') value = String(value);
      setters[i](entity, value);
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
