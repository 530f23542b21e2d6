import { ArgsType, Field, Float, Int, ObjectType, createUnionType, registerEnumType } from '@nestjs/graphql';
import { ArrayNotEmpty, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Incident } from '../incidents/incident.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { Statement } from '../statements/statement.entity';

export enum SearchHitType {
  SOURCE_ARTICLE = 'SOURCE_ARTICLE',
  STATEMENT = 'STATEMENT',
  INCIDENT = 'INCIDENT',
  THREAT_ACTOR = 'THREAT_ACTOR',
}
registerEnumType(SearchHitType, { name: 'SearchHitType' });

export const SearchNode = createUnionType({
  name: 'SearchNode',
  description: 'What a search hit found.',
  types: () => [SourceArticle, Statement, Incident, ThreatActor] as const,
  resolveType: (node: object) => {
    if (node instanceof SourceArticle) return SourceArticle;
    if (node instanceof Statement) return Statement;
    if (node instanceof Incident) return Incident;
    return ThreatActor;
  },
});

@ObjectType({ description: 'One thing found by `search`.' })
export class SearchHit {
  @Field(() => SearchHitType)
  type: SearchHitType;

  /** Id of the node; the node itself is loaded per request in batches. */
  id: string;

  @Field(() => Float, {
    description:
      'Full-text rank (ts_rank_cd, cover density over 1 + log(length), scaled to 0..1) for articles, statements and incidents; ' +
      'trigram similarity of the name (0.3..1, 1 for an exact name) for actors. Hits are ordered by it.',
  })
  score: number;

  @Field({
    description:
      'The passages that match, as HTML: the source text escaped (&amp; &lt; &gt;), matched words in <mark>…</mark>, ' +
      'passages joined by " … ". For an actor, its matched name in <mark>…</mark>, then its primary name in parentheses when different.',
  })
  snippet: string;

  @Field(() => SearchNode)
  node?: unknown;
}

@ObjectType()
export class SearchResults {
  @Field({ description: 'The query as searched (trimmed).' })
  query: string;

  @Field(() => Int, {
    description:
      'Hits over all types asked for, before `first`. Exact when `totalCountIsExact`; otherwise a lower bound: ' +
      'counting stopped at 1,000 matches of some type (ask with `exhaustive: true` for the exact count).',
  })
  totalCount: number;

  @Field({
    description:
      'Whether `totalCount` is the exact number of hits: true when every type asked for has fewer than 1,000 matches, ' +
      'or the search is `exhaustive`. When false, `totalCount` is a lower bound.',
  })
  totalCountIsExact: boolean;

  @Field(() => [SearchHit], {
    description:
      'Best first; ties by type, then id. Each type ranks its first 1,000 matches in storage order (the order the ' +
      'index scan finds them, roughly the order they were written in), not all of them, unless `exhaustive`: with more matches than ' +
      'that, a better-scoring hit stored later can be missing. With `exhaustive: true` every match is ranked.',
  })
  hits: SearchHit[];
}

@ArgsType()
export class SearchArgs {
  @Field({
    description:
      'Words to find (all must appear; 3+ letters also as the start of a word; English stemming; case and accents ignored), ' +
      'or web-search syntax: "quoted phrase", or, -word. Actor names are compared whole, ignoring case, accents and punctuation, ' +
      'close misspellings included.',
  })
  @IsString()
  @MaxLength(500)
  @Matches(/[\p{L}\p{N}]/u, { message: 'query must contain a letter or a digit' })
  query: string;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'At most this many hits, 1 to 100.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  first: number = 20;

  @Field(() => [SearchHitType], { nullable: true, description: 'Only these kinds of hits; all kinds when omitted.' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsEnum(SearchHitType, { each: true })
  types?: SearchHitType[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'Rank and count every match of every type (slower for common words: every match is read and ranked), ' +
      'instead of the first 1,000 matches of each type in storage order.',
  })
  @IsOptional()
  @IsBoolean()
  exhaustive: boolean = false;
}
