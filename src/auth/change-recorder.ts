import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AfterQueryEvent, BeforeQueryEvent, DataSource, EntitySubscriberInterface, QueryRunner, TransactionStartEvent } from 'typeorm';
import { changeContext, requestRecorder, setRecorder } from '../common/caller';
import { requestId } from '../common/request-id';

/**
 * Opens the request's change context (src/common/caller.ts) around everything that handles it.
 * Nest middleware on Fastify (middie) gets Node's own request and response.
 */
@Injectable()
export class ChangeContextMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    changeContext.run({ requestId: requestId(req, res), account: null, operation: null }, next);
  }
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
