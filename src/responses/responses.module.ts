import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { SourcesModule } from '../sources/sources.module';
import { ResponseService } from './response.service';
import { ActorResponsesResolver, CountryResponsesResolver, IncidentResponsesResolver, ResponsesResolver } from './responses.resolver';

@Module({
  imports: [ActorsModule, SourcesModule],
  providers: [ResponseService, ResponsesResolver, IncidentResponsesResolver, ActorResponsesResolver, CountryResponsesResolver],
  exports: [ResponseService],
})
export class ResponsesModule {}
