import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module';
import { StatementService } from './statement.service';
import { StatementSourcesResolver, StatementsResolver } from './statements.resolver';

@Module({
  imports: [ActorsModule],
  providers: [StatementService, StatementsResolver, StatementSourcesResolver],
  exports: [StatementService],
})
export class StatementsModule {}
