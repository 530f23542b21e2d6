import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slot reserved for workstream F1:issue-13/11 anything the paging mechanism needs. */
export class ListPaging1764900000000 implements MigrationInterface {
  name = 'ListPaging1764900000000';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }

  async down(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }
}
