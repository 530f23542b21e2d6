import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dataset record's place in its file (0 = the first row), beside its key. Where two rows of a file disagree (two
 * parents for one actor), the importer keeps the first and reports the other; to plan a dataset again from its stored
 * records (the catalogue import does so for EuRepoC), it must take them in the file's order, which keys alone do not
 * give. Null for records stored before, until their import runs again.
 */
export class DatasetRecordPosition1765000000001 implements MigrationInterface {
  name = 'DatasetRecordPosition1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dataset_record ADD COLUMN position integer CONSTRAINT dataset_record_position_check CHECK (position >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dataset_record DROP COLUMN position`);
  }
}
