import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseOutage } from './database-outage';
import { HealthController } from './health.controller';

@Module({
  // A failing readiness check is an expected answer (503), not an error to log with a stack.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseOutage],
  exports: [DatabaseOutage],
})
export class HealthModule {}
