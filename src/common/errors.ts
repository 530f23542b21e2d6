import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';

/** Error codes a client can branch on; sent in `extensions.code`. */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  /** No valid credentials where the operation needs them (missing, unknown or revoked token). */
  Unauthenticated = 'UNAUTHENTICATED',
  /** Valid credentials whose role is not enough for the operation. */
  Forbidden = 'FORBIDDEN',
  /** The database cannot be reached right now; the same request may succeed later. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** A request over one of the configured limits (depth, aliases, cost, tokens, mutations, time, body size). */
  QueryTooDeep = 'QUERY_TOO_DEEP',
  TooManyAliases = 'TOO_MANY_ALIASES',
  QueryTooCostly = 'QUERY_TOO_COSTLY',
  TooManyTokens = 'TOO_MANY_TOKENS',
  TooManyMutations = 'TOO_MANY_MUTATIONS',
  QueryTimeout = 'QUERY_TIMEOUT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** The HTTP request itself is not a GraphQL request (malformed JSON, no query). */
  BadRequest = 'BAD_REQUEST',
  Internal = 'INTERNAL_SERVER_ERROR',
}

export class BadUserInputError extends GraphQLError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code: ErrorCode.BadUserInput, ...details } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(type: string, id: string) {
    super(`${type} ${JSON.stringify(id)} does not exist`, {
      extensions: { code: ErrorCode.NotFound, type, id },
    });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code: ErrorCode.Conflict, ...details } });
  }
}

/**
 * Readable messages for the constraints declared in migrations/, so a
 * violation the service did not pre-check still reads like a domain error.
 */
const constraintMessages: Record<string, [ErrorCode, string]> = {
  actor_alias_normalized_key: [ErrorCode.Conflict, 'This alias is already used by a threat actor'],
  source_article_url_key: [ErrorCode.Conflict, 'A source article with this URL already exists'],
  organization_name_country_key: [ErrorCode.Conflict, 'An organization with this name already exists in this country'],
  campaign_name_key: [ErrorCode.Conflict, 'A campaign with this name already exists'],
  incident_target_unique: [ErrorCode.Conflict, 'This target is already recorded for the incident with this role'],
  threat_actor_parent_fk: [ErrorCode.Conflict, 'This threat actor still has child actors; move or delete them first'],
  attribution_actor_fk: [ErrorCode.Conflict, 'This threat actor is named in attributions; delete those first'],
  attribution_incident_fk: [ErrorCode.Conflict, 'This incident has attributions; delete those first'],
  attribution_campaign_fk: [ErrorCode.Conflict, 'This campaign has attributions; delete those first'],
  statement_source_article_fk: [ErrorCode.Conflict, 'This source article is cited by statements; unlink them first'],
  incident_source_article_fk: [ErrorCode.Conflict, 'This source article is cited by incidents; unlink them first'],
  statement_speaker_person_fk: [ErrorCode.Conflict, 'This person is the speaker of statements; delete those first'],
  statement_speaker_organization_fk: [ErrorCode.Conflict, 'This organization is the speaker of statements; delete those first'],
  attribution_by_person_fk: [ErrorCode.Conflict, 'This person made attributions; delete those first'],
  attribution_by_organization_fk: [ErrorCode.Conflict, 'This organization made attributions; delete those first'],
  incident_target_organization_fk: [ErrorCode.Conflict, 'This organization is an incident target; remove the target first'],
  incident_target_person_fk: [ErrorCode.Conflict, 'This person is an incident target; remove the target first'],
  person_organization_fk: [ErrorCode.Conflict, 'People belong to this organization; move or delete them first'],
};

/** Turns a PostgreSQL error into a client error, or returns undefined if it is a server fault. */
function fromDatabaseError(error: QueryFailedError): GraphQLFormattedError | undefined {
  const driverError = error.driverError as { code?: string; constraint?: string; detail?: string };
  const known = driverError.constraint ? constraintMessages[driverError.constraint] : undefined;
  if (known) return { message: known[1], extensions: { code: known[0], constraint: driverError.constraint } };
  switch (driverError.code) {
    case '23505':
      return { message: `Already exists: ${driverError.detail ?? 'duplicate value'}`, extensions: { code: ErrorCode.Conflict } };
    case '23503':
      return { message: `Refers to or is referred to by a missing or dependent record: ${driverError.detail ?? ''}`.trim(), extensions: { code: ErrorCode.Conflict } };
    case '23514':
    case '23502':
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return { message: `Invalid value: ${(error as Error).message}`, extensions: { code: ErrorCode.BadUserInput } };
    default:
      return undefined;
  }
}

/** Node's socket errors and PostgreSQL's SQLSTATEs that mean "the database is not there right now". */
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']); // admin/crash shutdown, starting up, too many connections
const UNREACHABLE_MESSAGES = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i;
// TypeORM releases a transaction's query runner when its connection dies; the next statement then fails with this.
const UNREACHABLE_ERROR_NAMES = new Set(['QueryRunnerAlreadyReleasedError']);

/**
 * True when `error` (or the driver error or cause it wraps) says the database cannot be
 * reached: the request may succeed later, so it is not a server fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof name === 'string' && UNREACHABLE_ERROR_NAMES.has(name)) return true;
    if (typeof code === 'string' && (UNREACHABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The client's answer while the database is down: SERVICE_UNAVAILABLE, never the driver's text. */
export function fromConnectionError(error: unknown): GraphQLFormattedError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  return { message: 'The database is unavailable right now; try again shortly', extensions: { code: ErrorCode.ServiceUnavailable } };
}

/**
 * Apollo `formatError`: domain and validation errors pass through with their code,
 * database constraint violations become CONFLICT / BAD_USER_INPUT, anything else
 * becomes a bare INTERNAL_SERVER_ERROR (logged, never shown with a stack trace).
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { exposeInternals: boolean; log: (e: unknown) => void; onUnavailable?: (e: unknown) => void },
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = { locations: formatted.locations, path: formatted.path };

  // An outage is reported once by its tracker (onUnavailable), not logged per request.
  const unavailable = fromConnectionError(original);
  if (unavailable) {
    options.onUnavailable?.(original);
    return { ...base, ...unavailable };
  }

  if (original instanceof QueryFailedError) {
    const mapped = fromDatabaseError(original);
    if (mapped) return { ...base, ...mapped };
  }
  const code = formatted.extensions?.code as string | undefined;
  const isClientError =
    original instanceof GraphQLError || (code !== undefined && code !== ErrorCode.Internal);
  if (isClientError) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: options.exposeInternals ? formatted.extensions : extensions };
  }
  options.log(original);
  return {
    ...base,
    message: options.exposeInternals && original instanceof Error ? original.message : 'Internal server error',
    extensions: { code: ErrorCode.Internal },
  };
}
