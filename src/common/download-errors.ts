import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { ErrorCode, fromConnectionError, fromDatabaseError } from './errors';

/** The HTTP status of each code a download answers with before its first byte. */
const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.QueryTimeout]: 503,
  [ErrorCode.ServiceUnavailable]: 503,
};

/**
 * The downloads' errors (GET /export/*.csv, GET /stix/bundle). Before the first byte, an error
 * becomes a JSON body with the same code and message a GraphQL client would get: 400 for a bad
 * parameter, 401 without a valid token where one is needed, 404 for what does not exist, 503 when
 * the database is down or the export ran past EXPORT_TIMEOUT_MS; PostgreSQL's own text is never
 * sent. Anything else is a logged 500. After it, the status cannot change: the connection is cut,
 * so that no client takes a truncated file for a whole one.
 */
@Catch()
export class DownloadErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Download');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // With the request's id, as its request line has it (src/observability/request-log.ts).
    const req = { id: reply.request.id };
    if (reply.sent || reply.raw.headersSent) {
      this.log.error({ req, err: exception }, 'download failed while streaming');
      reply.raw.destroy();
      return;
    }
    const known = clientError(exception);
    const status = known && STATUS[known.code];
    if (known && status) {
      reply.status(status).send({ error: known });
      return;
    }
    this.log.error({ req, err: exception }, 'download failed');
    reply.status(500).send({ error: { message: 'Internal server error', code: ErrorCode.Internal } });
  }
}

/**
 * Node's response, for a download that streams into it with its own backpressure: Fastify is told
 * it does not send this reply (hijack), and the headers set on the reply so far (the request id) are
 * carried over. CORS needs nothing: Nest's Fastify adapter writes those on Node's response itself.
 */
export function streamingResponse(reply: FastifyReply): ServerResponse {
  const headers = reply.getHeaders();
  const res = reply.hijack().raw;
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  return res;
}

/** The error as a client sees it in GraphQL (message, code and details), or undefined for a server fault. */
function clientError(exception: unknown): ({ message: string; code: string } & Record<string, unknown>) | undefined {
  if (exception instanceof GraphQLError) {
    const { http: _http, ...extensions } = exception.extensions as Record<string, unknown>;
    return { message: exception.message, ...extensions, code: String(extensions.code) };
  }
  const unavailable = fromConnectionError(exception);
  // The COPY stream fails with the driver's own error; the other statements with TypeORM's QueryFailedError.
  const database =
    unavailable ??
    (exception instanceof QueryFailedError
      ? fromDatabaseError(exception)
      : typeof (exception as { code?: unknown })?.code === 'string'
        ? fromDatabaseError({ driverError: exception } as QueryFailedError)
        : undefined);
  if (!database) return undefined;
  return { message: database.message, ...database.extensions, code: String(database.extensions?.code) };
}
