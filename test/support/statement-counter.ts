import { Logger as TypeOrmLogger } from 'typeorm';

/** A TypeORM logger that counts the SQL statements the API sends, so a test can read the cost of one request. */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  /** The last statements sent, to show which ones a failing count is made of. */
  readonly recent: string[] = [];
  logQuery(query: string): void {
    this.count += 1;
    this.recent.push(query);
    if (this.recent.length > 200) this.recent.shift();
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
