import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { Statement } from '../statements/statement.entity';
import { SearchService } from './search.service';
import { SearchArgs, SearchHit, SearchHitType, SearchNode, SearchResults } from './search.types';

const ENTITY_OF_TYPE = {
  [SearchHitType.SOURCE_ARTICLE]: SourceArticle,
  [SearchHitType.STATEMENT]: Statement,
  [SearchHitType.INCIDENT]: Incident,
  [SearchHitType.THREAT_ACTOR]: ThreatActor,
};

@Resolver(() => SearchHit)
export class SearchResolver {
  constructor(private readonly searchService: SearchService) {}

  @Query(() => SearchResults, {
    description:
      'One ranked search across source articles, statements, incidents (full-text) and threat actors (names, ' +
      'misspellings included), each hit with its type, score, highlighted snippet and node. Each type ranks and ' +
      'counts at most its first 1,000 matches in storage order unless `exhaustive: true` (see `hits`, `totalCountIsExact`).',
  })
  search(@Args() args: SearchArgs) {
    return this.searchService.search(args.query, args.first, args.types, { exhaustive: args.exhaustive ?? false });
  }

  @ResolveField(() => SearchNode)
  node(hit: SearchHit, _args: unknown, { loaders }: RequestContext) {
    return loaders.one(ENTITY_OF_TYPE[hit.type] as typeof Incident).load(hit.id);
  }
}
