import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { DashboardController } from './dashboard.controller';
import { DashboardResolver } from './dashboard.resolver';
import { DashboardService } from './dashboard.service';
import { ResponseStatsResolver, ResponseStatsService } from './response-stats';

@Module({
  imports: [IncidentsModule, ActorsModule],
  controllers: [DashboardController],
  providers: [DashboardService, DashboardResolver, ResponseStatsService, ResponseStatsResolver],
})
export class DashboardModule {}
