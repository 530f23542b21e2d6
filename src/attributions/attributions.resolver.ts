import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, Reads, Through } from '../common/lookahead';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { Caller } from '../common/caller';
import { DateSpan, toDateSpan } from '../common/date-span';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Citation } from '../sources/citation.entity';
import { CitationInput } from '../sources/citation.inputs';
import { CitationService } from '../sources/citation.service';
import { byDateSaid } from '../statements/statement-order';
import { Statement } from '../statements/statement.entity';
import { parseAsOf } from './as-of';
import { AttributionRevision, changedFieldNames } from './attribution-revision.entity';
import { Attribution } from './attribution.entity';
import { AttributionFilter, CreateAttributionInput, UpdateAttributionInput } from './attribution.inputs';
import { AttributionService } from './attribution.service';
import { Claim, ClaimParty, claimsOf } from './claim.types';
import { ESTIMATIVE_SCALE } from './estimative-language';
import { EstimativeBandType } from './estimative-scale.types';

@ObjectType()
export class AttributionConnection extends Connection(Attribution) {}

const ID_ARG = { type: () => ID };
const AS_OF_ARG = {
  type: () => String,
  nullable: true,
  description: 'What was on record in this database at that time (recording time, not the date a claim was made): '
    + 'a date (end of that day, UTC) or a timestamp with a time zone.',
};

@Resolver(() => Attribution)
export class AttributionsResolver {
  constructor(
    private readonly attributionService: AttributionService,
    private readonly citationService: CitationService,
  ) {}

  @Query(() => Attribution, { nullable: true, description: nullWhenAbsent() })
  attribution(@Args('id', ID_ARG) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Attribution, id, 'Attribution');
  }

  @Query(() => AttributionConnection, { description: 'Attribution claims in date order (undated last); with asOf, as they were on record then.' })
  attributions(
    @Args('filter', { type: () => AttributionFilter, nullable: true }) filter: AttributionFilter,
    @Args('asOf', AS_OF_ARG) asOf: string | undefined,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.attributionService.list(filter, page, parseAsOf(asOf), loaders);
  }

  @Query(() => [EstimativeBandType], {
    description: 'The estimative scale confidenceWords are read with: STIX 2.1 confidence bands (WEP, and None/Low/Med/High for analytic '
      + 'confidence) with the ICD 203 terms and MISP estimative-language tags in each.',
  })
  estimativeScale(): EstimativeBandType[] {
    return ESTIMATIVE_SCALE;
  }

  @Mutation(() => Attribution, { description: 'Recorded in its history with the calling account.' })
  createAttribution(@Args('input') input: CreateAttributionInput, @Caller() caller: string) {
    return this.attributionService.create(input, caller);
  }

  @Mutation(() => Attribution, { description: 'The previous state stays in history (attribution.history, asOf).' })
  updateAttribution(@Args('input') input: UpdateAttributionInput, @Caller() caller: string) {
    return this.attributionService.update(input, caller);
  }

  @Mutation(() => ID, { description: 'Its history is kept: asOf a time before the deletion still shows it.' })
  deleteAttribution(@Args('id', ID_ARG) id: string, @Caller() caller: string) {
    return this.attributionService.delete(id, caller);
  }

  @Mutation(() => Attribution, { description: 'Cites an article for the claim (or replaces the excerpt); the excerpt must occur in the article.' })
  linkAttributionToSource(@Args('attributionId', ID_ARG) attributionId: string, @Args('source') source: CitationInput) {
    return this.attributionService.linkSource(attributionId, source);
  }

  @Mutation(() => Attribution, { description: 'Refused (CONFLICT) for the attribution\'s last citation.' })
  unlinkAttributionFromSource(@Args('attributionId', ID_ARG) attributionId: string, @Args('sourceArticleId', ID_ARG) sourceArticleId: string) {
    return this.attributionService.unlinkSource(attributionId, sourceArticleId);
  }

  @ResolveField(() => DateSpan, { description: 'When the claim was made.' })
  @Reads('attributed')
  attributed(attribution: Attribution) {
    return toDateSpan(attribution.attributed);
  }

  @BelongsTo(() => Incident, 'incidentId', { nullable: true })
  incident() {}

  @BelongsTo(() => Campaign, 'campaignId', { nullable: true })
  campaign() {}

  @BelongsTo(() => ThreatActor, 'actorId', { description: 'The accused actor.' })
  actor() {}

  @BelongsTo(() => Organization, 'attributedByOrganizationId', { nullable: true })
  attributedByOrganization() {}

  @BelongsTo(() => Person, 'attributedByPersonId', { nullable: true })
  attributedByPerson() {}

  @BelongsTo(() => Country, 'attributingCountryCode', {
    key: 'code', nullable: true, description: 'The attributing country, as a dataset codes it.',
  })
  attributingCountry() {}

  @Through(() => Statement, { table: 'attribution_statement', fromColumn: 'attribution_id', toColumn: 'statement_id' }, {
    sort: byDateSaid, description: 'Statements in which the claim was made or denied.',
  })
  statements() {}

  @ResolveField(() => [Citation], { description: 'The articles that report the claim, each with the exact passage that does.' })
  citations(attribution: Attribution, _args: unknown, { loaders }: RequestContext) {
    return loaders.custom('citations.attribution', (ids) => this.citationService.forFacts('attribution', ids)).load(attribution.id);
  }

  @ResolveField(() => [AttributionRevision], {
    description: 'Every recorded state of the claim, oldest first: confidence revised, status changed to RETRACTED …, with who and when.',
  })
  history(attribution: Attribution, _args: unknown, { loaders }: RequestContext) {
    return loaders.many(AttributionRevision, 'attributionId', { seq: 'ASC' }).load(attribution.id);
  }
}

@Resolver(() => AttributionRevision)
export class AttributionRevisionsResolver {
  @ResolveField(() => [String], { description: 'The fields this change altered (empty when created, deleted or the baseline).' })
  changedFields(revision: AttributionRevision) {
    return changedFieldNames(revision.changedFields);
  }

  @ResolveField(() => DateSpan)
  @Reads('attributed')
  attributed(revision: AttributionRevision) {
    return toDateSpan(revision.attributed);
  }

  @BelongsTo(() => ThreatActor, 'actorId', { nullable: true, description: 'Null when the actor has since been deleted.' })
  actor() {}

  @BelongsTo(() => Incident, 'incidentId', { nullable: true })
  incident() {}

  @BelongsTo(() => Organization, 'attributedByOrganizationId', { nullable: true })
  attributedByOrganization() {}

  @BelongsTo(() => Person, 'attributedByPersonId', { nullable: true })
  attributedByPerson() {}
}

/** Incident.claims: the attributions of an incident grouped by accused actor. */
@Resolver(() => Incident)
export class IncidentClaimsResolver {
  constructor(private readonly attributionService: AttributionService) {}

  @ResolveField(() => [Claim], {
    description: 'Who is claimed to have done it, by actor: asserted by whom, disputed or denied by whom, strongest and latest confidence, '
      + 'first and latest date, contested or not. In order of first claim.',
  })
  async claims(
    @Parent() incident: Incident,
    @Context('loaders') loaders: RequestLoaders,
    @Args('asOf', AS_OF_ARG) asOf: string | undefined,
  ) {
    const instant = parseAsOf(asOf);
    const attributions = await loaders
      .custom(`incident.claims:${instant?.toISOString() ?? 'now'}`, (ids) => this.attributionService.forIncidents(ids, instant))
      .load(incident.id);
    return claimsOf(attributions);
  }
}

@Resolver(() => Claim)
export class ClaimsResolver {
  @BelongsTo(() => ThreatActor, 'actorId', { description: 'The accused actor.' })
  actor() {}

  @ResolveField(() => DateSpan, { description: 'When it was first claimed, denied or disputed (UNKNOWN when no attribution is dated).' })
  firstDate(claim: Claim) {
    return toDateSpan(claim.firstDateSpan);
  }

  @ResolveField(() => DateSpan, { description: 'The most recent dated attribution of the claim.' })
  latestDate(claim: Claim) {
    return toDateSpan(claim.latestDateSpan);
  }
}

@Resolver(() => ClaimParty)
export class ClaimPartiesResolver {
  @ResolveField(() => Attribution)
  attribution(party: ClaimParty) {
    return party.attribution;
  }

  @ResolveField(() => String, { description: 'The person, or else the organization, who took this position.' })
  async name(party: ClaimParty, _args: unknown, { loaders }: RequestContext) {
    const { attributedByPersonId: personId, attributedByOrganizationId: organizationId } = party.attribution;
    const [person, organization] = await Promise.all([
      personId ? loaders.one(Person).load(personId) : null,
      organizationId ? loaders.one(Organization).load(organizationId) : null,
    ]);
    return person?.name ?? organization?.name ?? 'unknown party';
  }

  @ResolveField(() => Person, { nullable: true })
  person(party: ClaimParty, _args: unknown, { loaders }: RequestContext) {
    return party.attribution.attributedByPersonId ? loaders.one(Person).load(party.attribution.attributedByPersonId) : null;
  }

  @ResolveField(() => Organization, { nullable: true })
  organization(party: ClaimParty, _args: unknown, { loaders }: RequestContext) {
    return party.attribution.attributedByOrganizationId ? loaders.one(Organization).load(party.attribution.attributedByOrganizationId) : null;
  }

  @ResolveField(() => DateSpan)
  attributed(party: ClaimParty) {
    return toDateSpan(party.attribution.attributed);
  }
}
