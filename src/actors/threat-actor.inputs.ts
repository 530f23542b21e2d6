import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsArray, IsEnum, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { ThreatActorKind } from './threat-actor.entity';

@InputType()
export class AliasInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'alias name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => String, { nullable: true, description: 'Who uses this name (vendor, catalogue, article).' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  source?: string | null;
}

@InputType()
export class CreateThreatActorInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => ThreatActorKind)
  @IsEnum(ThreatActorKind)
  kind: ThreatActorKind;

  @Field(() => [AliasInput], { nullable: true, description: 'Other names; unique across all actors, compared ignoring case, accents and punctuation.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AliasInput)
  aliases?: AliasInput[];

  @Field(() => String, { nullable: true, description: 'Country of origin: ISO code or English name.' })
  @IsOptional()
  @IsString()
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Suspected state sponsor: ISO code or English name.' })
  @IsOptional()
  @IsString()
  sponsorCountry?: string | null;

  @Field(() => ID, { nullable: true, description: 'The actor this one belongs to (APT28 → GRU).' })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field. A renamed actor keeps its old name as an alias.' })
export class UpdateThreatActorInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name?: string;

  @Field(() => ThreatActorKind, { nullable: true })
  @IsOptional()
  @IsEnum(ThreatActorKind)
  kind?: ThreatActorKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  country?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  sponsorCountry?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}

@InputType()
export class ThreatActorFilter {
  @Field(() => String, { nullable: true, description: 'Part of any of its names, ignoring case, accents and punctuation.' })
  @IsOptional()
  @IsString()
  search?: string;

  @Field(() => ThreatActorKind, { nullable: true })
  @IsOptional()
  @IsEnum(ThreatActorKind)
  kind?: ThreatActorKind;

  @Field(() => String, { nullable: true, description: 'Country of origin or sponsor: ISO code or English name.' })
  @IsOptional()
  @IsString()
  country?: string;

  @Field(() => ID, { nullable: true, description: 'Only the direct children of this actor.' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

@ArgsType()
export class ActorLookupArgs {
  @Field({ description: 'Any name, as written ("fancy-bear", "Fancy Baer").' })
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => Int, { nullable: true, defaultValue: 5, description: 'At most this many suggestions, 1 to 50.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  first: number = 5;
}
