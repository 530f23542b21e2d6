import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum SupportedFactsPolicy {
  REFUSE = 'REFUSE',
  DETACH_CITATIONS = 'DETACH_CITATIONS',
  DELETE_UNSUPPORTED_FACTS = 'DELETE_UNSUPPORTED_FACTS',
}
registerEnumType(SupportedFactsPolicy, {
  name: 'SupportedFactsPolicy',
  description:
    'What happens to the facts an article supports when it is deleted. REFUSE: nothing is deleted while anything cites it. '
    + 'DETACH_CITATIONS: its citations are removed; facts it alone supported stay, without any citation, by the caller\'s choice. '
    + 'DELETE_UNSUPPORTED_FACTS: its citations are removed, and the statements and attributions it alone supported are deleted. '
    + 'Either way, facts cited by other articles keep those citations, incidents are never deleted (they only stop listing the article), '
    + 'and the response lists everything affected.',
  valuesMap: {
    REFUSE: { description: 'The default: CONFLICT while statements, attributions or incidents cite the article.' },
    DETACH_CITATIONS: { description: 'Keep every fact; those left without a citation are listed in statementsLeftUncited / attributionsLeftUncited.' },
    DELETE_UNSUPPORTED_FACTS: { description: 'Delete the facts left without a citation (listed in deletedStatements / deletedAttributions).' },
  },
});

@ObjectType({ description: 'What deleting a source article did: every fact it touched, by id.' })
export class SourceArticleDeletion {
  @Field(() => ID)
  id: string;

  @Field(() => SupportedFactsPolicy)
  onSupportedFacts: SupportedFactsPolicy;

  @Field(() => [ID], { description: 'Statements that lost this citation and are still cited by other articles.' })
  statementsStillCited: string[];

  @Field(() => [ID], { description: 'Attributions that lost this citation and are still cited by other articles.' })
  attributionsStillCited: string[];

  @Field(() => [ID], { description: 'DETACH_CITATIONS: statements kept with no citation left.' })
  statementsLeftUncited: string[];

  @Field(() => [ID], { description: 'DETACH_CITATIONS: attributions kept with no citation left.' })
  attributionsLeftUncited: string[];

  @Field(() => [ID], { description: 'DELETE_UNSUPPORTED_FACTS: statements deleted because this article was their only source.' })
  deletedStatements: string[];

  @Field(() => [ID], { description: 'DELETE_UNSUPPORTED_FACTS: attributions deleted because this article was their only source.' })
  deletedAttributions: string[];

  @Field(() => [ID], { description: 'Incidents that no longer list this article among their sources.' })
  incidentsDetached: string[];
}
