import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';
import { AttributionBasis, AttributionStatus } from './attribution.entity';

@InputType({ description: 'Subject: exactly one of incidentId or campaignId. Party: attributedByOrganizationId and/or attributedByPersonId.' })
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

  @Field(() => Int, { nullable: true, description: '0–100. Left out with known estimative words ("likely"), it comes from the STIX 2.1 WEP scale.' })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'confidence must be between 0 and 100' })
  @Max(100, { message: 'confidence must be between 0 and 100' })
  confidence?: number | null;

  @Field(() => String, { nullable: true, description: 'The words used ("likely").' })
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
}
