import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Request } from 'express';
import { EntityManager } from 'typeorm';
import { BadUserInputError } from './errors';

/**
 * Who is making a change, until there are accounts: the name a client sends in the
 * X-Actor-Name header ("anonymous" without one). Recorded with links, suggestion
 * decisions and attribution revisions. Non-ASCII names may be percent-encoded
 * (HTTP headers are Latin-1): "Ine%20S%C3%B8reide".
 */
export const CALLER_HEADER = 'X-Actor-Name';
export const ANONYMOUS = 'anonymous';
const MAX_LENGTH = 100;

export function callerName(header: string | string[] | undefined): string {
  if (header === undefined) return ANONYMOUS;
  if (Array.isArray(header)) throw invalid('give the header once');
  let name = header;
  if (/%[0-9a-f]{2}/i.test(name)) {
    try {
      name = decodeURIComponent(name);
    } catch {
      throw invalid('it is not valid percent-encoding');
    }
  }
  if (/\p{Cc}/u.test(name)) throw invalid('it contains control characters');
  name = name.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name === '') return ANONYMOUS;
  if (name.length > MAX_LENGTH) throw invalid(`it is longer than ${MAX_LENGTH} characters`);
  if (!/[\p{L}\p{N}]/u.test(name)) throw invalid('it has no letter or digit');
  return name;
}

function invalid(problem: string): BadUserInputError {
  return new BadUserInputError(`${CALLER_HEADER} must be a name of 1 to ${MAX_LENGTH} characters: ${problem}`, {
    header: CALLER_HEADER,
  });
}

/** Resolver parameter: the validated caller name of this request. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = GqlExecutionContext.create(context).getContext<{ req?: Request }>().req;
  return callerName(req?.headers[CALLER_HEADER.toLowerCase()]);
});

/**
 * Names the caller for database triggers that record history (attribution_revision),
 * for the rest of the current transaction only.
 */
export async function recordAs(manager: EntityManager, caller: string): Promise<void> {
  await manager.query(`SELECT set_config('attribution_tracker.recorded_by', $1, true)`, [caller]);
}
