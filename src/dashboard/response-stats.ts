import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Field, Int, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { ResponseKind } from '../responses/response.entity';
import { scopeCte } from './dashboard.service';
import { IncidentStats, LagStatistics } from './dashboard.types';

@ObjectType({ description: 'Responses of one kind to the incidents matching the filter.' })
export class ResponseKindCount {
  @Field(() => ResponseKind)
  kind: ResponseKind;

  @Field(() => Int, { description: 'Responses of this kind.' })
  responses: number;

  @Field(() => Int, { description: 'Distinct incidents responded to with this kind.' })
  incidents: number;
}

@ObjectType({
  description: 'Days from the first attribution of an incident to the first response to it, over the incidents that have both dated. '
    + 'Each date counts from its earliest possible day; a response before any attribution gives a negative lag.',
})
export class AttributionToResponseLag extends LagStatistics {
  @Field(() => Int, { description: 'Incidents with a dated response but no dated ASSERTED attribution.' })
  respondedWithoutAttribution: number;

  @Field(() => Int, { description: 'Incidents with a dated ASSERTED attribution but no dated response.' })
  attributedWithoutResponse: number;
}

/** Response aggregates over the dashboard's incident scope (the SQL of the `incidents` filter). */
@Injectable()
export class ResponseStatsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async byKind(stats: IncidentStats): Promise<ResponseKindCount[]> {
    return this.dataSource.query(
      `WITH ${scopeCte(stats.scope)}
       SELECT r.kind, count(*)::int AS responses, count(DISTINCT r.incident_id)::int AS incidents
         FROM response r JOIN scope s ON s.id = r.incident_id
        GROUP BY r.kind ORDER BY responses DESC, r.kind`,
      stats.scope.parameters,
    );
  }

  async lagFromFirstAttribution(stats: IncidentStats): Promise<AttributionToResponseLag> {
    const [row] = await this.dataSource.query(
      `WITH ${scopeCte(stats.scope)},
       firsts AS (
         SELECT s.id,
                (SELECT min(coalesce(a.attributed_from, a.attributed_to)) FROM attribution a
                  WHERE a.incident_id = s.id AND a.status = 'ASSERTED') AS attributed,
                (SELECT min(coalesce(r.responded_from, r.responded_to)) FROM response r WHERE r.incident_id = s.id) AS responded
           FROM scope s),
       lags AS (SELECT responded - attributed AS days FROM firsts WHERE attributed IS NOT NULL AND responded IS NOT NULL)
       SELECT (SELECT count(*) FROM lags)::int AS count,
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FROM lags) AS median,
              (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY days) FROM lags) AS "lowerQuartile",
              (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY days) FROM lags) AS "upperQuartile",
              (SELECT min(days) FROM lags) AS min, (SELECT max(days) FROM lags) AS max,
              (SELECT count(*) FROM firsts WHERE responded IS NOT NULL AND attributed IS NULL)::int AS "respondedWithoutAttribution",
              (SELECT count(*) FROM firsts WHERE attributed IS NOT NULL AND responded IS NULL)::int AS "attributedWithoutResponse"`,
      stats.scope.parameters,
    );
    return row;
  }
}

@Resolver(() => IncidentStats)
export class ResponseStatsResolver {
  constructor(private readonly responseStats: ResponseStatsService) {}

  @ResolveField(() => [ResponseKindCount], { description: 'Responses to the matching incidents, by kind, most frequent first.' })
  responsesByKind(@Parent() stats: IncidentStats) {
    return this.responseStats.byKind(stats);
  }

  @ResolveField(() => AttributionToResponseLag, { description: 'Days from the first attribution to the first response.' })
  attributionToResponseLag(@Parent() stats: IncidentStats) {
    return this.responseStats.lagFromFirstAttribution(stats);
  }
}
