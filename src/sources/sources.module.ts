import { Module } from '@nestjs/common';
import { CitationService } from './citation.service';
import { ActorCitationsResolver, AliasCitationsResolver, IncidentCitationsResolver, TargetCitationsResolver } from './fact-citations.resolver';
import { SourceArticleService } from './source-article.service';
import { CitationsResolver, DatasetRecordsResolver, SourcesResolver } from './sources.resolver';

@Module({
  providers: [SourceArticleService, CitationService, SourcesResolver, CitationsResolver, DatasetRecordsResolver,
    IncidentCitationsResolver, TargetCitationsResolver, AliasCitationsResolver, ActorCitationsResolver],
  exports: [SourceArticleService, CitationService],
})
export class SourcesModule {}
