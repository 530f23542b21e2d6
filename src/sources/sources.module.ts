import { Module } from '@nestjs/common';
import { SourceArticleService } from './source-article.service';
import { SourcesResolver } from './sources.resolver';

@Module({ providers: [SourceArticleService, SourcesResolver], exports: [SourceArticleService] })
export class SourcesModule {}
