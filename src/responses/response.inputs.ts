import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';
import { CitationInput } from '../sources/citation.inputs';
import { ResponseKind } from './response.entity';

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

@InputType({ description: 'Which responses: every condition given must hold.' })
export class ResponseFilter {
  @Field(() => ID, { nullable: true, description: 'Responses to this incident.' })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => ID, { nullable: true, description: 'Responses to this attribution.' })
  @IsOptional()
  @IsUUID()
  attributionId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Responses concerning this actor (id or any alias): aimed at it, at a claim naming it, or at an incident asserted to be its.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @Field({ nullable: true, defaultValue: false, description: 'With `actor`: also the actors below it (GRU → APT28).' })
  @IsOptional()
  includeSubordinateActors?: boolean;

  @Field(() => String, { nullable: true, description: 'The responding country: ISO code or English name.' })
  @IsOptional()
  @IsString()
  responderCountry?: string;

  @Field(() => ID, { nullable: true, description: 'The responding organization or person.' })
  @IsOptional()
  @IsUUID()
  responderId?: string;

  @Field(() => [ResponseKind], { nullable: true, description: 'Any of these kinds.' })
  @IsOptional()
  @IsArray()
  @IsEnum(ResponseKind, { each: true })
  kinds?: ResponseKind[];

  @Field(() => String, { nullable: true, description: 'Part of the coded type or subtype, ignoring case ("sanctions").' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  coded?: string;

  @Field(() => String, { nullable: true, description: 'Responses that may have happened on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).' })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: 'respondedFrom must be a date as YYYY, YYYY-MM or YYYY-MM-DD' })
  respondedFrom?: string;

  @Field(() => String, { nullable: true, description: 'Responses that may have happened on or before this date.' })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: 'respondedTo must be a date as YYYY, YYYY-MM or YYYY-MM-DD' })
  respondedTo?: string;
}

@InputType()
export class CreateResponseInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responderOrganizationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responderPersonId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO code or English name.' })
  @IsOptional()
  @IsString()
  responderCountry?: string | null;

  @Field(() => String, { nullable: true, description: 'A responding region or body that is no country ("EU").' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  responderRegion?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  responded?: DateSpanInput | null;

  @Field(() => ResponseKind)
  @IsEnum(ResponseKind)
  kind: ResponseKind;

  @Field(() => String, { nullable: true, description: 'The type in the source\'s own coding, verbatim.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  codedType?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  codedSubtype?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  incidentId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  attributionId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  actorId?: string | null;

  @Field(() => [CitationInput], { description: 'Articles that report the response, each with the exact passage that does: at least one.' })
  @IsArray()
  @ArrayMinSize(1, { message: 'sources: cite at least one source article with the excerpt that reports the response' })
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources: CitationInput[];
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field.' })
export class UpdateResponseInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responderOrganizationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  responderPersonId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  responderCountry?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  responderRegion?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  responded?: DateSpanInput | null;

  @Field(() => ResponseKind, { nullable: true })
  @IsOptional()
  @IsEnum(ResponseKind)
  kind?: ResponseKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  codedType?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  codedSubtype?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => [CitationInput], { nullable: true, description: 'Replaces the article citations; at least one.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources?: CitationInput[];
}
