import { Module } from '@nestjs/common';
import { CampaignService } from './campaign.service';
import { CampaignsResolver } from './campaigns.resolver';

@Module({ providers: [CampaignService, CampaignsResolver], exports: [CampaignService] })
export class CampaignsModule {}
