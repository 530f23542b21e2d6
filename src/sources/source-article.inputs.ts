import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsDate, IsNotEmpty, IsOptional, IsString, IsUUID, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

@InputType()
export class CreateSourceArticleInput {
  @Field(() => String, { nullable: true, description: 'Unique across articles.' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'url must be an http(s) URL' })
  url?: string | null;

  @Field()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxLength(1000)
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  publisher?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  section?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  published?: DateSpanInput | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  authors?: string[];

  @Field(() => String, { nullable: true, description: 'BCP 47 tag, e.g. "en".' })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as "en" or "nb-NO"' })
  language?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  body?: string | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  retrievedAt?: Date | null;
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field.' })
export class UpdateSourceArticleInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'url must be an http(s) URL' })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxLength(1000)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  publisher?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  section?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  published?: DateSpanInput | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  authors?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as "en" or "nb-NO"' })
  language?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  body?: string | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  retrievedAt?: Date | null;
}

@InputType()
export class SourceArticleFilter {
  @Field(() => String, { nullable: true, description: 'Words in the title or body, any case.' })
  @IsOptional()
  @IsString()
  search?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  publisher?: string;
}
