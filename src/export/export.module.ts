import { Module } from '@nestjs/common';
import { AttributionsModule } from '../attributions/attributions.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { StatementsModule } from '../statements/statements.module';
import { ExportController } from './export.controller';
import { ExportService } from './export.service';

@Module({
  imports: [IncidentsModule, AttributionsModule, StatementsModule],
  controllers: [ExportController],
  providers: [ExportService],
})
export class ExportModule {}
