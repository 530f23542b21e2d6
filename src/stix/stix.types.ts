import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { IncidentFilter } from '../incidents/incident.inputs';

@ArgsType()
export class StixBundleArgs {
  @Field(() => ID, { nullable: true, description: 'Export this incident, its claims, statements, targets and sources.' })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @Field(() => ID, { nullable: true, description: 'Export this actor, the claims naming it and their incidents.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @Field({ nullable: true, defaultValue: false, description: 'With actorId: also every actor below it (GRU → APT28).' })
  @IsOptional()
  @IsBoolean()
  includeDescendants?: boolean;

  @Field(() => IncidentFilter, { nullable: true, description: 'Export the incidents this filter selects. With no argument at all: everything.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => IncidentFilter)
  incidentFilter?: IncidentFilter;
}

@ObjectType({ description: 'A STIX 2.1 bundle of what the tracker knows (docs/stix.md has the mapping).' })
export class StixBundle {
  @Field({ description: 'bundle--…, the same for the same request on the same graph.' })
  id: string;

  @Field(() => Int)
  objectCount: number;

  @Field({ description: 'The bundle as JSON text.' })
  json: string;
}

@ObjectType({ description: 'How many objects of one STIX type the import took or left.' })
export class StixTypeCount {
  @Field()
  type: string;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: 'An object the import did not take, or could not: its STIX id and why.' })
export class StixObjectNote {
  @Field()
  stixId: string;

  @Field()
  reason: string;
}

@ObjectType({ description: 'What a STIX import did: every object is created, updated, unchanged, merged, or left with its reason.' })
export class StixImportReport {
  @Field()
  bundleId: string;

  @Field(() => Int)
  objects: number;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => Int, { description: 'Actors that an object merged into (by ATT&CK id or name).' })
  merged: number;

  @Field(() => [StixTypeCount], { description: 'Objects of types the tracker does not take, by type.' })
  notTakenByType: StixTypeCount[];

  @Field(() => [StixObjectNote], { description: 'Every object not taken (revoked, deprecated, a type or relationship the tracker does not hold).' })
  notTaken: StixObjectNote[];

  @Field()
  summary: string;
}

@ArgsType()
export class ImportStixArgs {
  @Field({ description: 'A STIX 2.1 bundle, as JSON text.' })
  @IsString()
  bundle: string;
}
