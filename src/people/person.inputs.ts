import { Field, ID, InputType } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class CreatePersonInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(300)
  name: string;

  @Field(() => String, { nullable: true, description: 'Role or title, e.g. "Foreign Minister".' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  role?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO code or English name.' })
  @IsOptional()
  @IsString()
  country?: string | null;
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field.' })
export class UpdatePersonInput {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(300)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  role?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  country?: string | null;
}

@InputType()
export class PersonFilter {
  @Field(() => String, { nullable: true, description: 'Part of the name, any case.' })
  @IsOptional()
  @IsString()
  search?: string;

  @Field(() => String, { nullable: true, description: 'Part of the role, any case ("foreign minister").' })
  @IsOptional()
  @IsString()
  role?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  country?: string;
}
