import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo } from '../common/lookahead';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Organization } from './organization.entity';
import { CreateOrganizationInput, OrganizationFilter, UpdateOrganizationInput } from './organization.inputs';
import { OrganizationService } from './organization.service';

@ObjectType()
export class OrganizationConnection extends Connection(Organization) {}

@Resolver(() => Organization)
export class OrganizationsResolver {
  constructor(private readonly organizationService: OrganizationService) {}

  @Query(() => Organization, { nullable: true, description: nullWhenAbsent() })
  organization(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Organization, id, 'Organization');
  }

  @Query(() => OrganizationConnection)
  organizations(
    @Args('filter', { type: () => OrganizationFilter, nullable: true }) filter: OrganizationFilter,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.organizationService.list(filter, page, loaders);
  }

  @Mutation(() => Organization)
  createOrganization(@Args('input') input: CreateOrganizationInput) {
    return this.organizationService.create(input);
  }

  @Mutation(() => Organization)
  updateOrganization(@Args('input') input: UpdateOrganizationInput) {
    return this.organizationService.update(input);
  }

  @Mutation(() => ID, { description: 'Refused (CONFLICT) while statements, attributions, targets or people refer to it.' })
  deleteOrganization(@Args('id', { type: () => ID }) id: string) {
    return this.organizationService.delete(id);
  }

  @BelongsTo(() => Country, 'countryCode', { key: 'code', nullable: true })
  country() {}
}
