import { Inject, Injectable } from '@nestjs/common';
import { AccountService, unauthenticated } from './account.service';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';

/**
 * The GraphQL API's rule for reads (src/auth/auth.plugin.ts), for the HTTP downloads (CSV, STIX):
 * a token that is sent must be valid; none is needed while PUBLIC_READ is on.
 */
@Injectable()
export class ReadAccess {
  constructor(
    private readonly accounts: AccountService,
    @Inject(AUTH_OPTIONS) private readonly auth: AuthOptions,
  ) {}

  async check(authorization: string | undefined): Promise<void> {
    const account = await this.accounts.authenticate(authorization);
    if (!account && !this.auth.publicRead) {
      throw unauthenticated('Reading needs an account on this server (PUBLIC_READ is off): send Authorization: Bearer <token>');
    }
  }
}
