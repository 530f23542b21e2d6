import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { SourcesModule } from '../sources/sources.module';
import { AttributionService } from './attribution.service';
import {
  AttributionRevisionsResolver, AttributionsResolver, ClaimPartiesResolver, ClaimsResolver, IncidentClaimsResolver,
} from './attributions.resolver';

@Module({
  imports: [ActorsModule, SourcesModule],
  providers: [
    AttributionService, AttributionsResolver, AttributionRevisionsResolver, IncidentClaimsResolver, ClaimsResolver, ClaimPartiesResolver,
  ],
  exports: [AttributionService],
})
export class AttributionsModule {}
