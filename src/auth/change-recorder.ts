import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GraphQLSchema } from 'graphql';
import { AfterQueryEvent, BeforeQueryEvent, DataSource, EntitySubscriberInterface, QueryRunner, TransactionStartEvent } from 'typeorm';
import { CallerAccount, inChangeContext, requestRecorder, setRecorder } from '../common/caller';
import { forbidden } from './auth.plugin';
import { mutationRule } from './mutation-roles';
import { hasRole } from './role';

interface MutationContext {
  req?: { id?: string };
  account?: CallerAccount | null;
}

/**
 * Wraps each mutation's resolver (through Nest's transformSchema, once at start):
 * - a rule that raises the role for some arguments (src/auth/mutation-roles.ts) is checked
 *   against the arguments as given, before anything runs;
 * - the resolver runs in its change context (src/common/caller.ts): this request's id, its
 *   account, the mutation's name; the subscriber below tags its writes with them.
 * Reads are left alone: no field of theirs is wrapped and no change context is entered.
 */
export function withChangeContext(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve;
    if (!resolve) continue;
    const raise = mutationRule(field.name)?.raise;
    field.resolve = (source, args, context: MutationContext, info) => {
      const account = context?.account ?? null;
      if (raise?.when(args) && !(account && hasRole(account.role, raise.role))) {
        throw forbidden(`${raise.what} needs the ${raise.role} role; this account is ${account?.role ?? 'none'}`);
      }
      return inChangeContext({ requestId: String(context?.req?.id ?? ''), account, operation: field.name }, () => resolve(source, args, context, info));
    };
  }
  return schema;
}

/** A statement that may write: outside a transaction it gets the recorder for itself alone. */
const WRITE = /^\s*(INSERT|UPDATE|DELETE|MERGE|WITH|COPY|CALL)\b/i;
const recorded = new WeakSet<QueryRunner>();

/**
 * Tags every write of an authenticated mutation with its account, mutation and request id,
 * for the change-log triggers, whichever way the service writes:
 * - each transaction, as it starts (transaction-local settings, gone at COMMIT/ROLLBACK);
 * - a single statement outside a transaction (repository.delete(), …): session settings set just
 *   before it and cleared just after, on the same connection.
 * Outside a mutation (reads, seed, command-line imports) it does nothing: recordAs() names those.
 */
@Injectable()
export class ChangeRecorderSubscriber implements EntitySubscriberInterface {
  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  async afterTransactionStart(event: TransactionStartEvent): Promise<void> {
    const recorder = requestRecorder();
    if (recorder) await setRecorder(event.queryRunner, recorder, true);
  }

  async beforeQuery(event: BeforeQueryEvent): Promise<void> {
    const runner = event.queryRunner;
    if (runner.isTransactionActive || !WRITE.test(event.query)) return;
    const recorder = requestRecorder();
    if (!recorder) return;
    await setRecorder(runner, recorder, false);
    recorded.add(runner);
  }

  async afterQuery(event: AfterQueryEvent): Promise<void> {
    const runner = event.queryRunner;
    if (!recorded.has(runner) || !WRITE.test(event.query)) return;
    recorded.delete(runner);
    await setRecorder(runner, null, false);
  }
}
