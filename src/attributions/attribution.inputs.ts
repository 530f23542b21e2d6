import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';
import { CitationInput } from '../sources/citation.inputs';
import { AttributionBasis, AttributionStatus } from './attribution.entity';

const CITE_ONE = { message: 'sources: cite at least one source article with the excerpt that reports the claim' };
const CONFIDENCE_WORDS =
  'The words the source uses ("likely", "almost certainly", "cannot rule out"): must be on the estimative scale (query estimativeScale). '
  + 'Stored as given, next to the number.';

@InputType({
  description: 'Subject: exactly one of incidentId or campaignId. Party: attributedByOrganizationId and/or attributedByPersonId. '
    + 'At least one cited source.',
})
export class CreateAttributionInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  incidentId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  campaignId?: string | null;

  @Field(() => ID, { description: 'The accused actor.' })
  @IsUUID()
  actorId: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  attributedByOrganizationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  attributedByPersonId?: string | null;

  @Field(() => DateSpanInput, { nullable: true, description: 'When the claim was made.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  attributed?: DateSpanInput | null;

  @Field(() => Int, {
    nullable: true,
    description: '0–100. Left out with confidenceWords, it is the value of the words on the estimative scale (query estimativeScale: "likely" → 70, "high confidence" → 85); given, it is kept as the source\'s own.',
  })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'confidence must be between 0 and 100' })
  @Max(100, { message: 'confidence must be between 0 and 100' })
  confidence?: number | null;

  @Field(() => String, { nullable: true, description: CONFIDENCE_WORDS })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  confidenceWords?: string | null;

  @Field(() => [AttributionBasis], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(AttributionBasis, { each: true })
  bases?: AttributionBasis[];

  @Field(() => AttributionStatus, { defaultValue: AttributionStatus.ASSERTED })
  @IsOptional()
  @IsEnum(AttributionStatus)
  status: AttributionStatus = AttributionStatus.ASSERTED;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  notes?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Statements in which the claim was made.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  statementIds?: string[];

  @Field(() => [CitationInput], { description: 'Articles that report the claim, each with the exact passage that does: at least one.' })
  @IsArray()
  @ArrayMinSize(1, CITE_ONE)
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources: CitationInput[];
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field; statementIds given replace the list.' })
export class UpdateAttributionInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  attributedByOrganizationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  attributedByPersonId?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  attributed?: DateSpanInput | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'confidence must be between 0 and 100' })
  @Max(100, { message: 'confidence must be between 0 and 100' })
  confidence?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  confidenceWords?: string | null;

  @Field(() => [AttributionBasis], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(AttributionBasis, { each: true })
  bases?: AttributionBasis[];

  @Field(() => AttributionStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AttributionStatus)
  status?: AttributionStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  notes?: string | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  statementIds?: string[];

  @Field(() => [CitationInput], { nullable: true, description: 'Replaces the citations; at least one.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, CITE_ONE)
  @ValidateNested({ each: true })
  @Type(() => CitationInput)
  sources?: CitationInput[];
}

@InputType({ description: 'All given conditions must hold.' })
export class AttributionFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => String, { nullable: true, description: 'Accused actor: id or any of its names.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  actor?: string;

  @Field({ nullable: true, defaultValue: false, description: 'With actor: also attributions to actors below it.' })
  @IsOptional()
  @IsBoolean()
  includeSubordinateActors?: boolean;

  @Field(() => ID, { nullable: true, description: 'Made by this organization or person.' })
  @IsOptional()
  @IsUUID()
  attributedBy?: string;

  @Field(() => AttributionStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AttributionStatus)
  status?: AttributionStatus;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  minConfidence?: number;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only attributions left without any citation (an article deleted with DETACH_CITATIONS); false: only cited ones.',
  })
  @IsOptional()
  @IsBoolean()
  uncited?: boolean;
}
