import { Field, ID, InputType } from '@nestjs/graphql';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType({ description: 'A source article and the exact passage of it that reports the fact (case and spacing may differ).' })
export class CitationInput {
  @Field(() => ID)
  @IsUUID()
  sourceArticleId: string;

  @Field({ description: 'Must occur in the article\'s body, ignoring case and whitespace.' })
  @IsString()
  @IsNotEmpty({ message: 'excerpt must not be empty: quote the passage of the article that reports the fact' })
  @MaxLength(5000)
  excerpt: string;
}
