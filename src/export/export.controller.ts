import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Inject, Logger, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { Readable, pipeline } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { AttributionFilter } from '../attributions/attribution.inputs';
import { AccountService, unauthenticated } from '../auth/account.service';
import { AUTH_OPTIONS, type AuthOptions } from '../auth/auth.options';
import { ErrorCode, fromConnectionError, fromDatabaseError } from '../common/errors';
import { IncidentFilter, IncidentSort } from '../incidents/incident.inputs';
import { StatementFilter } from '../statements/statement.inputs';
import { filterFromQuery } from './export-filter';
import { ExportService } from './export.service';

/** The HTTP status of each code an export answers with before its first byte. */
const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.QueryTimeout]: 503,
  [ErrorCode.ServiceUnavailable]: 503,
};

/**
 * Errors before the first byte become a JSON body with the same code and message a GraphQL
 * client would get: 400 for a bad filter, 401 without a valid token where one is needed, 404 for
 * an actor nobody calls that, 503 when the database is down or the export ran past
 * EXPORT_TIMEOUT_MS; PostgreSQL's own text is never sent. Anything else is a logged 500.
 */
@Catch()
class ExportErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Export');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const known = clientError(exception);
    const status = known && STATUS[known.code];
    if (known && status) {
      res.status(status).json({ error: known });
      return;
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ error: { message: 'Internal server error', code: ErrorCode.Internal } });
  }
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

/** GET /export/{incidents,attributions,statements}.csv?<filter fields>: the GraphQL lists as CSV files. */
@Controller('export')
@UseFilters(ExportErrorFilter)
export class ExportController {
  constructor(
    private readonly exports: ExportService,
    private readonly accounts: AccountService,
    @Inject(AUTH_OPTIONS) private readonly auth: AuthOptions,
  ) {}

  @Get('incidents.csv')
  async incidents(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.mayRead(req);
    const sort = await filterFromQuery(IncidentSort, pick(query, { sort: 'field', direction: 'direction' }));
    const filter = await filterFromQuery(IncidentFilter, query, ['sort', 'direction']);
    send(res, 'incidents.csv', await this.exports.incidentsCsv(filter, sort));
  }

  @Get('attributions.csv')
  async attributions(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.mayRead(req);
    send(res, 'attributions.csv', await this.exports.attributionsCsv(await filterFromQuery(AttributionFilter, query)));
  }

  @Get('statements.csv')
  async statements(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.mayRead(req);
    send(res, 'statements.csv', await this.exports.statementsCsv(await filterFromQuery(StatementFilter, query)));
  }

  /** The GraphQL API's rule for reads (src/auth/auth.plugin.ts): a token sent must be valid; none is needed while PUBLIC_READ is on. */
  private async mayRead(req: Request): Promise<void> {
    const account = await this.accounts.authenticate(req.headers.authorization);
    if (!account && !this.auth.publicRead) {
      throw unauthenticated('Reading needs an account on this server (PUBLIC_READ is off): send Authorization: Bearer <token>');
    }
  }
}

/** The query parameters named in `names`, renamed to the properties they stand for. */
function pick(query: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(names).filter(([name]) => name in query).map(([name, property]) => [property, query[name]]));
}

function send(res: Response, filename: string, csv: Readable): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  // A failure mid-stream cannot change the status any more: the connection is cut, so the file is visibly incomplete.
  // When the client goes away, pipeline destroys the CSV stream, which cancels the statement.
  pipeline(csv, res, (error) => {
    if (error && !res.destroyed) res.destroy(error);
  });
}
