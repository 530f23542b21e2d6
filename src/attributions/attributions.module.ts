import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { AttributionService } from './attribution.service';
import { AttributionsResolver } from './attributions.resolver';

@Module({ imports: [ActorsModule], providers: [AttributionService, AttributionsResolver], exports: [AttributionService] })
export class AttributionsModule {}
