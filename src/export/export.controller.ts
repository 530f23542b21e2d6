import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable, pipeline } from 'node:stream';
import { AttributionFilter } from '../attributions/attribution.inputs';
import { ReadAccess } from '../auth/read-access';
import { DownloadErrorFilter, streamingResponse } from '../common/download-errors';
import { IncidentFilter, IncidentSort } from '../incidents/incident.inputs';
import { StatementFilter } from '../statements/statement.inputs';
import { filterFromQuery } from './export-filter';
import { ExportService } from './export.service';

/** GET /export/{incidents,attributions,statements}.csv?<filter fields>: the GraphQL lists as CSV files. */
@Controller('export')
@UseFilters(DownloadErrorFilter)
export class ExportController {
  constructor(
    private readonly exports: ExportService,
    private readonly readAccess: ReadAccess,
  ) {}

  @Get('incidents.csv')
  async incidents(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.readAccess.check(req.headers.authorization);
    const sort = await filterFromQuery(IncidentSort, pick(query, { sort: 'field', direction: 'direction' }));
    const filter = await filterFromQuery(IncidentFilter, query, ['sort', 'direction']);
    send(reply, 'incidents.csv', await this.exports.incidentsCsv(filter, sort));
  }

  @Get('attributions.csv')
  async attributions(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.readAccess.check(req.headers.authorization);
    send(reply, 'attributions.csv', await this.exports.attributionsCsv(await filterFromQuery(AttributionFilter, query)));
  }

  @Get('statements.csv')
  async statements(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.readAccess.check(req.headers.authorization);
    send(reply, 'statements.csv', await this.exports.statementsCsv(await filterFromQuery(StatementFilter, query)));
  }
}

/** The query parameters named in `names`, renamed to the properties they stand for. */
function pick(query: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(names).filter(([name]) => name in query).map(([name, property]) => [property, query[name]]));
}

function send(reply: FastifyReply, filename: string, csv: Readable): void {
  const res = streamingResponse(reply);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  // A failure mid-stream cannot change the status any more: the connection is cut, so the file is visibly incomplete.
  // When the client goes away, pipeline destroys the CSV stream, which cancels the statement.
  pipeline(csv, res, (error) => {
    if (error && !res.destroyed) res.destroy(error);
  });
}
