import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';

type Key = string;

/**
 * Per-request DataLoaders, created on first use. Every relation field of the graph
 * goes through one of these, so a nested query costs one SQL statement per relation
 * level, whatever the number of rows (no N+1).
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

  private entityName(entity: EntityTarget<ObjectLiteral>): string {
    return this.dataSource.getMetadata(entity).name;
  }

  /** One row by a unique property (the primary key by default); null when absent. */
  one<T extends ObjectLiteral>(entity: EntityTarget<T>, property = 'id'): DataLoader<Key, T | null> {
    return this.memo(`one:${this.entityName(entity)}.${property}`, () =>
      new DataLoader<Key, T | null>(async (keys) => {
        const rows = await this.dataSource.getRepository(entity).findBy({ [property]: In([...keys]) } as never);
        const byKey = new Map(rows.map((row) => [String(row[property]), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      }),
    );
  }

  /** All rows whose `property` equals the key (the "many" side of a foreign key), in `order`. */
  many<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    property: string,
    order: Record<string, 'ASC' | 'DESC'> = { id: 'ASC' },
  ): DataLoader<Key, T[]> {
    return this.memo(`many:${this.entityName(entity)}.${property}:${JSON.stringify(order)}`, () =>
      new DataLoader<Key, T[]>(async (keys) => {
        const rows = await this.dataSource
          .getRepository(entity)
          .find({ where: { [property]: In([...keys]) } as never, order: order as never });
        return groupBy(keys, rows, (row) => String(row[property]));
      }),
    );
  }

  /**
   * Rows reached through a link table (`link.fromColumn` = key, `link.toColumn` = target id):
   * one query for the links, then the targets through the batched `one` loader.
   */
  through<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    link: { table: string; fromColumn: string; toColumn: string; targetProperty?: string },
    sort?: (a: T, b: T) => number,
  ): DataLoader<Key, T[]> {
    return this.memo(`through:${link.table}.${link.fromColumn}->${link.toColumn}`, () =>
      new DataLoader<Key, T[]>(async (keys) => {
        const links: { source: string; target: string }[] = await this.dataSource.query(
          // The column uncast, so that its index finds the links ($1 takes the column's array type).
          `SELECT "${link.fromColumn}"::text AS source, "${link.toColumn}"::text AS target
             FROM "${link.table}" WHERE "${link.fromColumn}" = ANY($1)`,
          [[...keys]],
        );
        const targets = await this.one(entity, link.targetProperty ?? 'id').loadMany([...new Set(links.map((l) => l.target))]);
        const byId = new Map<string, T>();
        targets.forEach((t) => {
          if (t && !(t instanceof Error)) byId.set(String(t[link.targetProperty ?? 'id']), t);
        });
        const grouped = new Map<string, T[]>();
        for (const l of links) {
          const target = byId.get(l.target);
          if (!target) continue;
          const list = grouped.get(l.source) ?? [];
          list.push(target);
          grouped.set(l.source, list);
        }
        return keys.map((key) => {
          const list = grouped.get(key) ?? [];
          return sort ? list.sort(sort) : list;
        });
      }),
    );
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
