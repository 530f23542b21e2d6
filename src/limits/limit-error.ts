import { GraphQLError } from 'graphql';
import { ErrorCode } from '../common/errors';

/**
 * A request refused for going over one of the configured limits. The message names the
 * limit and the request's own measure ("depth 50 exceeds the limit of 12"); `extensions`
 * carry both as numbers, so a client can tell which limit to stay under without parsing
 * the text. `status` is the HTTP status when the whole request is refused before it runs.
 */
export class LimitExceededError extends GraphQLError {
  constructor(code: ErrorCode, message: string, measure: { limit: number; actual?: number }, status?: number) {
    super(message, { extensions: { code, ...measure, ...(status ? { http: { status } } : {}) } });
  }
}
