import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { SourcesModule } from '../sources/sources.module';
import { LinkSuggestionService } from './link-suggestion.service';
import { StatementLinkService } from './statement-link.service';
import { STATEMENT_LIST_RESOLVERS } from './statement-lists.resolver';
import { StatementService } from './statement.service';
import {
  LinkSuggestionsResolver, StatementLinkEventsResolver, StatementLinksResolver, StatementSourcesResolver, StatementsResolver,
} from './statements.resolver';

@Module({
  imports: [ActorsModule, SourcesModule],
  providers: [
    StatementService, StatementLinkService, LinkSuggestionService,
    StatementsResolver, StatementSourcesResolver, StatementLinksResolver, StatementLinkEventsResolver, LinkSuggestionsResolver,
    ...STATEMENT_LIST_RESOLVERS,
  ],
  exports: [StatementService],
})
export class StatementsModule {}
