import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { AsyncLocalStorage } from 'node:async_hooks';
import { EntityManager, QueryRunner } from 'typeorm';
import { ErrorCode } from './errors';

/** The account a request authenticated as (src/auth/ checks the token). */
export interface CallerAccount {
  id: string;
  name: string;
  role: string;
}

/**
 * The mutation a request is running, for the change log: the request's id, the account it
 * authenticated as, and the mutation (root field). Held in AsyncLocalStorage while that field
 * resolves (inChangeContext), so that every transaction its service opens can be tagged without
 * the services passing it along.
 */
export interface ChangeContext {
  requestId: string;
  account: CallerAccount | null;
  operation: string | null;
}

export const changeContext = new AsyncLocalStorage<ChangeContext>();

/** Mutation fields resolving now, across requests. */
let changing = 0;

/**
 * Runs one mutation field's resolver in its change context. On Node 20 an AsyncLocalStorage
 * that has been entered keeps a hook on every promise the process creates, reads included
 * (about 6 % of a read's CPU in the benchmark, docs/benchmark.md), so the storage is entered
 * only here and disabled again whenever no mutation is resolving; the next run() enables it.
 */
export function inChangeContext<T>(context: ChangeContext, resolve: () => T): T {
  changing++;
  const settle = () => {
    if (--changing === 0) changeContext.disable();
  };
  let result: T;
  try {
    result = changeContext.run(context, resolve);
  } catch (error) {
    settle();
    throw error;
  }
  if (typeof (result as { then?: unknown } | null)?.then === 'function') return Promise.resolve(result).finally(settle) as T;
  settle();
  return result;
}

/** Who the database triggers record for a write (change_log, attribution_revision). */
export interface Recorder {
  recordedBy: string;
  accountId: string | null;
  operation: string;
  requestId: string | null;
}

/** The recorder of the mutation running in this request, or null outside one. */
export function requestRecorder(): Recorder | null {
  const context = changeContext.getStore();
  if (!context?.account || !context.operation) return null;
  return { recordedBy: context.account.name, accountId: context.account.id, operation: context.operation, requestId: context.requestId };
}

/**
 * Sets the recorder for the database triggers: transaction-local (`local`), or for the
 * session until reset (used around a single statement outside a transaction).
 */
export async function setRecorder(runner: Pick<QueryRunner, 'query'>, recorder: Recorder | null, local: boolean): Promise<void> {
  await runner.query(
    `SELECT set_config('attribution_tracker.recorded_by', $1, $5), set_config('attribution_tracker.account_id', $2, $5),
            set_config('attribution_tracker.operation', $3, $5), set_config('attribution_tracker.request_id', $4, $5)`,
    [recorder?.recordedBy ?? '', recorder?.accountId ?? '', recorder?.operation ?? '', recorder?.requestId ?? '', local],
  );
}

/**
 * Names who makes the changes of the current transaction. Inside an authenticated mutation the
 * account is recorded whatever `name` says (the account is the actor; the mutation is the
 * operation); elsewhere (seed, command-line imports: 'import:<name>') `name` is both.
 */
export async function recordAs(manager: EntityManager, name: string): Promise<void> {
  await setRecorder(manager, requestRecorder() ?? { recordedBy: name, accountId: null, operation: name, requestId: null }, true);
}

/**
 * Starts an import's transaction: names its recorder as recordAs does, and lifts the API's
 * per-statement limit (STATEMENT_TIMEOUT_MS) for this transaction only: that limit guards
 * the API against costly queries, while an import is one long, admin-started transaction
 * whose bulk statements may rightly take longer (SET LOCAL ends with the transaction).
 */
export async function beginImport(manager: EntityManager, name: string): Promise<void> {
  await recordAs(manager, name);
  await manager.query('SET LOCAL statement_timeout = 0');
}

/**
 * Resolver parameter: the name of the authenticated account. Mutations only reach their
 * resolver with one (src/auth/auth.plugin.ts refuses them otherwise).
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const account = GqlExecutionContext.create(context).getContext<{ account?: CallerAccount | null }>().account;
  if (!account) throw new GraphQLError('This operation needs an account: send Authorization: Bearer <token>', { extensions: { code: ErrorCode.Unauthenticated } });
  return account.name;
});
