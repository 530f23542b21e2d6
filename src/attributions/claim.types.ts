import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateSpanColumns } from '../common/date-span';
import { Attribution, AttributionStatus } from './attribution.entity';
import { byDateAttributed, isDated } from './attribution-order';

@ObjectType({ description: 'One party\'s position on a claim: who, asserting, disputing, denying or retracting it, when and how confidently.' })
export class ClaimParty {
  attribution: Attribution;

  @Field(() => AttributionStatus)
  status: AttributionStatus;

  @Field(() => Int, { nullable: true })
  confidence: number | null;

  @Field(() => String, { nullable: true })
  confidenceWords: string | null;
}

@ObjectType({
  description: 'Everything claimed about who carried out an incident, grouped by accused actor: who asserts it, who disputes or denies it, '
    + 'how confidently, and when.',
})
export class Claim {
  actorId: string;

  @Field({ description: 'True when any party disputes or denies the claim.' })
  contested: boolean;

  @Field(() => [ClaimParty], { description: 'Parties asserting it, oldest first.' })
  asserters: ClaimParty[];

  @Field(() => [ClaimParty], { description: 'Parties disputing or denying it, oldest first.' })
  challengers: ClaimParty[];

  @Field(() => [ClaimParty], { description: 'Parties who made the claim and withdrew it.' })
  retractions: ClaimParty[];

  @Field(() => Int, { nullable: true, description: 'The highest confidence any asserting party gives; null when none gives one.' })
  strongestConfidence: number | null;

  @Field(() => String, { nullable: true, description: 'The words of that strongest confidence.' })
  strongestConfidenceWords: string | null;

  @Field(() => Int, { nullable: true, description: 'The confidence of the most recent asserting party that gives one.' })
  latestConfidence: number | null;

  @Field(() => String, { nullable: true })
  latestConfidenceWords: string | null;

  firstDateSpan: DateSpanColumns | null;
  latestDateSpan: DateSpanColumns | null;

  @Field(() => [Attribution], { description: 'Every attribution in the claim, oldest first.' })
  attributions: Attribution[];
}

function party(attribution: Attribution): ClaimParty {
  return { attribution, status: attribution.status, confidence: attribution.confidence, confidenceWords: attribution.confidenceWords };
}

/**
 * Groups the attributions of one incident by accused actor. The order of claims is that
 * of their first attribution (date, then recording order); actors are never merged up
 * or down the hierarchy: a claim against APT28 is not a claim against Russia.
 */
export function claimsOf(attributions: Attribution[]): Claim[] {
  const sorted = [...attributions].sort(byDateAttributed);
  const byActor = new Map<string, Attribution[]>();
  for (const a of sorted) byActor.set(a.actorId, [...(byActor.get(a.actorId) ?? []), a]);
  return [...byActor.entries()].map(([actorId, list]) => {
    const asserting = list.filter((a) => a.status === AttributionStatus.ASSERTED);
    const withConfidence = asserting.filter((a) => a.confidence !== null);
    const strongest = withConfidence.reduce<Attribution | null>((best, a) => (!best || a.confidence! >= best.confidence! ? a : best), null);
    const latest = withConfidence[withConfidence.length - 1] ?? null;
    const dated = list.filter((a) => isDated(a.attributed));
    return {
      actorId,
      contested: list.some((a) => a.status === AttributionStatus.DISPUTED || a.status === AttributionStatus.DENIED),
      asserters: asserting.map(party),
      challengers: list.filter((a) => a.status === AttributionStatus.DISPUTED || a.status === AttributionStatus.DENIED).map(party),
      retractions: list.filter((a) => a.status === AttributionStatus.RETRACTED).map(party),
      strongestConfidence: strongest?.confidence ?? null,
      strongestConfidenceWords: strongest?.confidenceWords ?? null,
      latestConfidence: latest?.confidence ?? null,
      latestConfidenceWords: latest?.confidenceWords ?? null,
      firstDateSpan: dated[0]?.attributed ?? null,
      latestDateSpan: dated[dated.length - 1]?.attributed ?? null,
      attributions: list,
    };
  });
}
