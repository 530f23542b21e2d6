import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { BadUserInputError } from '../common/errors';
import { loadStixConfig } from '../config/app-config';
import { StixBundleError } from './stix-bundle-check';
import { StixExportService } from './stix-export.service';
import { StixImportService } from './stix-import.service';
import { formatStixSummary } from './stix-import-report';
import { StixSchemasMissingError } from './stix-schemas';
import { ImportStixArgs, StixBundle, StixBundleArgs, StixImportReport } from './stix.types';

/** STIX 2.1 export (a bundle as JSON text) and import (admin); the work is in the services. */
@Resolver()
export class StixResolver {
  constructor(private readonly exporter: StixExportService, private readonly importer: StixImportService) {}

  @Query(() => StixBundle, {
    description: 'A STIX 2.1 bundle of one incident, one actor (and its descendants), the incidents of a filter, or everything. ' +
      'Large exports: GET /stix/bundle streams the same bundle.',
  })
  async stixBundle(@Args() args: StixBundleArgs): Promise<StixBundle> {
    const request = exportRequest(args);
    const limit = loadStixConfig().graphqlMaxObjects;
    const objects: string[] = [];
    for await (const object of this.exporter.objects(request)) {
      if (objects.length >= limit) {
        throw new BadUserInputError(`The bundle has more than ${limit} objects (STIX_GRAPHQL_MAX_OBJECTS): download it from GET /stix/bundle`, { limit });
      }
      objects.push(JSON.stringify(object));
    }
    const id = this.exporter.bundleId(request);
    return { id, objectCount: objects.length, json: `{"type":"bundle","id":${JSON.stringify(id)},"objects":[${objects.join(',')}]}` };
  }

  @Mutation(() => StixImportReport, { description: 'Imports a STIX 2.1 bundle, all or nothing (admin). Errors list every bad object by STIX id.' })
  async importStixBundle(@Args() args: ImportStixArgs): Promise<StixImportReport> {
    try {
      const result = await this.importer.import(args.bundle);
      return { ...result, summary: formatStixSummary(result, undefined, false) };
    } catch (error) {
      throw asUserError(error);
    }
  }
}

export function exportRequest(args: StixBundleArgs) {
  const given = [args.incidentId, args.actorId, args.incidentFilter].filter((v) => v !== undefined && v !== null).length;
  if (given > 1) throw new BadUserInputError('Give one of incidentId, actorId or incidentFilter (none for everything)');
  if (args.includeDescendants && !args.actorId) throw new BadUserInputError('includeDescendants needs actorId', { field: 'includeDescendants' });
  return { incidentId: args.incidentId, actorId: args.actorId, includeDescendants: args.actorId ? !!args.includeDescendants : undefined, incidentFilter: args.incidentFilter };
}

/** A bundle that cannot be imported: BAD_USER_INPUT with every problem (STIX id and reason). */
export function asUserError(error: unknown): unknown {
  if (error instanceof StixBundleError) return new BadUserInputError(error.message, { problems: error.problems });
  if (error instanceof StixSchemasMissingError) return new BadUserInputError(error.message);
  return error;
}
