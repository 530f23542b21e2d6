import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReadAccess } from '../auth/read-access';
import { DownloadErrorFilter, streamingResponse } from '../common/download-errors';
import { BadUserInputError } from '../common/errors';
import { validationPipe } from '../common/validation';
import { writeBundle } from './stix-bundle-writer';
import { StixExportService } from './stix-export.service';
import { exportRequest } from './stix.resolver';
import { StixBundleArgs } from './stix.types';

/**
 * GET /stix/bundle[?incidentId=…|?actorId=…[&includeDescendants=true]|?incidentFilter=<JSON>]: the
 * export, streamed as it is read. Reading follows PUBLIC_READ, as the API's reads do; errors are the
 * downloads' (DownloadErrorFilter): JSON with a code before the first byte, a cut connection after.
 */
@Controller('stix')
@UseFilters(DownloadErrorFilter)
export class StixController {
  constructor(
    private readonly exporter: StixExportService,
    private readonly readAccess: ReadAccess,
  ) {}

  @Get('bundle')
  async bundle(@Query() query: Record<string, string>, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.readAccess.check(req.headers.authorization);
    const request = exportRequest(await parseQuery(query));
    const id = this.exporter.bundleId(request);
    const pages: AsyncGenerator<string[]> = this.exporter.jsonPages(request);
    // The first page is read before the headers go out, so a bad request is still an error response.
    const first = await pages.next();
    const res = streamingResponse(reply);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/stix+json;version=2.1');
    res.setHeader('Content-Disposition', `attachment; filename="${id}.json"`);
    await writeBundle(res, id, prepend(first, pages));
    res.end();
  }
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

async function parseQuery(query: Record<string, string>): Promise<StixBundleArgs> {
  const known = ['incidentId', 'actorId', 'includeDescendants', 'incidentFilter'];
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length) throw new BadUserInputError(`Unknown parameter ${unknown.join(', ')}; expected ${known.join(', ')}`);
  let incidentFilter: unknown;
  if (query.incidentFilter !== undefined) {
    try {
      incidentFilter = JSON.parse(query.incidentFilter);
    } catch {
      throw new BadUserInputError('incidentFilter must be JSON, e.g. {"actor":"APT28"}');
    }
  }
  const raw = {
    incidentId: query.incidentId, actorId: query.actorId, incidentFilter,
    includeDescendants: query.includeDescendants === undefined ? undefined : ['1', 'true', 'yes'].includes(query.includeDescendants.toLowerCase()),
  };
  return validationPipe.transform(raw, { type: 'query', metatype: StixBundleArgs }) as Promise<StixBundleArgs>;
}
