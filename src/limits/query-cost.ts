import {
  DocumentNode, GraphQLError, GraphQLField, GraphQLSchema, getNamedType, getNullableType, isListType, isObjectType,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';

const PAGE_ARGUMENTS = ['first', 'last'];

const takesPageSize = (field: GraphQLField<unknown, unknown>): boolean =>
  field.args.some((arg) => PAGE_ARGUMENTS.includes(arg.name));

/**
 * Types that hold one page (IncidentConnection, SearchResults, ActorLookup…): the object
 * types returned, not as a list, by a field that takes a page size. Their list fields
 * (`nodes`, `edges`, `hits`) are that page, already counted at the paged field.
 */
function pageContainers(schema: GraphQLSchema): Set<string> {
  const containers = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const returns = getNullableType(field.type);
      if (takesPageSize(field) && !isListType(returns)) containers.add(getNamedType(returns).name);
    }
  }
  return containers;
}

/**
 * The cost of one field: 1, plus its children's cost times how many times they are
 * resolved. A field that takes `first`/`last` resolves its children that many times (the
 * default page size when left out, as paginate applies it); any other list is assumed
 * `listSize` long.
 * Introspection fields are free: they are bounded by the schema, not by the data.
 */
export function pageSizeEstimator(schema: GraphQLSchema, listSize: number): ComplexityEstimator {
  const containers = pageContainers(schema);
  return ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    let times = 1;
    if (takesPageSize(field)) {
      const sizes = PAGE_ARGUMENTS.map((name) => args[name]).filter((size): size is number => typeof size === 'number');
      times = sizes.length ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
    } else if (isListType(getNullableType(field.type)) && !containers.has(type.name)) {
      times = listSize;
    }
    return 1 + Math.max(times, 0) * childComplexity;
  };
}

/**
 * The estimated cost of the operation, or null when its variables do not fit it (execution
 * then refuses it with GraphQL's own error before resolving anything).
 */
export function operationCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
  estimator: ComplexityEstimator;
}): number | null {
  try {
    return getComplexity({
      schema: options.schema,
      query: options.document,
      operationName: options.operationName ?? undefined,
      variables: options.variables ?? {},
      estimators: [options.estimator],
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return Infinity;
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}
