import { CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { CallerAccount } from '../common/caller';
import { unauthenticated } from './account.service';
import { forbidden } from './auth.plugin';
import { Role, hasRole } from './role';

const REQUIRED_ROLE = 'requiredRole';

@Injectable()
export class RequiresRoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const role = this.reflector.get<Role>(REQUIRED_ROLE, context.getHandler());
    const gql = GqlExecutionContext.create(context);
    const account = gql.getContext<{ account?: CallerAccount | null }>().account;
    const field = gql.getInfo<{ fieldName: string }>().fieldName;
    if (!account) throw unauthenticated(`${field} needs an account with the ${role} role: send Authorization: Bearer <token>`);
    if (!hasRole(account.role, role)) throw forbidden(`${field} needs the ${role} role; this account is ${account.role}`);
    return true;
  }
}

/** A query field that only accounts with `role` (or above) may read. Mutations use mutation-roles.ts. */
export function RequiresRole(role: Role): MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_ROLE, role), UseGuards(RequiresRoleGuard));
}
