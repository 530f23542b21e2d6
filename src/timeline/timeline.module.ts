import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module';
import {
  ActorTimelineResolver, CountryTimelineResolver, IncidentTimelineResolver, TimelineEntriesResolver,
} from './timeline.resolver';

@Module({
  imports: [SourcesModule],
  providers: [IncidentTimelineResolver, ActorTimelineResolver, CountryTimelineResolver, TimelineEntriesResolver],
})
export class TimelineModule {}
