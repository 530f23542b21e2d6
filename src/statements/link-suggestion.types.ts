import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, Max, Min } from 'class-validator';

@ObjectType({ description: 'An incident a statement may be about, with why it is suggested.' })
export class LinkSuggestion {
  @Field(() => ID)
  incidentId: string;

  title: string;

  @Field(() => Float, {
    description: 'Higher is stronger: shared actor or target 3 each, quoted name 2, related actor or shared country 1, up to 2 for closeness in time.',
  })
  score: number;

  @Field(() => [String], { description: 'Why: "shares actor APT28", "mentions \'Storting\'", "said 12 days after the incident started" …' })
  reasons: string[];

  @Field(() => Int, { nullable: true, description: 'Days between when it was said and the incident, 0 when they may overlap; null when either is undated.' })
  daysApart: number | null;
}

@ArgsType()
export class SuggestedLinksArgs {
  @Field(() => ID)
  @IsString()
  statementId: string;

  @Field(() => Int, { defaultValue: 10, description: 'How many suggestions, 1 to 100.' })
  @IsInt()
  @Min(1, { message: 'first must be between 1 and 100' })
  @Max(100, { message: 'first must be between 1 and 100' })
  first: number = 10;

  @Field(() => Int, { defaultValue: 365, description: 'How far apart in time, at most, when both are dated (1 to 36500 days).' })
  @IsInt()
  @Min(1, { message: 'withinDays must be between 1 and 36500' })
  @Max(36500, { message: 'withinDays must be between 1 and 36500' })
  withinDays: number = 365;
}
