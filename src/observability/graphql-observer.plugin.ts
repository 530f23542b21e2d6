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

/**
 * Times each GraphQL request and counts its errors by code, and leaves the operation
 * name and codes on the HTTP request for its log line.
 */
export function graphqlObserverPlugin(): NonNullable<ApolloDriverConfig['plugins']>[number] {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
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
