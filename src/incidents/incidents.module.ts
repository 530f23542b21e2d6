import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { IncidentService } from './incident.service';
import {
  CampaignIncidentsResolver, IncidentTargetsResolver, IncidentsResolver, OrganizationTargetsResolver,
} from './incidents.resolver';

@Module({
  imports: [ActorsModule],
  providers: [IncidentService, IncidentsResolver, IncidentTargetsResolver, CampaignIncidentsResolver, OrganizationTargetsResolver],
  exports: [IncidentService],
})
export class IncidentsModule {}
