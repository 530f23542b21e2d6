import { Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DateSpanInput } from '../common/date-span';
import { SortDirection } from '../common/pagination';
import { OrganizationKind } from '../organizations/organization.entity';
import { TargetRole } from './incident-target.entity';
import { IncidentType } from './incident.entity';

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const TECHNIQUE_MESSAGE = 'each technique id must be a MITRE ATT&CK id such as T1110 or T1110.001';

@InputType({ description: 'Exactly one of organizationId, personId, country or sector.' })
export class TargetInput {
  @Field(() => TargetRole, { defaultValue: TargetRole.VICTIM })
  @IsOptional()
  @IsEnum(TargetRole)
  role: TargetRole = TargetRole.VICTIM;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  personId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO code or English name.' })
  @IsOptional()
  @IsString()
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'A sector, e.g. "Government" (MISP sector names).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sector?: string | null;
}

@InputType()
export class CreateIncidentInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxLength(500)
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  summary?: string | null;

  @Field(() => DateSpanInput, { nullable: true, description: 'When it began, as precisely as known.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  started?: DateSpanInput | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  ended?: DateSpanInput | null;

  @Field(() => DateSpanInput, { nullable: true, description: 'When it was made public.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  disclosed?: DateSpanInput | null;

  @Field(() => [IncidentType], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(IncidentType, { each: true })
  types?: IncidentType[];

  @Field(() => [String], { nullable: true, description: 'MITRE ATT&CK technique ids (T1110).' })
  @IsOptional()
  @IsArray()
  @Matches(TECHNIQUE_ID, { each: true, message: TECHNIQUE_MESSAGE })
  techniqueIds?: string[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  campaignId?: string | null;

  @Field(() => [TargetInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => TargetInput)
  targets?: TargetInput[];

  @Field(() => [ID], { nullable: true, description: 'Articles that report the incident.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  sourceArticleIds?: string[];
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field. Targets change through addIncidentTarget / removeIncidentTarget.' })
export class UpdateIncidentInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxLength(500)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  summary?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  started?: DateSpanInput | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  ended?: DateSpanInput | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  disclosed?: DateSpanInput | null;

  @Field(() => [IncidentType], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(IncidentType, { each: true })
  types?: IncidentType[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @Matches(TECHNIQUE_ID, { each: true, message: TECHNIQUE_MESSAGE })
  techniqueIds?: string[];

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  campaignId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Replaces the list of reporting articles.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  sourceArticleIds?: string[];
}

@InputType({
  description:
    'All given conditions must hold. The attribution conditions (actor, sponsorCountry, attributedBy, attributingCountry, ' +
    'minConfidence, attributionStatus) must all hold for ONE attribution of the incident; the target conditions ' +
    '(targetCountry, targetSector, targetOrganizationKind) may each be met by a different target of the incident.',
})
export class IncidentFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Accused actor: id or any of its names ("Fancy Bear"). Claims of any status count (denials too) unless attributionStatus is given.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  actor?: string;

  @Field({ nullable: true, defaultValue: false, description: 'With actor: also incidents attributed to any actor below it (GRU → APT28).' })
  @IsOptional()
  @IsBoolean()
  includeSubordinateActors?: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Sponsor country of the accused actor (ISO code or name): its own, else that of its nearest ancestor naming one; a STATE actor is its own sponsor.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  sponsorCountry?: string;

  @Field(() => ID, { nullable: true, description: 'Attributed by this organization or person.' })
  @IsOptional()
  @IsUUID()
  attributedBy?: string;

  @Field(() => String, {
    nullable: true,
    description: "Attributed by a party of this country (ISO code or name): the attributing organization's country, or the attributing person's (else their organization's).",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  attributingCountry?: string;

  @Field(() => Int, { nullable: true, description: 'Attributed with at least this confidence (0–100); claims without a confidence never match.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  minConfidence?: number;

  @Field(() => AttributionStatus, { nullable: true, description: 'Attributed by a claim with this status (ASSERTED for affirmative claims only).' })
  @IsOptional()
  @IsEnum(AttributionStatus)
  attributionStatus?: AttributionStatus;

  @Field(() => String, { nullable: true, description: 'A target (organization, person or country target) in this country: ISO code or name.' })
  @IsOptional()
  @IsString()
  targetCountry?: string;

  @Field(() => String, {
    nullable: true,
    description: 'A target in this sector, any case ("Government"): a sector target, a targeted organization of the sector, or a targeted person whose organization is.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  targetSector?: string;

  @Field(() => OrganizationKind, { nullable: true, description: 'A targeted organization of this kind, or a targeted person whose organization is.' })
  @IsOptional()
  @IsEnum(OrganizationKind)
  targetOrganizationKind?: OrganizationKind;

  @Field(() => IncidentType, { nullable: true })
  @IsOptional()
  @IsEnum(IncidentType)
  type?: IncidentType;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(TECHNIQUE_ID, { message: TECHNIQUE_MESSAGE })
  techniqueId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Free text over title and summary (full-text, English stemming, case and accents ignored). Plain words must all appear, ' +
      'words of 3+ letters also as the start of a word ("cyber" finds "cyberattacks"); "quoted phrases", `or` and `-word` ' +
      'switch to web-search syntax. Plain text of 3+ characters found literally in title or summary (any case and accents, ' +
      'inside words too) also matches.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  search?: string;

  @Field(() => String, { nullable: true, description: 'Incidents that may have been going on at or after this date (YYYY, YYYY-MM or YYYY-MM-DD).' })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: 'occurredFrom must be YYYY, YYYY-MM or YYYY-MM-DD' })
  occurredFrom?: string;

  @Field(() => String, { nullable: true, description: 'Incidents that may have been going on at or before this date.' })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: 'occurredTo must be YYYY, YYYY-MM or YYYY-MM-DD' })
  occurredTo?: string;
}

export enum IncidentSortField {
  STARTED = 'STARTED',
  TITLE = 'TITLE',
  RELEVANCE = 'RELEVANCE',
}
registerEnumType(IncidentSortField, {
  name: 'IncidentSortField',
  valuesMap: {
    STARTED: { description: 'Earliest possible start; undated incidents last in DESC.' },
    TITLE: { description: 'Title, ignoring case.' },
    RELEVANCE: { description: 'How well title and summary match filter.search (required): full-text rank, title words first.' },
  },
});

@InputType({ description: 'Ties break by id, in the same direction.' })
export class IncidentSort {
  @Field(() => IncidentSortField, { nullable: true, description: 'RELEVANCE when filter.search is given, else STARTED.' })
  @IsOptional()
  @IsEnum(IncidentSortField)
  field?: IncidentSortField | null;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  @IsEnum(SortDirection)
  direction: SortDirection = SortDirection.DESC;
}
