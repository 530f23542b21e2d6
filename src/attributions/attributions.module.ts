import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { SourcesModule } from '../sources/sources.module';
import { ATTRIBUTION_LIST_RESOLVERS } from './attribution-lists.resolver';
import { AttributionService } from './attribution.service';
import {
  AttributionRevisionsResolver, AttributionsResolver, ClaimPartiesResolver, ClaimsResolver, IncidentClaimsResolver,
} from './attributions.resolver';

@Module({
  imports: [ActorsModule, SourcesModule],
  providers: [
    AttributionService, AttributionsResolver, AttributionRevisionsResolver, IncidentClaimsResolver, ClaimsResolver, ClaimPartiesResolver,
    ...ATTRIBUTION_LIST_RESOLVERS,
  ],
  exports: [AttributionService],
})
export class AttributionsModule {}
