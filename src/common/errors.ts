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
  attribution_source_article_fk: [ErrorCode.Conflict, 'This source article is cited by attributions; unlink them first'],
  citation_article_fk: [ErrorCode.Conflict, 'This source article is cited by facts; unlink them first'],
  citation_dataset_record_fk: [ErrorCode.Conflict, 'This dataset record is cited by facts; unlink them first'],
  dataset_record_article_article_fk: [ErrorCode.Conflict, 'This source article is listed by dataset records; unlink them first'],
  statement_speaker_person_fk: [ErrorCode.Conflict, 'This person is the speaker of statements; delete those first'],
  statement_speaker_organization_fk: [ErrorCode.Conflict, 'This organization is the speaker of statements; delete those first'],
  attribution_by_person_fk: [ErrorCode.Conflict, 'This person made attributions; delete those first'],
  attribution_by_organization_fk: [ErrorCode.Conflict, 'This organization made attributions; delete those first'],
  incident_target_organization_fk: [ErrorCode.Conflict, 'This organization is an incident target; remove the target first'],
  incident_target_person_fk: [ErrorCode.Conflict, 'This person is an incident target; remove the target first'],
  person_organization_fk: [ErrorCode.Conflict, 'People belong to this organization; move or delete them first'],
};

/** A table name in the project's words: "source_article" → "source article". */
const described = (table: string | undefined): string => (table ? table.replace(/_/g, ' ') : 'record');

/**
 * A foreign-key violation in the project's words. Inserting or updating a row that names a
 * row that is gone (a race: the campaign was deleted while an incident was created under
 * it) is NOT_FOUND; deleting a row that others still name is CONFLICT. PostgreSQL's detail
 * is read only to tell the two apart and to name the tables; its text is never sent.
 */
function fromForeignKeyViolation(constraint: string | undefined, detail: string): GraphQLFormattedError {
  const missing = /is not present in table "([^"]+)"/.exec(detail);
  if (missing) {
    const type = described(missing[1]);
    return {
      message: `The ${type} this refers to does not exist (it may have just been deleted)`,
      extensions: { code: ErrorCode.NotFound, type, constraint },
    };
  }
  const known = constraint ? constraintMessages[constraint] : undefined;
  if (known) return { message: known[1], extensions: { code: known[0], constraint } };
  const referrer = /referenced from table "([^"]+)"/.exec(detail);
  return {
    message: `This record is still referred to by ${referrer ? `a ${described(referrer[1])}` : 'other records'}; remove those references first`,
    extensions: { code: ErrorCode.Conflict, constraint },
  };
}

/** SQLSTATEs of bad values that the service did not pre-check, in the project's words. */
const valueProblems: Record<string, string> = {
  '22P02': 'A value has the wrong form (for example an id that is not a UUID)',
  '22007': 'A date or time is not valid',
  '22008': 'A date or time is out of the range that can be stored (years 0001 to 9999)',
  '22003': 'A number is out of the range that can be stored',
  '22001': 'A text is longer than can be stored',
  '22021': 'A text contains a character that cannot be stored (NUL or invalid UTF-8)',
  '22P05': 'A text contains a character that cannot be stored (NUL or invalid UTF-8)',
  '54000': 'A value is too large to be stored or indexed',
};

/**
 * Turns a PostgreSQL error into a client error in the project's own words (never
 * PostgreSQL's text, which names internals and echoes values), or returns undefined if it
 * is a server fault. Connection and outage errors (SQLSTATE class 08, 57P01-57P03) are not
 * mapped here: they fall through to the outage mapping (SERVICE_UNAVAILABLE, workstream ops).
 */
export function fromDatabaseError(error: QueryFailedError): GraphQLFormattedError | undefined {
  const driverError = error.driverError as { code?: string; constraint?: string; detail?: string; column?: string };
  const { code, constraint } = driverError;
  // 23503: NO ACTION foreign keys; 23001: ON DELETE RESTRICT ones (same detail text).
  if (code === '23503' || code === '23001') return fromForeignKeyViolation(constraint, driverError.detail ?? '');
  const known = constraint ? constraintMessages[constraint] : undefined;
  if (known) return { message: known[1], extensions: { code: known[0], constraint } };
  switch (code) {
    case '23505':
      return { message: 'A record with these values already exists', extensions: { code: ErrorCode.Conflict, constraint } };
    case '23514':
      return { message: 'A value breaks a rule of the record', extensions: { code: ErrorCode.BadUserInput, constraint } };
    case '23502':
      return {
        message: `A required value is missing${driverError.column ? ` (${driverError.column})` : ''}`,
        extensions: { code: ErrorCode.BadUserInput },
      };
    case '57014':
      // statement_timeout (STATEMENT_TIMEOUT_MS) cancelled the statement; no other cancel is sent by the service.
      return { message: 'A database query ran past the statement time limit', extensions: { code: ErrorCode.QueryTimeout } };
    case '40001':
    case '40P01':
      return {
        message: 'The same records were changed by another request at the same time; try again',
        extensions: { code: ErrorCode.Conflict },
      };
    default:
      if (code && valueProblems[code]) return { message: valueProblems[code], extensions: { code: ErrorCode.BadUserInput } };
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
  // Apollo wraps a refusal raised while parsing or validating (a limit) in its own error
  // with GRAPHQL_VALIDATION_FAILED; the code of the error actually raised wins.
  const raised = original instanceof GraphQLError && original !== error ? original : undefined;
  const ownCode = raised?.extensions?.code;
  const code = (ownCode ?? formatted.extensions?.code) as string | undefined;
  const isClientError =
    original instanceof GraphQLError || (code !== undefined && code !== ErrorCode.Internal);
  if (isClientError) {
    const { stacktrace: _stack, http: _http, ...extensions } = {
      ...formatted.extensions,
      ...(ownCode ? raised?.extensions : {}),
    } as Record<string, unknown>;
    return { ...formatted, extensions: options.exposeInternals && _stack ? { ...extensions, stacktrace: _stack } : extensions };
  }
  options.log(original);
  return {
    ...base,
    message: options.exposeInternals && original instanceof Error ? original.message : 'Internal server error',
    extensions: { code: ErrorCode.Internal },
  };
}
