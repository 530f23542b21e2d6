import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, ReadAhead } from '../common/lookahead';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from './person.entity';
import { CreatePersonInput, PersonFilter, UpdatePersonInput } from './person.inputs';
import { ORGANIZATION_PEOPLE, PersonService } from './person.service';

@ObjectType()
export class PersonConnection extends Connection(Person) {}

@Resolver(() => Person)
export class PeopleResolver {
  constructor(private readonly personService: PersonService) {}

  @Query(() => Person, { nullable: true, description: nullWhenAbsent() })
  person(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Person, id, 'Person');
  }

  @Query(() => PersonConnection)
  people(
    @Args('filter', { type: () => PersonFilter, nullable: true }) filter: PersonFilter,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.personService.list(filter, page, loaders);
  }

  @Mutation(() => Person)
  createPerson(@Args('input') input: CreatePersonInput) {
    return this.personService.create(input);
  }

  @Mutation(() => Person)
  updatePerson(@Args('input') input: UpdatePersonInput) {
    return this.personService.update(input);
  }

  @Mutation(() => ID, { description: 'Refused (CONFLICT) while statements, attributions or targets refer to the person.' })
  deletePerson(@Args('id', { type: () => ID }) id: string) {
    return this.personService.delete(id);
  }

  @BelongsTo(() => Organization, 'organizationId', { nullable: true })
  organization() {}

  @BelongsTo(() => Country, 'countryCode', { key: 'code', nullable: true })
  country() {}
}

/** Organization.people, paged (here, beside the service that reads people). */
@Resolver(() => Organization)
export class OrganizationPeopleResolver {
  @ResolveField(() => PersonConnection, { description: 'The people of this organization, by name.' })
  @ReadAhead(() => ORGANIZATION_PEOPLE)
  people(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ORGANIZATION_PEOPLE, page, organization.id);
  }
}
