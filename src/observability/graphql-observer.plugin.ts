import { ApolloDriverConfig } from '@nestjs/apollo';
import { IncomingMessage } from 'node:http';
import { ErrorCode } from '../common/errors';
import { errorsByCode, operationLabel, requestDuration } from './metrics';

/** What the request log line adds about the GraphQL operation. */
export interface GraphQLOutcome {
  operation: string;
  errorCodes: string[];
}

export function graphqlOutcome(req: IncomingMessage): GraphQLOutcome | undefined {
  return (req as { graphql?: GraphQLOutcome }).graphql;
}

/** The request each error arose in (didEncounterErrors below), for formatError's log line. */
const requestOfError = new WeakMap<object, string>();

export function requestIdOfError(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? requestOfError.get(error) : undefined;
}

/**
 * Times each GraphQL request and counts its errors by code, and leaves the operation
 * name and codes on the HTTP request for its log line. Names each error's request id before
 * Apollo formats it, so that a fault's log line carries the id of its request's line.
 */
export function graphqlObserverPlugin(): NonNullable<ApolloDriverConfig['plugins']>[number] {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ contextValue, errors }) {
          const id = (contextValue as { req?: { id?: unknown } }).req?.id;
          if (typeof id === 'string') for (const error of errors) requestOfError.set(error, id);
        },
        async willSendResponse({ contextValue, operationName, response }) {
          // On the Node request (Fastify's wraps it), where the request log line reads it.
          const context = (contextValue as { req?: { raw?: IncomingMessage } }).req;
          const req = context?.raw ?? (context as IncomingMessage | undefined);
          const body = response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const errorCodes = errors.map((e) => String(e.extensions?.code ?? ErrorCode.Internal));
          const operation = operationLabel(operationName);
          for (const code of errorCodes) errorsByCode.inc({ code });
          requestDuration.observe({ operation, outcome: errorCodes.length ? 'error' : 'ok' }, Number(process.hrtime.bigint() - started) / 1e9);
          if (req) (req as { graphql?: GraphQLOutcome }).graphql = { operation, errorCodes };
        },
      };
    },
  };
}
