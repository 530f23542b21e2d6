import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { ReadAhead } from '../common/lookahead';
import { PageArgs } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { STATEMENT_LISTS } from './statement.service';
import { StatementConnection } from './statements.resolver';

const ORDER = 'Oldest first, undated last.';

@Resolver(() => ThreatActor)
export class ActorStatementsResolver {
  @ResolveField(() => StatementConnection, { description: `Statements about this actor. ${ORDER}` })
  @ReadAhead(() => STATEMENT_LISTS.actor)
  statements(@Parent() actor: ThreatActor, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(STATEMENT_LISTS.actor, page, actor.id);
  }
}

@Resolver(() => Incident)
export class IncidentStatementsResolver {
  @ResolveField(() => StatementConnection, { description: `What was said about it. ${ORDER}` })
  @ReadAhead(() => STATEMENT_LISTS.incident)
  statements(@Parent() incident: Incident, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(STATEMENT_LISTS.incident, page, incident.id);
  }
}

@Resolver(() => Organization)
export class OrganizationStatementsResolver {
  @ResolveField(() => StatementConnection, { description: `Statements made in the name of this organization. ${ORDER}` })
  @ReadAhead(() => STATEMENT_LISTS.speaker_organization_id)
  statements(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(STATEMENT_LISTS.speaker_organization_id, page, organization.id);
  }
}

@Resolver(() => Person)
export class PersonStatementsResolver {
  @ResolveField(() => StatementConnection, { description: `What this person said. ${ORDER}` })
  @ReadAhead(() => STATEMENT_LISTS.speaker_person_id)
  statements(@Parent() person: Person, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(STATEMENT_LISTS.speaker_person_id, page, person.id);
  }
}

export const STATEMENT_LIST_RESOLVERS = [
  ActorStatementsResolver, IncidentStatementsResolver, OrganizationStatementsResolver, PersonStatementsResolver,
];
