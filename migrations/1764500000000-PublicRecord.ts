import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slot reserved for workstream A:issue-9 sources beyond article bodies, datasets and their records, responses, actor ties. */
export class PublicRecord1764500000000 implements MigrationInterface {
  name = 'PublicRecord1764500000000';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }

  async down(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }
}
