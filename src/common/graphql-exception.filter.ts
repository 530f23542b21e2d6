import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlExceptionFilter } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyRefusal, sendRefusal } from '../limits/http-limits';

/**
 * Hands every resolver error to Apollo untouched, instead of Nest logging it as a
 * crash first: client errors (BAD_USER_INPUT, NOT_FOUND, CONFLICT) are not server
 * faults, and real faults are logged once, in formatGraphQLError.
 *
 * Outside GraphQL (a body Fastify could not read, an unknown route), the HTTP answer: a
 * GraphQL-shaped refusal for an unreadable body (src/limits/http-limits.ts), else Nest's own.
 */
@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() === 'http') {
      const http = host.switchToHttp();
      const request = http.getRequest<FastifyRequest>();
      const refused = bodyRefusal(exception, request, request.server.initialConfig.bodyLimit ?? 1_048_576);
      if (refused) return sendRefusal(http.getResponse<FastifyReply>(), refused);
      return super.catch(exception, host);
    }
    return exception instanceof Error ? exception : new Error(String(exception));
  }
}
