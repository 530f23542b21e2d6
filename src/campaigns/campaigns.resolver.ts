import { Args, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { Reads } from '../common/lookahead';
import { loadOrFail } from '../common/lookups';
import { DateSpan, toDateSpan } from '../common/date-span';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Campaign } from './campaign.entity';
import { CreateCampaignInput, UpdateCampaignInput } from './campaign.inputs';
import { CampaignService } from './campaign.service';

@ObjectType()
export class CampaignConnection extends Connection(Campaign) {}

@Resolver(() => Campaign)
export class CampaignsResolver {
  constructor(private readonly campaignService: CampaignService) {}

  @Query(() => Campaign, { nullable: true, description: nullWhenAbsent() })
  campaign(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Campaign, id, 'Campaign');
  }

  @Query(() => CampaignConnection)
  campaigns(@Args('search', { type: () => String, nullable: true }) search: string | null, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return this.campaignService.list(search, page, loaders);
  }

  @Mutation(() => Campaign)
  createCampaign(@Args('input') input: CreateCampaignInput) {
    return this.campaignService.create(input);
  }

  @Mutation(() => Campaign)
  updateCampaign(@Args('input') input: UpdateCampaignInput) {
    return this.campaignService.update(input);
  }

  @Mutation(() => ID, { description: 'Its incidents stay, without campaign; refused (CONFLICT) while attributions name it.' })
  deleteCampaign(@Args('id', { type: () => ID }) id: string) {
    return this.campaignService.delete(id);
  }

  @ResolveField(() => DateSpan)
  @Reads('started')
  started(campaign: Campaign) {
    return toDateSpan(campaign.started);
  }
}
