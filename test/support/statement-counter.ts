import { Logger as TypeOrmLogger } from 'typeorm';

/** A TypeORM logger that counts the SQL statements the API sends, so a test can read the cost of one request. */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
