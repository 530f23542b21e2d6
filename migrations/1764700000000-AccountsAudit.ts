import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slot reserved for workstream C1:issue-12 accounts, API tokens and the change log. */
export class AccountsAudit1764700000000 implements MigrationInterface {
  name = 'AccountsAudit1764700000000';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }

  async down(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }
}
