import { Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every resolver error to Apollo untouched, instead of Nest logging it as a
 * crash first: client errors (BAD_USER_INPUT, NOT_FOUND, CONFLICT) are not server
 * faults, and real faults are logged once, in formatGraphQLError.
 */
@Catch()
export class GraphQLExceptionFilter implements GqlExceptionFilter {
  catch(exception: unknown): unknown {
    return exception instanceof Error ? exception : new Error(String(exception));
  }
}
