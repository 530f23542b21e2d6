import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { DateSpanInput } from '../common/date-span';

@InputType()
export class CreateCampaignInput {
  @Field()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(300)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @Field(() => DateSpanInput, { nullable: true, description: 'When it began, e.g. { to: "2019", text: "since at least 2019" }.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  started?: DateSpanInput | null;
}

@InputType({ description: 'Fields left out keep their value; null clears an optional field.' })
export class UpdateCampaignInput {
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
  description?: string | null;

  @Field(() => DateSpanInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DateSpanInput)
  started?: DateSpanInput | null;
}
