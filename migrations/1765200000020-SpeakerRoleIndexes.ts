import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the statement list's speakerRole filter (issue 11, README question 5), from its
 * plans at 1,000,000 statements:
 * - statement_speaker_role_idx (btree): the filter first reads the distinct roles that match
 *   (one index descent per distinct role, a few dozen), so that the statements are then found by
 *   equality, and counted by an index-only scan (12,000 entries for "foreign minister") instead of
 *   a bitmap heap scan visiting 13,000 pages of statements;
 * - statement_speaker_person_role_idx replaces statement_speaker_person_idx: the statements of the
 *   role's people whose own role does not match (the rest of the count) are then an index-only
 *   scan too. A lookup by the person alone (the foreign key's checks, a speaker's statements) uses
 *   it as before.
 * CREATE INDEX builds from the rows already there: nothing to carry over.
 */
export class SpeakerRoleIndexes1765200000020 implements MigrationInterface {
  name = 'SpeakerRoleIndexes1765200000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX statement_speaker_role_idx ON statement (speaker_role)`);
    await q.query(`CREATE INDEX statement_speaker_person_role_idx ON statement (speaker_person_id, speaker_role)`);
    await q.query(`DROP INDEX statement_speaker_person_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX statement_speaker_person_idx ON statement (speaker_person_id)`);
    await q.query(`DROP INDEX statement_speaker_person_role_idx`);
    await q.query(`DROP INDEX statement_speaker_role_idx`);
  }
}
