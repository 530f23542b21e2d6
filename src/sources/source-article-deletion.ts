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
    + 'DELETE_UNSUPPORTED_FACTS: its citations are removed, and the statements, attributions and responses it alone supported are deleted. '
    + 'Either way, facts cited by other sources keep those citations; incidents, actors, aliases, ties, targets, campaigns and members '
    + 'are never deleted (they only lose the citation), dataset records stop listing the article, and the response lists everything affected.',
  valuesMap: {
    REFUSE: { description: 'The default: CONFLICT while any fact cites the article or a dataset record lists it.' },
    DETACH_CITATIONS: { description: 'Keep every fact; those left without a citation are listed in statementsLeftUncited / attributionsLeftUncited.' },
    DELETE_UNSUPPORTED_FACTS: { description: 'Delete the facts left without a citation (listed in deletedStatements / deletedAttributions).' },
  },
});

export enum DetachedFactOutcome {
  STILL_CITED = 'STILL_CITED',
  LEFT_UNCITED = 'LEFT_UNCITED',
  DELETED = 'DELETED',
}
registerEnumType(DetachedFactOutcome, {
  name: 'DetachedFactOutcome',
  description: 'What became of a fact that cited a deleted article.',
  valuesMap: {
    STILL_CITED: { description: 'Other sources (articles or dataset records) still cite it.' },
    LEFT_UNCITED: { description: 'Kept, with no citation left.' },
    DELETED: { description: 'Deleted with the article (DELETE_UNSUPPORTED_FACTS; responses only).' },
  },
});

@ObjectType({ description: 'A fact other than a statement, attribution or incident that cited a deleted article.' })
export class DetachedFact {
  @Field({ description: 'The kind of fact: response, actorAlias, actorTie, incidentTarget, threatActor, campaign or actorMember.' })
  kind: string;

  @Field(() => ID)
  id: string;

  @Field(() => DetachedFactOutcome)
  outcome: DetachedFactOutcome;
}

@ObjectType({ description: 'What deleting a source article did: every fact it touched, by id.' })
export class SourceArticleDeletion {
  @Field(() => ID)
  id: string;

  @Field(() => SupportedFactsPolicy)
  onSupportedFacts: SupportedFactsPolicy;

  @Field(() => [ID], { description: 'Statements that lost this citation and are still cited by other sources.' })
  statementsStillCited: string[];

  @Field(() => [ID], { description: 'Attributions that lost this citation and are still cited by other sources.' })
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

  @Field(() => [DetachedFact], { description: 'Every other fact that cited this article (responses, aliases, actor ties, targets, …), and what became of it.' })
  otherFactsDetached: DetachedFact[];

  @Field(() => [ID], {
    description: 'Dataset records that listed this article among their sources; their coded fields keep the URL verbatim.',
  })
  datasetRecordsDetached: string[];
}
