import { Module } from '@nestjs/common';
import { ChangeLogService } from './change-log.service';
import { ChangesResolver } from './changes.resolver';

@Module({ providers: [ChangeLogService, ChangesResolver] })
export class AuditModule {}
