import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { checkConnection } from '../database/check-connection';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { AccountService } from './account.service';
import { ROLES } from './role';

const USAGE = [
  'usage: npm run account:create -- --name NAME --role ROLE   (ROLE: ' + ROLES.join(', ') + '; prints the token once)',
  '       npm run account:list',
  '       npm run account:revoke -- --name NAME',
].join('\n');

class UsageError extends Error {}

/** The command line, checked before the database is touched. */
function parseCommand(argv: string[]): { command: 'create' | 'list' | 'revoke'; name?: string; role?: string } {
  const [command, ...rest] = argv;
  if (command !== 'create' && command !== 'list' && command !== 'revoke') throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`);
  let values: { name?: string; role?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (command === 'create' && (!values.name || !values.role)) throw new UsageError('account:create needs --name NAME and --role ROLE');
  if (command === 'create' && !(ROLES as readonly string[]).includes(values.role!.toLowerCase())) {
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(values.role)}`);
  }
  if (command === 'revoke' && !values.name) throw new UsageError('account:revoke needs --name NAME');
  if (command === 'list' && (values.name || values.role)) throw new UsageError('account:list takes no options');
  return { command, ...values };
}

/**
 * `npm run account:create|list|revoke`: manages accounts in DATABASE_URL or the embedded
 * database (stop `npm start` first then: one embedded server per data folder).
 */
async function main(): Promise<void> {
  const args = parseCommand(process.argv.slice(2));
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.embeddedPostgres);
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = new DataSource(dataSourceOptions(url));
  try {
    await checkConnection(url);
    await dataSource.initialize();
    const accounts = new AccountService(dataSource);
    if (args.command === 'create') {
      const { account, token } = await accounts.create(args.name!, args.role!);
      console.log(`Created account ${JSON.stringify(account.name)} (${account.role}). Its token, shown only this once:\n\n  ${token}\n`);
      console.log('Send it as the header  Authorization: Bearer <token>  (docs/authentication.md).');
    } else if (args.command === 'revoke') {
      const account = await accounts.revoke(args.name!);
      console.log(`Revoked account ${JSON.stringify(account.name)}: its token no longer works.`);
    } else {
      const list = await accounts.list();
      if (list.length === 0) console.log('No accounts yet: npm run account:create -- --name NAME --role ROLE');
      for (const a of list) {
        const state = a.revokedAt ? `revoked ${a.revokedAt.toISOString()}` : 'active';
        console.log(`${a.name.padEnd(30)} ${a.role.padEnd(12)} created ${a.createdAt.toISOString()}  ${state}`);
      }
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`account: ${error.message}\n${USAGE}`);
  } else if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(`account: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
