import { Module } from '@nestjs/common';
import { CitationService } from './citation.service';
import { SourceArticleService } from './source-article.service';
import { CitationsResolver, SourcesResolver } from './sources.resolver';

@Module({
  providers: [SourceArticleService, CitationService, SourcesResolver, CitationsResolver],
  exports: [SourceArticleService, CitationService],
})
export class SourcesModule {}
