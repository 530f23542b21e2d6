import { HttpException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../common/errors';
import { LimitsConfig } from './limits-config';

/** What Fastify attaches to the errors it raises while reading a request body (FST_ERR_CTP_*). */
interface FastifyBodyError {
  code?: unknown;
  statusCode?: unknown;
}

/** A refusal of the HTTP request itself, shaped as a GraphQL response so every client reads it the same way. */
export interface HttpRefusal {
  status: number;
  body: { errors: [{ message: string; extensions: Record<string, unknown> }] };
}

function refusal(status: number, code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): HttpRefusal {
  return { status, body: { errors: [{ message, extensions: { code, ...extensions } }] } };
}

/**
 * The answer to a body Fastify could not read, or undefined for any other error: malformed JSON is
 * BAD_REQUEST (400) and a body over BODY_LIMIT is PAYLOAD_TOO_LARGE (413), instead of Fastify's own
 * `{statusCode, message}`. Fastify refuses a body over the limit as soon as its Content-Length (or
 * the bytes read) passes it, so `actual` is the length the client declared, when it declared one.
 */
export function bodyRefusal(thrown: unknown, request: Pick<FastifyRequest, 'headers'>, limit: number): HttpRefusal | undefined {
  // Nest hands its filters Fastify's 4xx errors as an HttpException caused by them.
  const error = thrown instanceof HttpException && thrown.cause ? thrown.cause : thrown;
  const code = (error as FastifyBodyError | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_CTP_')) return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const declared = Number(request.headers['content-length']);
    const length = Number.isSafeInteger(declared) && declared > 0 ? declared : undefined;
    return refusal(413, ErrorCode.PayloadTooLarge, `The request body ${length ? `of ${length} bytes ` : ''}exceeds the limit of ${limit} bytes`, {
      limit,
      ...(length ? { actual: length } : {}),
    });
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return refusal(400, ErrorCode.BadRequest, 'The request body is not valid JSON');
  }
  const status = Number((error as FastifyBodyError).statusCode);
  return refusal(status >= 400 && status < 500 ? status : 400, ErrorCode.BadRequest,
    'The request body cannot be read (check its Content-Type and encoding)');
}

export function sendRefusal(reply: FastifyReply, refused: HttpRefusal): void {
  reply.status(refused.status).type('application/json').send(JSON.stringify(refused.body));
}

/**
 * The HTTP side of the limits that the adapter's options do not set (BODY_LIMIT is the
 * FastifyAdapter's bodyLimit, src/app.ts): CORS only for the CORS_ORIGINS allow-list (without
 * it no CORS headers are sent, so browsers allow same-origin use only). Fastify sends no
 * X-Powered-By and computes no ETag.
 */
export function applyHttpLimits(app: NestFastifyApplication, limits: Pick<LimitsConfig, 'corsOrigins'>): void {
  if (limits.corsOrigins.length) {
    app.enableCors({ origin: limits.corsOrigins, methods: ['GET', 'POST'], maxAge: 600 });
  }
}
