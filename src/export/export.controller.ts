import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Logger, Query, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { Readable, pipeline } from 'node:stream';
import { AttributionFilter } from '../attributions/attribution.inputs';
import { ErrorCode } from '../common/errors';
import { IncidentFilter, IncidentSort } from '../incidents/incident.inputs';
import { StatementFilter } from '../statements/statement.inputs';
import { filterFromQuery } from './export-filter';
import { ExportService } from './export.service';

/**
 * Errors before the first byte become a JSON body with the same code a GraphQL client would get:
 * 400 for a bad filter, 404 for an actor nobody calls that; anything else is a logged 500.
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
    const code = exception instanceof GraphQLError ? (exception.extensions.code as string | undefined) : undefined;
    if (code === ErrorCode.BadUserInput || code === ErrorCode.NotFound) {
      const { message, extensions } = exception as GraphQLError;
      res.status(code === ErrorCode.NotFound ? 404 : 400).json({ error: { message, ...extensions } });
      return;
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ error: { message: 'Internal server error', code: ErrorCode.Internal } });
  }
}

/** GET /export/{incidents,attributions,statements}.csv?<filter fields>: the GraphQL lists as CSV files. */
@Controller('export')
@UseFilters(ExportErrorFilter)
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('incidents.csv')
  async incidents(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const sort = await filterFromQuery(IncidentSort, pick(query, { sort: 'field', direction: 'direction' }));
    const filter = await filterFromQuery(IncidentFilter, query, ['sort', 'direction']);
    send(res, 'incidents.csv', await this.exports.incidentsCsv(filter, sort));
  }

  @Get('attributions.csv')
  async attributions(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    send(res, 'attributions.csv', await this.exports.attributionsCsv(await filterFromQuery(AttributionFilter, query)));
  }

  @Get('statements.csv')
  async statements(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    send(res, 'statements.csv', await this.exports.statementsCsv(await filterFromQuery(StatementFilter, query)));
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
  pipeline(csv, res, (error) => {
    if (error && !res.destroyed) res.destroy(error);
  });
}
