import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  DocumentNode, GraphQLError, GraphQLObjectType, GraphQLSchema, Kind, Lexer, SelectionSetNode, Source, TokenKind, ValidationContext, ValidationRule,
} from 'graphql';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ErrorCode } from '../common/errors';
import { readsOnlyItsParent } from '../common/lookahead';
import { LimitExceededError } from './limit-error';
import { LimitsConfig } from './limits-config';
import { operationCost, pageSizeEstimator } from './query-cost';

/** Apollo's plugin type as @nestjs/apollo sees it (its ESM build; ours would resolve to the CJS one). */
type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

type QueryLimits = Pick<
  LimitsConfig,
  'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxCost' | 'costListSize' | 'maxMutations' | 'requestTimeoutMs'
>;

/** graphql-armor's rules report "… limit of N exceeded, found M."; M is the request's measure. */
function armorRefusal(code: ErrorCode, limit: number, describe: (actual: number) => string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const actual = Number(/found (\d+)/.exec(error.message)?.[1]);
    context?.reportError(new LimitExceededError(code, describe(actual), { limit, actual }, 400));
  };
}

/** Root fields of a mutation, through inline fragments and fragment spreads (each fragment once). */
function countRootFields(selections: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let count = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countRootFields(selection.selectionSet, context, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countRootFields(fragment.selectionSet, context, seen);
    }
  }
  return count;
}

/** graphql-armor has no rule for this: each mutation is a write, so their number per request is bounded. */
export function maxMutationsRule(limit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
      const count = countRootFields(operation.selectionSet, context, new Set());
      if (count > limit) {
        context.reportError(new LimitExceededError(
          ErrorCode.TooManyMutations, `${count} mutations in one request exceed the limit of ${limit}`, { limit, actual: count }, 400,
        ));
      }
    },
  });
}

/** Validation rules that refuse an operation by its shape, before anything runs. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    maxDepthRule({
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [armorRefusal(ErrorCode.QueryTooDeep, limits.maxDepth, (depth) => `depth ${depth} exceeds the limit of ${limits.maxDepth}`)],
    }),
    maxAliasesRule({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [armorRefusal(ErrorCode.TooManyAliases, limits.maxAliases, (aliases) => `${aliases} aliases exceed the limit of ${limits.maxAliases}`)],
    }),
    maxMutationsRule(limits.maxMutations),
  ];
}

/** Tokens of a whole document (comments excluded); lexing stops at the first lexical error. */
function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A syntax error ends the count: the tokens so far are over the limit already.
  }
  return count;
}

const OVER_TOKEN_LIMIT = Symbol('over the token limit');

/**
 * Counts tokens while parsing (graphql-armor's lexer), so an oversized document is refused
 * before it is parsed in full and validated: validation of many fields can be quadratic.
 */
function maxTokensPlugin(limit: number): ApolloServerPlugin {
  return {
    // A hook that throws is an unexpected error to Apollo, masked as a 500; rethrown from
    // here (graphql-armor's way) the refusal is answered as it is, with its 400.
    async unexpectedErrorProcessingRequest({ error }) {
      if (error instanceof LimitExceededError) throw error;
    },
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          if (source === undefined) return;
          const parser = new MaxTokensParserWLexer(source, {
            n: limit,
            propagateOnRejection: false,
            onReject: [() => { throw OVER_TOKEN_LIMIT; }],
          });
          try {
            parser.parseDocument();
          } catch (error) {
            if (error !== OVER_TOKEN_LIMIT) return; // a syntax error: Apollo's own parse reports it
            const tokens = countTokens(source);
            throw new LimitExceededError(
              ErrorCode.TooManyTokens, `${tokens} tokens exceed the limit of ${limit}`, { limit, actual: tokens }, 400,
            );
          }
        },
      };
    },
  };
}

/** Costs computed, by parsed document (Apollo keeps one per query text) and then operation and variables. */
const COSTS_PER_DOCUMENT = 256;

/** The estimated cost, with the variables known (after validation, before execution). */
function costLimitPlugin(limits: QueryLimits): ApolloServerPlugin {
  let estimator: ReturnType<typeof pageSizeEstimator> | undefined;
  // The cost depends on the document, the operation and the variables only: a client repeating a
  // query (a dashboard, a page of the same list) is not charged the walk of its document each time.
  const costs = new WeakMap<DocumentNode, Map<string, number | null>>();
  return {
    async serverWillStart({ schema }) {
      estimator = pageSizeEstimator(schema, limits.costListSize);
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          let known = costs.get(document!);
          if (!known) costs.set(document!, (known = new Map()));
          const key = `${request.operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          let cost = known.get(key);
          if (cost === undefined) {
            cost = operationCost({
              schema, document: document!, operationName: request.operationName, variables: request.variables,
              estimator: estimator ?? pageSizeEstimator(schema, limits.costListSize),
            });
            if (known.size >= COSTS_PER_DOCUMENT) known.clear();
            known.set(key, cost);
          }
          if (cost !== null && cost > limits.maxCost) {
            const measure = Number.isFinite(cost) ? `cost ${cost}` : 'cost too large to count';
            throw new LimitExceededError(
              ErrorCode.QueryTooCostly,
              `${measure} exceeds the limit of ${limits.maxCost} (a list costs its page size times its fields)`,
              { limit: limits.maxCost, ...(Number.isFinite(cost) ? { actual: cost } : {}) },
              400,
            );
          }
        },
      };
    },
  };
}

/** Where a request keeps its deadline: on the context, set when the request starts. */
const deadlineOf = Symbol('requestDeadline');

/**
 * The request's time budget: once it is spent, every field with a resolver of its own that has
 * not yet started fails with QUERY_TIMEOUT (reported once), so no further SQL is sent. Only those
 * fields can send SQL; the rest read what their parent already holds. SQL already running is
 * bounded by statement_timeout, set on the pool (docs/limits.md).
 *
 * The check is a wrapper on those resolvers (withRequestDeadline), not Apollo's willResolveField:
 * a plugin with that hook makes Apollo wrap and dispatch every field of every request (about 150
 * per question 1 of the benchmark), which cost more than the rest of our field resolution.
 */
function requestTimeoutPlugin(timeoutMs: number): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      (contextValue as Record<symbol, number>)[deadlineOf] = Date.now() + timeoutMs;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const isTimeout = (e: { extensions?: Record<string, unknown> }) => e.extensions?.code === ErrorCode.QueryTimeout;
          const first = result.errors?.find(isTimeout);
          if (first) result.errors = [first, ...result.errors!.filter((e) => !isTimeout(e))];
        },
      };
    },
  };
}

/**
 * Wraps the resolvers that can send SQL with the deadline check: not the fields without a
 * resolver, nor Nest's plain property fields (src/common/lookahead.ts tells them apart).
 */
function withRequestDeadline(schema: GraphQLSchema, timeoutMs: number): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || readsOnlyItsParent(field)) continue;
      field.resolve = (source, args, context, info) => {
        const deadline = (context as Record<symbol, number | undefined>)?.[deadlineOf];
        if (deadline !== undefined && Date.now() > deadline) {
          throw new LimitExceededError(ErrorCode.QueryTimeout, `the request ran past the time limit of ${timeoutMs} ms`, { limit: timeoutMs });
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/** Everything Apollo needs to hold a request to the limits. */
export function queryLimits(limits: QueryLimits): {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  transformSchema: (schema: GraphQLSchema) => GraphQLSchema;
} {
  const timed = limits.requestTimeoutMs > 0;
  return {
    validationRules: queryLimitRules(limits),
    plugins: [
      maxTokensPlugin(limits.maxTokens),
      costLimitPlugin(limits),
      ...(timed ? [requestTimeoutPlugin(limits.requestTimeoutMs)] : []),
    ],
    transformSchema: (schema) => (timed ? withRequestDeadline(schema, limits.requestTimeoutMs) : schema),
  };
}
