import { Args, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Role } from '../auth/role';
import { RequiresRole } from '../auth/requires-role.guard';
import { Connection, PageArgs } from '../common/pagination';
import { ChangeLogEntry } from './change.entity';
import { ChangeFilter, ChangeLogService } from './change-log.service';

@ObjectType()
export class ChangeLogEntryConnection extends Connection(ChangeLogEntry) {}

@Resolver(() => ChangeLogEntry)
export class ChangesResolver {
  constructor(private readonly changeLog: ChangeLogService) {}

  @Query(() => ChangeLogEntryConnection, {
    description: 'The change log, newest first: every row created, updated or deleted, with who, when, which mutation and request, '
      + 'and the values before and after. For editors and admins.',
  })
  @RequiresRole(Role.Editor)
  changes(
    @Args('filter', { type: () => ChangeFilter, nullable: true }) filter: ChangeFilter,
    @Args() page: PageArgs,
  ) {
    return this.changeLog.list(filter, page);
  }
}
