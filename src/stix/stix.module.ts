import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { StixExportService } from './stix-export.service';
import { StixImportService } from './stix-import.service';
import { StixController } from './stix.controller';
import { StixResolver } from './stix.resolver';

/** STIX 2.1 in and out (docs/stix.md): stixBundle, GET /stix/bundle, importStixBundle, npm run import:stix. */
@Module({
  imports: [IncidentsModule, ActorsModule],
  controllers: [StixController],
  providers: [StixExportService, StixImportService, StixResolver],
})
export class StixModule {}
