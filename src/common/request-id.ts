import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id of an HTTP request, the same in its log lines, its audit entries and its
 * response header: the one the logger assigned (req.id), else a well-formed one the
 * client sent, else a new one; remembered on the request so every caller sees one id.
 */
export function requestId(req: IncomingMessage & { id?: unknown }): string {
  if (typeof req.id === 'string' && req.id) return req.id;
  const sent = req.headers[REQUEST_ID_HEADER];
  const id = typeof sent === 'string' && /^[\w.:-]{1,100}$/.test(sent) ? sent : randomUUID();
  req.id = id;
  return id;
}
