import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slot reserved for workstream F2:issue-11 summary tables for dashboard aggregates. */
export class DashboardSummaries1764800000000 implements MigrationInterface {
  name = 'DashboardSummaries1764800000000';

  async up(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }

  async down(_q: QueryRunner): Promise<void> {
    // filled in by its workstream
  }
}
