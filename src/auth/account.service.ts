import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GraphQLError } from 'graphql';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CallerAccount, recordAs } from '../common/caller';
import { BadUserInputError, ConflictError, ErrorCode, NotFoundError } from '../common/errors';
import { Account } from './account.entity';
import { ROLES, Role, isRole } from './role';

const TOKEN_PREFIX = 'at_';
const MAX_NAME_LENGTH = 100;

/**
 * Tokens are 256 random bits, so a plain SHA-256 is enough to store them: a slow password hash
 * (bcrypt, argon2) protects guessable secrets, and nobody can guess or brute-force a 2^256 space,
 * while a fast hash lets every request look its token up by an index in one query.
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });
}

/** Accounts and their tokens: created, listed and revoked by the account:* commands. */
@Injectable()
export class AccountService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates an account and returns it with its token, which is not stored and cannot be shown again. */
  async create(rawName: string, rawRole: string): Promise<{ account: Account; token: string }> {
    const name = accountName(rawName);
    const role = rawRole.trim().toLowerCase();
    if (!isRole(role)) throw new BadUserInputError(`role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(rawRole)}`, { field: 'role' });
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      await recordAs(manager, 'account:create');
      const taken = await manager.getRepository(Account).createQueryBuilder('a').where('lower(a.name) = lower(:name)', { name }).getExists();
      if (taken) throw new ConflictError(`An account named ${JSON.stringify(name)} already exists`, { field: 'name' });
      const { identifiers } = await manager.getRepository(Account).insert({ name, role, tokenHash: hashToken(token) });
      const account = await manager.getRepository(Account).findOneByOrFail({ id: identifiers[0].id as string });
      return { account, token };
    });
  }

  list(): Promise<Account[]> {
    return this.dataSource.getRepository(Account).find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  /** Revokes the account's token at once: its next request is UNAUTHENTICATED. */
  async revoke(rawName: string): Promise<Account> {
    const name = accountName(rawName);
    return this.dataSource.transaction(async (manager) => {
      await recordAs(manager, 'account:revoke');
      const repository = manager.getRepository(Account);
      const account = await repository.createQueryBuilder('a').where('lower(a.name) = lower(:name)', { name }).setLock('pessimistic_write').getOne();
      if (!account) throw new NotFoundError('Account', name);
      if (account.revokedAt) throw new ConflictError(`The account ${JSON.stringify(account.name)} was already revoked on ${account.revokedAt.toISOString()}`);
      await repository.update({ id: account.id }, { revokedAt: () => 'now()' });
      return repository.findOneByOrFail({ id: account.id });
    });
  }

  /**
   * The account an Authorization header names: null without the header; UNAUTHENTICATED for
   * anything but `Bearer <a live token>`, so a wrong token is never mistaken for anonymous.
   */
  async authenticate(header: string | undefined): Promise<CallerAccount | null> {
    if (header === undefined || header === '') return null;
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const rows: CallerAccount[] = await this.dataSource.query(
      `SELECT id, name, role FROM account WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hashToken(match[1])],
    );
    if (rows.length === 0) throw unauthenticated('The token is not valid (unknown or revoked)');
    return rows[0];
  }
}

function accountName(raw: string): string {
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (!name || name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name) || !/[\p{L}\p{N}]/u.test(name)) {
    throw new BadUserInputError(`name must be 1 to ${MAX_NAME_LENGTH} characters with a letter or digit and no control characters`, { field: 'name' });
  }
  return name;
}
