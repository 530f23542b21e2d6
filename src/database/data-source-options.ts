import { types } from 'pg';
import { DataSourceOptions, Logger } from 'typeorm';
import { AttributionGraph1764000000000 } from '../../migrations/1764000000000-AttributionGraph';
import { entities } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
types.setTypeParser(types.builtins.DATE, (value) => value);

export const migrations = [AttributionGraph1764000000000];

export function dataSourceOptions(url: string, logger?: Logger): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger,
    logging: logger ? 'all' : ['error'],
    applicationName: 'attribution-tracker',
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
  };
}
