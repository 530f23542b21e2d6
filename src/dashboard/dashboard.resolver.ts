import { Args, Info, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selectsField } from '../common/lookahead';
import { IncidentFilter } from '../incidents/incident.inputs';
import { Dimension, DashboardService } from './dashboard.service';
import {
  AccusedActorArgs, AttributionBreakdownArgs, AttributionLag, AttributionLagArgs, BreakdownArgs, IncidentBreakdown,
  IncidentStats, IncidentTimeline, TimelineArgs,
} from './dashboard.types';

@Resolver(() => IncidentStats)
export class DashboardResolver {
  constructor(private readonly dashboard: DashboardService) {}

  @Query(() => IncidentStats, {
    description: 'Counts, time series and attribution lags over the incidents matching the filter — the same filter as `incidents`.',
  })
  async incidentStats(
    @Args('filter', { type: () => IncidentFilter, nullable: true }) filter: IncidentFilter,
  ): Promise<IncidentStats> {
    // Resolved once here, so a bad filter (unknown actor) is one error and every field reuses the SQL.
    return { scope: await this.dashboard.scope(filter) };
  }

  @ResolveField(() => Int, { description: 'Distinct incidents matching the filter (= incidents.totalCount).' })
  total(stats: IncidentStats) {
    return this.dashboard.total(stats.scope);
  }

  @ResolveField(() => IncidentBreakdown, { description: 'By accused actor, optionally rolled up the actor hierarchy.' })
  byAccusedActor(@Parent() stats: IncidentStats, @Args() args: AccusedActorArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.ACCUSED_ACTOR, args);
  }

  @ResolveField(() => IncidentBreakdown, {
    description: 'By the sponsor country of the accused actor, or of its nearest ancestor that has one (a STATE sponsors itself).',
  })
  bySponsorCountry(@Parent() stats: IncidentStats, @Args() args: AttributionBreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.SPONSOR_COUNTRY, args);
  }

  @ResolveField(() => IncidentBreakdown, {
    description: 'By target country: a country target, or the country of a targeted organization or person (as filter.targetCountry).',
  })
  byTargetCountry(@Parent() stats: IncidentStats, @Args() args: BreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.TARGET_COUNTRY, args);
  }

  @ResolveField(() => IncidentBreakdown, {
    description: 'By target sector: a sector target, or the sector of a targeted organization (a person: their organization), ignoring case.',
  })
  byTargetSector(@Parent() stats: IncidentStats, @Args() args: BreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.TARGET_SECTOR, args);
  }

  @ResolveField(() => IncidentBreakdown, { description: 'By the kind of a targeted organization (a person: their organization).' })
  byTargetOrganizationKind(@Parent() stats: IncidentStats, @Args() args: BreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.TARGET_ORGANIZATION_KIND, args);
  }

  @ResolveField(() => IncidentBreakdown, { description: 'By incident type.' })
  byType(@Parent() stats: IncidentStats, @Args() args: BreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.TYPE, args);
  }

  @ResolveField(() => IncidentBreakdown, { description: 'By MITRE ATT&CK technique id.' })
  byTechnique(@Parent() stats: IncidentStats, @Args() args: BreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.TECHNIQUE, args);
  }

  @ResolveField(() => IncidentBreakdown, {
    description: 'By attributing party: the organization credited, or for a person alone their organization (else the person).',
  })
  byAttributingParty(@Parent() stats: IncidentStats, @Args() args: AttributionBreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.ATTRIBUTING_PARTY, args);
  }

  @ResolveField(() => IncidentBreakdown, {
    description: 'By the kind of the attributing organization (government, intelligence agency, security company, media …).',
  })
  byAttributingKind(@Parent() stats: IncidentStats, @Args() args: AttributionBreakdownArgs) {
    return this.dashboard.breakdown(stats.scope, Dimension.ATTRIBUTING_KIND, args);
  }

  @ResolveField(() => IncidentTimeline, { description: 'By month, quarter or year of the start, empty buckets filled with 0.' })
  timeline(@Parent() stats: IncidentStats, @Args() args: TimelineArgs) {
    return this.dashboard.timeline(stats.scope, args);
  }

  @ResolveField(() => AttributionLag, { description: 'Days from the start to the first public attribution.' })
  attributionLag(@Parent() stats: IncidentStats, @Args() args: AttributionLagArgs, @Info() info: GraphQLResolveInfo) {
    return this.dashboard.attributionLag(stats.scope, args, { overTime: selectsField(info, 'overTime') });
  }
}

