import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { PageArgs, pageKey } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { StatementParent, StatementService } from './statement.service';
import { StatementConnection } from './statements.resolver';

const ORDER = 'Oldest first, undated last.';

/** A page of the statements of each parent of a request level, in one query for all of them. */
function pagesOf(service: StatementService, loaders: RequestLoaders, parent: StatementParent, parentId: string, page: PageArgs) {
  return loaders.custom(pageKey(`statements.${parent}`, page), (ids) => service.pagesOf(parent, ids, page, loaders)).load(parentId);
}

@Resolver(() => ThreatActor)
export class ActorStatementsResolver {
  constructor(private readonly service: StatementService) {}

  @ResolveField(() => StatementConnection, { description: `Statements about this actor. ${ORDER}` })
  statements(@Parent() actor: ThreatActor, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'actor', actor.id, page);
  }
}

@Resolver(() => Incident)
export class IncidentStatementsResolver {
  constructor(private readonly service: StatementService) {}

  @ResolveField(() => StatementConnection, { description: `What was said about it. ${ORDER}` })
  statements(@Parent() incident: Incident, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'incident', incident.id, page);
  }
}

@Resolver(() => Organization)
export class OrganizationStatementsResolver {
  constructor(private readonly service: StatementService) {}

  @ResolveField(() => StatementConnection, { description: `Statements made in the name of this organization. ${ORDER}` })
  statements(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'speaker_organization_id', organization.id, page);
  }
}

@Resolver(() => Person)
export class PersonStatementsResolver {
  constructor(private readonly service: StatementService) {}

  @ResolveField(() => StatementConnection, { description: `What this person said. ${ORDER}` })
  statements(@Parent() person: Person, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'speaker_person_id', person.id, page);
  }
}

export const STATEMENT_LIST_RESOLVERS = [
  ActorStatementsResolver, IncidentStatementsResolver, OrganizationStatementsResolver, PersonStatementsResolver,
];
