import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../common/errors';
import { LimitsConfig } from './limits-config';

/** What body-parser attaches to the errors it raises. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  length?: number;
  limit?: number;
}

/** A refusal of the HTTP request itself, shaped as a GraphQL response so every client reads it the same way. */
function refuse(res: Response, status: number, code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): void {
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

/**
 * Express error handler right after the body parsers: malformed JSON is BAD_REQUEST (400)
 * and a body over BODY_LIMIT is PAYLOAD_TOO_LARGE (413), instead of Express's HTML page.
 */
function bodyErrors(limit: number) {
  return (error: BodyParserError, _req: Request, res: Response, next: NextFunction): void => {
    if (!error.type || !error.status) return next(error);
    if (error.type === 'entity.too.large') {
      const size = error.length ? `of ${error.length} bytes ` : '';
      return refuse(res, 413, ErrorCode.PayloadTooLarge, `The request body ${size}exceeds the limit of ${limit} bytes`, {
        limit,
        ...(error.length ? { actual: error.length } : {}),
      });
    }
    if (error.type === 'entity.parse.failed') {
      return refuse(res, 400, ErrorCode.BadRequest, 'The request body is not valid JSON');
    }
    const status = error.status >= 400 && error.status < 500 ? error.status : 400;
    return refuse(res, status, ErrorCode.BadRequest, 'The request body cannot be read (check its Content-Type and encoding)');
  };
}

/**
 * The HTTP side of the limits, on the Express application before its routes: body size,
 * GraphQL-shaped body errors, no X-Powered-By, and CORS only for the CORS_ORIGINS allow-list
 * (without it no CORS headers are sent, so browsers allow same-origin use only).
 * The app must be created with `bodyParser: false` so that these parsers are the only ones.
 */
export function applyHttpLimits(app: NestExpressApplication, limits: Pick<LimitsConfig, 'bodyLimitBytes' | 'corsOrigins'>): void {
  app.disable('x-powered-by');
  // Express hashes every response body for an ETag (1 % of a busy API's CPU); GraphQL answers are
  // POST responses that no cache revalidates, and the downloads stream without one.
  app.set('etag', false);
  app.useBodyParser('json', { limit: limits.bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: limits.bodyLimitBytes, extended: true });
  app.use(bodyErrors(limits.bodyLimitBytes));
  if (limits.corsOrigins.length) {
    app.enableCors({ origin: limits.corsOrigins, methods: ['GET', 'POST'], maxAge: 600 });
  }
}
