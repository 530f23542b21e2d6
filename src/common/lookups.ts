import { isUUID } from 'class-validator';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { BadUserInputError, NotFoundError } from './errors';
import type { RequestLoaders } from './request-loaders';

export function assertId(id: string, type: string): void {
  if (!isUUID(id)) throw new BadUserInputError(`${JSON.stringify(id)} is not a valid ${type} id (a UUID)`, { type, id });
}

/** The row with this id, or NOT_FOUND naming the type the caller asked for. */
export async function findOrFail<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  type: string,
): Promise<T> {
  assertId(id, type);
  const row = await manager.getRepository(entity).findOneBy({ id } as never);
  if (!row) throw new NotFoundError(type, id);
  return row;
}

/**
 * As findOrFail, through the request's loaders (a root query such as incident(id)): one prepared
 * statement that also reads the relations the operation selects on the row (lookahead.ts).
 */
export async function loadOrFail<T extends ObjectLiteral>(
  loaders: RequestLoaders,
  entity: EntityTarget<T>,
  id: string,
  type: string,
  // Most ids are UUIDs; a table keyed otherwise (ATT&CK techniques: "T1110") checks and normalises its own.
  parseId: (id: string) => string = (value) => (assertId(value, type), value),
): Promise<T> {
  const key = parseId(id);
  const row = await loaders.one(entity).load(key);
  if (!row) throw new NotFoundError(type, key);
  return row;
}

/** Checks that every id names an existing row of `table`, naming the first missing one. */
export async function assertAllExist(manager: EntityManager, table: string, ids: string[], type: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  unique.forEach((id) => assertId(id, type));
  const found: { id: string }[] = await manager.query(`SELECT id::text AS id FROM "${table}" WHERE id = ANY($1::uuid[])`, [unique]);
  const present = new Set(found.map((r) => r.id));
  const missing = unique.find((id) => !present.has(id));
  if (missing) throw new NotFoundError(type, missing);
}

/** Trimmed text, null for blank; undefined stays undefined ("not given" in an update). */
export function cleanText(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Copies the given (not undefined) values onto `target`. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

export function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, '\\$&');
}
