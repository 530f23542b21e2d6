import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slot reserved for workstream B:issue-10 STIX ids of imported and exported objects. */
export class StixObjects1764600000000 implements MigrationInterface {
  name = 'StixObjects1764600000000';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }

  async down(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }
}
