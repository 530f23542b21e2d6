import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { IncidentService } from './incident.service';
import { IncidentTargetsResolver, IncidentsResolver } from './incidents.resolver';

@Module({
  imports: [ActorsModule],
  providers: [IncidentService, IncidentsResolver, IncidentTargetsResolver],
  exports: [IncidentService],
})
export class IncidentsModule {}
