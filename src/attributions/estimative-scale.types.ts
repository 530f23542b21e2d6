import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'One band of the estimative scale: STIX 2.1 confidence value and range, the ICD 203 terms and MISP tags in it, '
    + 'and the words accepted in confidenceWords.',
})
export class EstimativeBandType {
  @Field({ description: 'The STIX 2.1 name of the band ("Likely/Probable").' })
  label: string;

  @Field({ description: 'WEP (words of estimative probability) or NONE_LOW_MED_HIGH (analytic confidence), both from STIX 2.1.' })
  scale: string;

  @Field(() => Int, { description: 'The confidence stored for these words.' })
  confidence: number;

  @Field(() => Int)
  min: number;

  @Field(() => Int)
  max: number;

  @Field(() => String, { nullable: true, description: 'ICD 203 terms in this band, with their probability ranges.' })
  icd203: string | null;

  @Field(() => [String], { description: 'MISP estimative-language taxonomy tags in this band.' })
  mispTags: string[];

  @Field(() => [String], { description: 'Accepted phrasings (any case and spacing).' })
  words: string[];

  @Field(() => String, { nullable: true })
  note: string | null;
}
