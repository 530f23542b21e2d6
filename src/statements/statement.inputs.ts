import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsEnum, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';
import { CitationInput } from '../sources/citation.inputs';
import { Stance } from './statement.entity';

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const CITE_ONE = { message: 'sources: cite at least one source article with the excerpt that reports it' };

@InputType({ description: 'A speaker (person and/or organization) is required, a quote or a summary, and at least one cited source.' })
export class CreateStatementInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  speakerPersonId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  speakerOrganizationId?: string | null;

  @Field(() => String, { nullable: true, description: 'The speaker\'s role as the source gives it.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  speakerRole?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  said?: DateSpanInput | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  quote?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  summary?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as "en" or "fr"' })
  language?: string | null;

  @Field(() => Stance)
  @IsEnum(Stance)
  stance: Stance;

  @Field(() => [ID], { nullable: true, description: 'Incidents the statement is about.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Threat actors the statement is about.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  actorIds?: string[];

  @Field(() => [String], { nullable: true, description: 'Countries the statement is about: ISO codes or names.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  countries?: string[];

  @Field(() => [CitationInput], { description: 'Articles that report it, each with the exact passage that does: at least one.' })
  @IsArray()
  @ArrayMinSize(1, CITE_ONE)
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources: CitationInput[];
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field; lists given replace the current ones.' })
export class UpdateStatementInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  speakerPersonId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  speakerOrganizationId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  speakerRole?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  said?: DateSpanInput | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  quote?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  summary?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as "en" or "fr"' })
  language?: string | null;

  @Field(() => Stance, { nullable: true })
  @IsOptional()
  @IsEnum(Stance)
  stance?: Stance;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  actorIds?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  countries?: string[];

  @Field(() => [CitationInput], { nullable: true, description: 'Replaces the citations; at least one.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, CITE_ONE)
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources?: CitationInput[];
}

@InputType({ description: 'All given conditions must hold.' })
export class StatementFilter {
  @Field(() => String, { nullable: true, description: 'Part of the speaker\'s role, on the statement or the person ("foreign minister").' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  speakerRole?: string;

  @Field(() => ID, { nullable: true, description: 'Said by this person or organization.' })
  @IsOptional()
  @IsUUID()
  speakerId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => String, { nullable: true, description: 'About this actor: id or any of its names.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  actor?: string;

  @Field(() => String, { nullable: true, description: 'About this country: ISO code or name.' })
  @IsOptional()
  @IsString()
  country?: string;

  @Field(() => Stance, { nullable: true })
  @IsOptional()
  @IsEnum(Stance)
  stance?: Stance;

  @Field(() => String, { nullable: true, description: 'Words in the quote or summary, any case.' })
  @IsOptional()
  @IsString()
  search?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only statements left without any citation (an article deleted with DETACH_CITATIONS); false: only cited ones.',
  })
  @IsOptional()
  @IsBoolean()
  uncited?: boolean;
}
