import { DynamicModule, Global, Module } from '@nestjs/common';
import { AccountService } from './account.service';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { AuthPlugin } from './auth.plugin';
import { ReadAccess } from './read-access';
import { ChangeRecorderSubscriber } from './change-recorder';
import { RequiresRoleGuard } from './requires-role.guard';

/** Accounts, tokens and roles (SECURITY.md): the Apollo plugin gates every request. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        AccountService,
        AuthPlugin,
        ChangeRecorderSubscriber,
        RequiresRoleGuard,
        ReadAccess,
      ],
      exports: [AccountService, RequiresRoleGuard, AUTH_OPTIONS, ReadAccess],
    };
  }
}
