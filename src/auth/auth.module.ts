import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AccountService } from './account.service';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { AuthPlugin } from './auth.plugin';
import { ChangeContextMiddleware, ChangeRecorderSubscriber } from './change-recorder';
import { RequiresRoleGuard } from './requires-role.guard';

/** Accounts, tokens and roles (SECURITY.md): the Apollo plugin gates every request. */
@Global()
@Module({})
export class AuthModule implements NestModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        AccountService,
        AuthPlugin,
        ChangeRecorderSubscriber,
        RequiresRoleGuard,
      ],
      exports: [AccountService, RequiresRoleGuard, AUTH_OPTIONS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ChangeContextMiddleware).forRoutes('graphql');
  }
}
