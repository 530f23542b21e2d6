import type { ApolloServerPlugin } from '@apollo/server';
import { ResolveField, ResolveFieldOptions } from '@nestjs/graphql';
import {
  DocumentNode, FieldNode, GraphQLField, GraphQLResolveInfo, GraphQLSchema, Kind, SelectionNode, TypeInfo, isAbstractType, isObjectType, valueFromASTUntyped, visit,
  visitWithTypeInfo,
} from 'graphql';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityReader, readerOf } from './entity-reader';
import { PageArgs, RelationList, embeddable, embeddedPage, firstPageSize, pageFromRows } from './pagination';
import type { RequestContext, RequestLoaders } from './request-loaders';

/**
 * Relation fields, declared once, resolved through the per-request loaders, and looked ahead.
 *
 * A relation field is declared on its resolver with `@BelongsTo` (a foreign key on the parent:
 * Statement.speakerPerson), `@HasMany` (a foreign key on the children: Statement.sources) or
 * `@Through` (a link table: Statement.incidents). The decorator is the field's whole resolver: it
 * loads the related rows through the request's DataLoaders (one statement per level, no N+1), and
 * takes no NestJS parameter decorators, so Nest hands the bare function to graphql-js (no
 * per-field context creation, pipes or promise chain).
 *
 * Look-ahead: when a request level reads rows of an entity (a loader, `paginate`,
 * `paginateEach`), the relations of that entity that the operation selects are read in the same
 * SQL statement, as JSON built by PostgreSQL (one correlated subquery per relation, nested for
 * their own selected relations, down to LOOKAHEAD_DEPTH), and the loaders of those relations are
 * primed with them. The relation's resolver then finds its rows in the loader without a round
 * trip, and returns them as values (no promise per field). Related rows carry only the columns
 * the operation's fields on their type read (columnsNeeded: an article's title, not its body).
 * The selection is read per type over the whole operation (which fields of Statement are
 * selected anywhere), once per parsed document; a relation looked ahead that a given path did not
 * ask for is only read, never returned. Nothing depends on it for correctness: without a plan (or
 * past the depth) the loaders fetch as before.
 */

type Order = Record<string, unknown>;

export interface Link {
  table: string;
  fromColumn: string;
  toColumn: string;
  /** The target's property the link's toColumn holds (its id by default). */
  targetProperty?: string;
}

export type Relation =
  | { kind: 'one'; field: string; target: () => EntityTarget<ObjectLiteral>; foreignKey: string; key: string }
  | { kind: 'many'; field: string; target: () => EntityTarget<ObjectLiteral>; property: string; order: Order }
  | { kind: 'through'; field: string; target: () => EntityTarget<ObjectLiteral>; link: Link; sort?: (a: any, b: any) => number }
  /** A connection (paged list) under the parent: its list for the field's arguments, keyed by the parent's `parentProperty`. */
  | { kind: 'page'; field: string; list: (args: Record<string, unknown>) => RelationList; parentProperty: string };

/** The relations that load through a loader of their own (a connection goes through RequestLoaders.listPage). */
export type LoadedRelation = Exclude<Relation, { kind: 'page' }>;

/** How deep nested relations are read ahead of one level (row → relation → its relation …). */
export const LOOKAHEAD_DEPTH = 3;

const declared: { resolver: object; relation: Relation }[] = [];
let relationsByType: Map<string, Relation[]> | null = null;

/** The relations declared on a GraphQL object type (its resolver classes' `@Resolver(() => Type)`). */
function relationsOf(typeName: string): Relation[] {
  if (!relationsByType || [...relationsByType.values()].reduce((n, r) => n + r.length, 0) !== declared.length) {
    relationsByType = new Map();
    for (const { resolver, relation } of declared) {
      const name: string | undefined = Reflect.getMetadata('graphql:resolver_name', resolver);
      if (!name) throw new Error(`${(resolver as { name?: string }).name}.${relation.field}: a relation field needs @Resolver(() => Type) on its class`);
      relationsByType.set(name, [...(relationsByType.get(name) ?? []), relation]);
    }
  }
  return relationsByType.get(typeName) ?? [];
}

/** What a relation field resolves to: its rows through the request's loaders (one statement per level, or none when primed). */
export function loadRelation(loaders: RequestLoaders, relation: LoadedRelation, parent: ObjectLiteral): unknown {
  const value = relation.kind === 'one' ? parent[relation.foreignKey] : parent.id;
  if (value == null) return null;
  const key = String(value);
  // Read ahead: the value itself, so that graphql-js completes it without a promise per field.
  const primed = loaders.primed(relation, key);
  if (primed !== undefined) return primed;
  switch (relation.kind) {
    case 'one':
      return loaders.one(relation.target(), relation.key).load(key);
    case 'many':
      return loaders.many(relation.target(), relation.property, relation.order).load(key);
    case 'through':
      return loaders.through(relation.target(), relation.link, relation.sort).load(key);
  }
}

/**
 * The properties a computed field's resolver reads of its parent (`@Reads('title', 'url')` beside
 * its `@ResolveField`), so that rows read ahead for it carry those columns only.
 */
const reads: { resolver: object; field: string; properties: string[] }[] = [];

export function Reads(...properties: string[]): MethodDecorator {
  return (target, key) => {
    reads.push({ resolver: target.constructor, field: String(key), properties });
  };
}

function declaredReads(typeName: string, field: string): string[] | undefined {
  return reads.find((r) => r.field === field && Reflect.getMetadata('graphql:resolver_name', r.resolver) === typeName)?.properties;
}

/**
 * The fields of each object type that only read the parent's property of their name: NestJS
 * resolves those with its `rootFieldResolver` (`root[field.name]`), every other field (a
 * `@ResolveField`, a field with middleware) with a function of its own, which may read any
 * column. Recorded when the server starts, from the schema as Nest built it (before Apollo wraps
 * every field for its plugins). Without it, no field counts as plain: every column is read.
 */
let plainFields: Map<string, Set<string>> | null = null;

/** Whether the field's resolver is Nest's `root[field.name]` (see above), i.e. it sends no SQL. */
export function readsOnlyItsParent(field: GraphQLField<unknown, unknown>): boolean {
  return field.resolve?.name === 'rootFieldResolver';
}

export function recordPlainFields(schema: GraphQLSchema): void {
  plainFields = new Map();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = Object.values(type.getFields()).filter(readsOnlyItsParent).map((f) => f.name);
    plainFields.set(type.name, new Set(fields));
  }
}

/** Whether `field` of `typeName` is plain (for tests: the detection above must keep working). */
export function isPlainField(typeName: string, field: string): boolean | undefined {
  return plainFields?.get(typeName)?.has(field);
}

/** Every relation field declared, with the GraphQL type it is on (for tests and tools). */
export function declaredRelations(): { typeName: string; relation: Relation }[] {
  return declared.map(({ resolver, relation }) => ({ typeName: Reflect.getMetadata('graphql:resolver_name', resolver), relation }));
}

function relationField(relation: LoadedRelation, returnType: () => unknown, options: ResolveFieldOptions): MethodDecorator {
  return (target, key, descriptor) => {
    if (String(key) !== relation.field) throw new Error(`relation field ${String(key)}: the method is the field`);
    // The field's resolver, with graphql-js's own arguments (no parameter decorators: Nest's fast path).
    // Set before ResolveField, which stores its metadata on the function itself.
    (descriptor as PropertyDescriptor).value = (parent: ObjectLiteral, _args: unknown, context: RequestContext) =>
      loadRelation(context.loaders, relation, parent);
    declared.push({ resolver: target.constructor, relation });
    return ResolveField(returnType as never, options)(target, key, descriptor);
  };
}

/** A to-one relation through a foreign key of the parent (`parent[foreignKey]` = target's `key`, its id by default); null when the key is. */
export function BelongsTo(target: () => EntityTarget<ObjectLiteral>, foreignKey: string, options: ResolveFieldOptions & { key?: string } = {}): MethodDecorator {
  const { key = 'id', ...fieldOptions } = options;
  return (prototype, field, descriptor) =>
    relationField({ kind: 'one', field: String(field), target, foreignKey, key }, target, fieldOptions)(prototype, field, descriptor);
}

/** The rows whose `property` is the parent's id, in `order` (by id by default). */
export function HasMany(target: () => EntityTarget<ObjectLiteral>, property: string, options: ResolveFieldOptions & { order?: Order } = {}): MethodDecorator {
  const { order = { id: 'ASC' }, ...fieldOptions } = options;
  return (prototype, field, descriptor) =>
    relationField({ kind: 'many', field: String(field), target, property, order }, () => [target()], fieldOptions)(prototype, field, descriptor);
}

/** The rows reached from the parent's id through a link table, in `sort` (else as the database returns them). */
export function Through(target: () => EntityTarget<ObjectLiteral>, link: Link, options: ResolveFieldOptions & { sort?: (a: any, b: any) => number } = {}): MethodDecorator {
  const { sort, ...fieldOptions } = options;
  return (prototype, field, descriptor) =>
    relationField({ kind: 'through', field: String(field), target, link, sort }, () => [target()], fieldOptions)(prototype, field, descriptor);
}

/**
 * Declares a connection field's list (`list(args)`: the RelationList its resolver pages through
 * RequestLoaders.listPage), so that the look-ahead can read its first page inside the parent's
 * statement. The field keeps its own resolver (its @Args define the schema's arguments).
 * `parentProperty`: the parent's key the list hangs off (its id by default; a country's code).
 */
export function ReadAhead(list: (args: Record<string, unknown>) => RelationList, parentProperty = 'id'): MethodDecorator {
  return (target, key) => {
    declared.push({ resolver: target.constructor, relation: { kind: 'page', field: String(key), list, parentProperty } });
  };
}

// ---------------------------------------------------------------------------------------------
// What an operation selects, per type

/**
 * Whether the field being resolved selects `name` directly in its selection set (through
 * fragments too), e.g. a connection's totalCount: so that `paginate` can start its count with
 * the page instead of after it, or a dashboard skip a part nobody asked for.
 */
export function selectsField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const within = (selections: readonly SelectionNode[]): boolean =>
    selections.some((node) => {
      if (node.kind === Kind.FIELD) return node.name.value === name;
      if (node.kind === Kind.INLINE_FRAGMENT) return within(node.selectionSet.selections);
      const fragment = info.fragments[node.name.value];
      if (!fragment || seen.has(node.name.value)) return false;
      seen.add(node.name.value);
      return within(fragment.selectionSet.selections);
    });
  return info.fieldNodes.some((field) => !!field.selectionSet && within(field.selectionSet.selections));
}

/** Field names selected on each object type anywhere in an operation's document. */
export type Selection = Map<string, Set<string>>;
const selections = new WeakMap<DocumentNode, Selection>();

/**
 * The arguments each field is given in the document, by `Type.field`: literal values, or null when
 * one of them is a variable (then they vary per request). A field given different arguments in
 * different places has several entries.
 */
const fieldArguments = new WeakMap<Selection, Map<string, (Record<string, unknown> | null)[]>>();

function argumentsOf(node: FieldNode): Record<string, unknown> | null {
  const args: Record<string, unknown> = {};
  let variable = false;
  for (const argument of node.arguments ?? []) {
    visit(argument.value, { Variable: () => void (variable = true) });
    if (variable) return null;
    args[argument.name.value] = valueFromASTUntyped(argument.value);
  }
  return args;
}

/** Records that `field` of `typeName` is given `args` somewhere in the document (null: they hold a variable). */
export function giveArguments(selection: Selection, typeName: string, field: string, args: Record<string, unknown> | null): void {
  let given = fieldArguments.get(selection);
  if (!given) fieldArguments.set(selection, (given = new Map()));
  const key = `${typeName}.${field}`;
  given.set(key, [...(given.get(key) ?? []), args]);
}

/** The one set of literal arguments `field` of `typeName` has everywhere in the document, or null (variables, or different ones). */
export function literalArguments(selection: Selection, typeName: string, field: string): Record<string, unknown> | null {
  const given = fieldArguments.get(selection)?.get(`${typeName}.${field}`);
  if (!given?.length || given.some((args) => args === null)) return null;
  const first = JSON.stringify(given[0]);
  return given.every((args) => JSON.stringify(args) === first) ? given[0] : null;
}

export function selectionOf(schema: GraphQLSchema, document: DocumentNode): Selection {
  let selection = selections.get(document);
  if (selection) return selection;
  selection = new Map();
  const typeInfo = new TypeInfo(schema);
  const found = selection;
  const add = (typeName: string, node: FieldNode) => {
    const field = node.name.value;
    let fields = found.get(typeName);
    if (!fields) found.set(typeName, (fields = new Set()));
    fields.add(field);
    giveArguments(found, typeName, field, argumentsOf(node));
  };
  visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (!parent) return;
      add(parent.name, node);
      // A field asked of an interface or union (`... on Node { id }`) is asked of each type it may be.
      if (isAbstractType(parent)) for (const type of schema.getPossibleTypes(parent)) add(type.name, node);
    },
  }));
  selections.set(document, selection);
  return selection;
}

// ---------------------------------------------------------------------------------------------
// The plan: which relations of an entity's rows are read with them

export interface Prefetch {
  relation: Relation;
  reader: EntityReader;
  /** The related rows' columns read (indexes into reader.columns): those the operation's fields on them need. */
  columns: number[];
  /** The relations of the related rows read with them (nested JSON). */
  children: Prefetch[];
  /** For a connection: its list, the page arguments of the document, and the page's size. */
  page?: { list: RelationList; args: PageArgs; size: number };
}

const plans = new WeakMap<Selection, Map<string, Prefetch[]>>();

/** The relations of `entity` that `selection` asks for, with theirs, down to LOOKAHEAD_DEPTH. */
export function planFor(dataSource: DataSource, selection: Selection, entity: EntityTarget<ObjectLiteral>): Prefetch[] {
  const reader = readerOf(dataSource, entity);
  let cache = plans.get(selection);
  if (!cache) plans.set(selection, (cache = new Map()));
  let plan = cache.get(reader.metadata.name);
  if (!plan) {
    plan = build(dataSource, selection, reader, 1);
    cache.set(reader.metadata.name, plan);
  }
  return plan;
}

function build(dataSource: DataSource, selection: Selection, parent: EntityReader, depth: number): Prefetch[] {
  if (depth > LOOKAHEAD_DEPTH) return [];
  const typeName = typeNameOf(parent);
  const selected = selection.get(typeName);
  if (!selected) return [];
  const hasId = !!parent.metadata.findColumnWithPropertyPath('id');
  const prefetches: Prefetch[] = [];
  for (const relation of relationsOf(typeName)) {
    if (!selected.has(relation.field)) continue;
    if (relation.kind === 'page') {
      const page = readAheadPage(dataSource, selection, typeName, relation);
      if (!page || !parent.metadata.findColumnWithPropertyPath(relation.parentProperty)) continue;
      const reader = readerOf(dataSource, page.list.query(dataSource, []).expressionMap.mainAlias!.metadata.target);
      prefetches.push({ relation, reader, columns: columnsNeeded(selection, reader), children: build(dataSource, selection, reader, depth + 1), page });
      continue;
    }
    if (relation.kind !== 'one' && !hasId) continue;
    const reader = readerOf(dataSource, relation.target());
    // A sort in JavaScript may read any property of the targets.
    const columns = relation.kind === 'through' && relation.sort ? reader.columns.map((_, i) => i) : columnsNeeded(selection, reader);
    prefetches.push({ relation, reader, columns, children: build(dataSource, selection, reader, depth + 1) });
  }
  return prefetches;
}

/**
 * A connection's first page can be read ahead when the document gives the field the same literal
 * arguments everywhere (page arguments only, a forward first page) and its list's query does not
 * depend on the parents. Otherwise its resolver pages it, one statement per level, as before.
 */
function readAheadPage(dataSource: DataSource, selection: Selection, typeName: string, relation: Extract<Relation, { kind: 'page' }>): Prefetch['page'] | null {
  const args = literalArguments(selection, typeName, relation.field);
  if (!args) return null;
  const page: PageArgs = {};
  for (const [name, value] of Object.entries(args)) {
    if (name !== 'first' || typeof value !== 'number') return null;
    page.first = value;
  }
  const size = firstPageSize(page);
  const list = relation.list(args);
  if (size === null || !embeddable(dataSource, list)) return null;
  return { list, args: page, size };
}

/**
 * The columns of `reader`'s rows that the operation's fields on its type read: the primary key,
 * each selected plain field's column (or embedded columns), the foreign key of each selected
 * to-one relation, and what a computed field declares with `@Reads`. Any other computed field may
 * read any column: then all of them (as when the type is not in the selection at all). Rows
 * read ahead are primed into the request's loaders, and the selection is the whole operation's,
 * so every path of the request that finds such a row asks only for fields counted here.
 */
function columnsNeeded(selection: Selection, reader: EntityReader): number[] {
  const all = reader.columns.map((_, i) => i);
  const typeName = typeNameOf(reader);
  const selected = selection.get(typeName);
  const plain = plainFields?.get(typeName);
  if (!selected || !plain) return all;
  const relations = new Map(relationsOf(typeName).map((r) => [r.field, r]));
  const needed = new Set(all.filter((i) => reader.columns[i].isPrimary));
  const add = (matches: (propertyPath: string) => boolean) => {
    let found = false;
    reader.columns.forEach((c, i) => {
      if (!matches(c.propertyPath)) return;
      found = true;
      needed.add(i);
    });
    return found;
  };
  for (const field of selected) {
    if (field === '__typename') continue;
    const relation = relations.get(field);
    if (relation) {
      // to-many relations key on the parent's primary key, always read.
      if (relation.kind === 'one' && !add((path) => path === relation.foreignKey)) return all;
      continue;
    }
    const properties = plain.has(field) ? [field] : declaredReads(typeName, field);
    if (!properties) return all;
    for (const property of properties) if (!add((path) => path === property || path.startsWith(`${property}.`))) return all;
  }
  return [...needed].sort((a, b) => a - b);
}

function typeNameOf(reader: EntityReader): string {
  return (reader.metadata.target as { name?: string }).name ?? reader.metadata.name;
}

// ---------------------------------------------------------------------------------------------
// SQL: one scalar subquery per relation, its rows as JSON arrays in the reader's column order,
// followed by their own relations' JSON

function jsonRow(prefetch: Prefetch, alias: string, depth: number): string {
  const values = [prefetch.reader.valuesOf(alias, prefetch.columns), ...columnsFor(prefetch.children, prefetch.reader, alias, depth + 1)];
  if (prefetch.columns.length + prefetch.children.length > 100) {
    throw new Error(`${prefetch.reader.metadata.name}: too many columns to look ahead (json_build_array takes 100)`);
  }
  return `json_build_array(${values.join(', ')})`;
}

/** The select expressions (one per prefetch) of rows of `parent` read under `parentAlias` (quoted or plain). */
export function columnsFor(prefetches: Prefetch[], parent: EntityReader, parentAlias: string, depth = 1): string[] {
  return prefetches.map((prefetch, i) => {
    const alias = `la${depth}_${i}`;
    const { relation, reader } = prefetch;
    const row = relation.kind === 'page' ? '' : jsonRow(prefetch, alias, depth);
    const parentColumn = (property: string) => `${parentAlias}."${parent.column(property).databaseName}"`;
    switch (relation.kind) {
      case 'one':
        return `(SELECT ${row} FROM ${reader.table} ${alias} WHERE ${alias}."${reader.column(relation.key).databaseName}" = ${parentColumn(relation.foreignKey)})`;
      case 'many': {
        const order = flattenOrder(relation.order).map(([path, direction]) => `${alias}."${reader.column(path).databaseName}" ${direction}`);
        return `(SELECT coalesce(json_agg(${row} ORDER BY ${order.join(', ')}), '[]') FROM ${reader.table} ${alias}
                  WHERE ${alias}."${reader.column(relation.property).databaseName}" = ${parentColumn('id')})`;
      }
      case 'page': {
        const { list, size } = prefetch.page!;
        const names = prefetch.columns.map((c) => reader.columns[c].databaseName);
        // The page's rows are named by their columns, so its rows' own relations read them as a table's.
        return embeddedPage(reader.metadata.connection, list, size, parentColumn(relation.parentProperty), names,
          (rows) => columnsFor(prefetch.children, reader, rows, depth + 1), alias);
      }
      case 'through': {
        const target = reader.column(relation.link.targetProperty ?? 'id').databaseName;
        return `(SELECT coalesce(json_agg(${row}), '[]') FROM "${relation.link.table}" ${alias}_l
                  JOIN ${reader.table} ${alias} ON ${alias}."${target}" = ${alias}_l."${relation.link.toColumn}"
                  WHERE ${alias}_l."${relation.link.fromColumn}" = ${parentColumn('id')})`;
      }
    }
  });
}

const planKeys = new WeakMap<Prefetch[], string>();

/** A stable name of a plan, for the prepared statement's text cache (plans are built once per document: so is this). */
export function planKey(prefetches: Prefetch[]): string {
  let key = planKeys.get(prefetches);
  if (key === undefined) {
    key = prefetches.map((p) => `${p.relation.field}[${p.columns.join(' ')}](${planKey(p.children)})${p.page ? `{${p.page.size}}` : ''}`).join(',');
    planKeys.set(prefetches, key);
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// Priming: the JSON read ahead becomes entities in the loaders the relation fields will ask

/** Primes the loaders with the relations of `entity` read ahead: `values[j]` is prefetch j's JSON. */
export function prime(loaders: RequestLoaders, prefetches: Prefetch[], entity: ObjectLiteral, valueOf: (j: number) => unknown): void {
  for (let j = 0; j < prefetches.length; j++) {
    const { relation } = prefetches[j];
    const json = valueOf(j);
    switch (relation.kind) {
      case 'one': {
        const key = entity[relation.foreignKey];
        if (key == null) break;
        loaders.prime(relation, String(key), json ? related(loaders, prefetches[j], json as unknown[]) : null);
        break;
      }
      case 'many':
        loaders.prime(relation, String(entity.id), ((json ?? []) as unknown[][]).map((row) => related(loaders, prefetches[j], row)));
        break;
      case 'through': {
        const list = ((json ?? []) as unknown[][]).map((row) => related(loaders, prefetches[j], row));
        loaders.prime(relation, String(entity.id), relation.sort ? list.sort(relation.sort) : list);
        break;
      }
      case 'page': {
        const prefetch = prefetches[j];
        const { list, args, size } = prefetch.page!;
        const key = entity[relation.parentProperty];
        if (key == null) break;
        const parentId = String(key);
        const page = pageFromRows(prefetch.reader.metadata.connection, list, size, (json ?? []) as unknown[][], prefetch.columns.length,
          (row, relationsAt) => related(loaders, prefetch, row, relationsAt), () => loaders.listCount(list, parentId));
        loaders.primePage(list, args, parentId, page);
        break;
      }
    }
  }
}

function related(loaders: RequestLoaders, prefetch: Prefetch, row: unknown[], offset = prefetch.columns.length): ObjectLiteral {
  const entity = prefetch.reader.hydrateArrayOf(row, prefetch.columns);
  prime(loaders, prefetch.children, entity, (j) => row[offset + j]);
  return entity;
}

/** `{ attributed: { from: 'ASC' }, id: 'ASC' }` → [['attributed.from', 'ASC'], ['id', 'ASC']]. */
export function flattenOrder(order: Order, prefix = ''): [string, 'ASC' | 'DESC'][] {
  return Object.entries(order).flatMap(([property, direction]) =>
    typeof direction === 'object' && direction !== null
      ? flattenOrder(direction as Order, `${prefix}${property}.`)
      : [[`${prefix}${property}`, direction as 'ASC' | 'DESC'] as [string, 'ASC' | 'DESC']],
  );
}

/** Hands each operation's selection to its request's loaders, once the operation is known. */
export function lookAheadPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async serverWillStart({ schema }) {
      recordPlainFields(schema);
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema }) {
          contextValue.loaders?.lookAhead(selectionOf(schema, document));
        },
      };
    },
  };
}
