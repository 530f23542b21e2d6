import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module';
import {
  ActorTimelineResolver, CountryTimelineResolver, IncidentTimelineResolver, TimelineEntriesResolver,
} from './timeline.resolver';
import { TimelineService } from './timeline.service';

@Module({
  imports: [SourcesModule],
  providers: [TimelineService, IncidentTimelineResolver, ActorTimelineResolver, CountryTimelineResolver, TimelineEntriesResolver],
})
export class TimelineModule {}
