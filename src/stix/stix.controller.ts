import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { BadUserInputError, ErrorCode } from '../common/errors';
import { validationPipe } from '../common/validation';
import { writeBundle } from './stix-bundle-writer';
import { StixObject } from './stix-export-mapping';
import { StixExportService } from './stix-export.service';
import { exportRequest } from './stix.resolver';
import { StixBundleArgs } from './stix.types';

const log = new Logger('StixExport');

/**
 * GET /stix/bundle[?incidentId=…|?actorId=…[&includeDescendants=true]|?incidentFilter=<JSON>]: the
 * export, streamed as it is read. Errors before the first byte are JSON with a code, like the API's.
 */
@Controller('stix')
export class StixController {
  constructor(private readonly exporter: StixExportService) {}

  @Get('bundle')
  async bundle(@Query() query: Record<string, string>, @Res() res: Response): Promise<void> {
    let pages: AsyncGenerator<StixObject[]>;
    let id: string;
    try {
      const args = await parseQuery(query);
      const request = exportRequest(args);
      id = this.exporter.bundleId(request);
      pages = this.exporter.pages(request);
      // The first page is read before the headers go out, so a bad request is still an error response.
      const first = await pages.next();
      res.status(200).type('application/stix+json;version=2.1');
      res.setHeader('Content-Disposition', `attachment; filename="${id}.json"`);
      await writeBundle(res, id, prepend(first, pages));
      res.end();
    } catch (error) {
      if (res.headersSent) {
        // Too late for a status: cut the download short, so that no client takes a truncated bundle for a whole one.
        log.error(`GET /stix/bundle failed while streaming: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        res.destroy(error as Error);
        return;
      }
      if (!(error instanceof GraphQLError)) log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      const code = error instanceof GraphQLError ? (error.extensions.code as string) : ErrorCode.Internal;
      const status = code === ErrorCode.NotFound ? 404 : code === ErrorCode.BadUserInput ? 400 : 500;
      res.status(status).json({ error: { code, message: status === 500 ? 'Internal server error' : (error as Error).message } });
    }
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
