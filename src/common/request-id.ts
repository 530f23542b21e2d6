import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id of an HTTP request, the same in its log lines, its audit entries and its
 * response header: a well-formed one the client sent, else a new one; remembered on the
 * request so every caller sees one id. Fastify draws it first (genReqId, src/app.ts), whose
 * onRequest hook echoes it in every response; a caller given `res` sets the header too.
 */
export function requestId(req: IncomingMessage & { id?: unknown }, res?: ServerResponse): string {
  let id = typeof req.id === 'string' && req.id ? req.id : undefined;
  if (!id) {
    const sent = req.headers[REQUEST_ID_HEADER];
    id = typeof sent === 'string' && /^[\w.:-]{1,100}$/.test(sent) ? sent : randomUUID();
    req.id = id;
  }
  if (res && !res.headersSent && !res.hasHeader(REQUEST_ID_HEADER)) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
