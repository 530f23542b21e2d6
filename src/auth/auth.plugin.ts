import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject } from '@nestjs/common';
import { DocumentNode, FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode } from 'graphql';
import type { FastifyRequest } from 'fastify';
import { CallerAccount } from '../common/caller';
import { ErrorCode, isDatabaseUnavailable } from '../common/errors';
import { AccountService, unauthenticated } from './account.service';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { mutationRule } from './mutation-roles';
import { hasRole } from './role';

interface AuthContext {
  req: FastifyRequest;
  account?: CallerAccount | null;
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, http: { status: 403 } } });
}

/**
 * The one gate for every GraphQL request, before anything executes:
 * - a token that is sent must be valid (else UNAUTHENTICATED, even for reads);
 * - a mutation needs an account whose role is at least what src/auth/mutation-roles.ts says; a
 *   mutation missing from that table is refused for everyone; one refused mutation refuses the
 *   whole request, so nothing is written;
 * - a read needs an account unless PUBLIC_READ is on.
 * The role a mutation's arguments may raise, and the change log's context, are checked and set
 * as each mutation resolves (withChangeContext, src/auth/change-recorder.ts).
 */
@Plugin()
export class AuthPlugin implements ApolloServerPlugin<AuthContext> {
  constructor(
    private readonly accounts: AccountService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async requestDidStart(): Promise<GraphQLRequestListener<AuthContext>> {
    const { accounts, options } = this;
    return {
      async didResolveOperation({ contextValue, operation, document }) {
        const account = await accounts.authenticate(contextValue.req.headers.authorization).catch((error: unknown) => {
          // The token cannot be checked while the database is down: the request is unavailable, not a fault.
          if (!isDatabaseUnavailable(error)) throw error;
          throw new GraphQLError('The database is unavailable right now; try again shortly', {
            originalError: error instanceof Error ? error : undefined,
            extensions: { code: ErrorCode.ServiceUnavailable, http: { status: 503 } },
          });
        });
        contextValue.account = account;
        if (operation?.operation === 'mutation') {
          for (const name of rootFields(operation.selectionSet, document)) checkMutation(name, account);
        }
        if (!account && !options.publicRead) {
          throw unauthenticated('Reading needs an account on this server (PUBLIC_READ is off): send Authorization: Bearer <token>');
        }
      },
    };
  }
}

export function checkMutation(name: string, account: CallerAccount | null): void {
  if (name.startsWith('__')) return;
  const rule = mutationRule(name);
  if (!rule) throw forbidden(`${name} declares no required role (src/auth/mutation-roles.ts), so nobody may call it`);
  if (!account) throw unauthenticated(`${name} needs an account with the ${rule.role} role: send Authorization: Bearer <token>`);
  if (!hasRole(account.role, rule.role)) {
    throw forbidden(`${name} needs the ${rule.role} role; this account is ${account.role}`);
  }
}

/** The root field names of an operation, through fragments (a @skip is ignored: refusing more is safe). */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      names.push(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      names.push(...rootFields(selection.selectionSet, document, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment) names.push(...rootFields(fragment.selectionSet, document, seen));
    }
  }
  return names;
}

