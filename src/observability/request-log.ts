import type { FastifyInstance } from 'fastify';
import { Level, Logger } from 'pino';
import { ErrorCode } from '../common/errors';
import { GraphQLOutcome, graphqlOutcome } from './graphql-observer.plugin';

/** Probes and scrapes are not logged: they come every few seconds and say nothing. */
const UNLOGGED = /^\/(health|metrics)\b/;

/** A request's level: debug when refused during an outage (it has its own lines), error for a fault. */
function levelOf(statusCode: number, outcome: GraphQLOutcome | undefined): Level {
  const codes = outcome?.errorCodes ?? [];
  if (codes.length && codes.every((c) => c === ErrorCode.ServiceUnavailable)) return 'debug';
  if (statusCode >= 500 || codes.includes(ErrorCode.Internal)) return 'error';
  return 'info';
}

/**
 * One JSON line per request, when its response is done: its id (X-Request-Id, echoed in the
 * response), method and url, the status, the time taken in ms and, for GraphQL, the operation and
 * its error codes. Requests refused during a database outage log at debug: the outage itself
 * gets one line at its start and one at its end (DatabaseOutage).
 *
 * A Fastify hook, not nestjs-pino's pino-http middleware: that runs through Fastify's middleware
 * engine (middie), makes two child loggers per request and enters an AsyncLocalStorage, which on
 * Node 20 hooks every promise of the process; together they were about 15 % of a read's CPU
 * (docs/benchmark.md). Nest's own logs still go through nestjs-pino to the same logger, and a
 * fault's line names its request's id itself (src/app.module.ts, src/common/download-errors.ts).
 */
export function installRequestLog(fastify: FastifyInstance, logger: Logger): void {
  // Also after hijack() (the downloads): Fastify runs onResponse when Node's response finishes.
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!UNLOGGED.test(request.url)) {
      const outcome = graphqlOutcome(request.raw);
      const statusCode = reply.raw.statusCode;
      const line: Record<string, unknown> = {
        req: { id: request.id, method: request.method, url: request.url },
        res: { statusCode },
        responseTime: Math.round(reply.elapsedTime),
      };
      if (outcome) {
        line.operation = outcome.operation;
        line.outcome = outcome.errorCodes.length ? 'error' : 'ok';
        line.errorCodes = outcome.errorCodes;
      }
      logger[levelOf(statusCode, outcome)](line, statusCode >= 500 ? 'request errored' : 'request completed');
    }
    done();
  });
}
