import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum ChangeAction {
  INSERT = 'INSERT',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}
registerEnumType(ChangeAction, { name: 'ChangeAction', description: 'What happened to the row.' });

/** JSON text of a row's columns, as the change log keeps them (jsonb). */
const asJson = { to: (v: unknown) => v, from: (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v)) };

@ObjectType({
  description: 'One row of the graph created, updated or deleted, written in the same transaction as the change. '
    + 'The log is append-only: nothing in the API can change or remove it.',
})
@Entity('change_log')
export class ChangeLogEntry {
  @Field(() => ID)
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @Field()
  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  @Field({ description: 'The account that made the change, or the program ("seed", "import:<name>", "account:create", …).' })
  @Column({ type: 'text' })
  recordedBy: string;

  @Field(() => ID, { nullable: true, description: 'The account, when the change came through the API.' })
  @Column({ type: 'uuid', nullable: true })
  accountId: string | null;

  @Field({ description: 'The GraphQL mutation (createIncident …) or the program that made the change.' })
  @Column({ type: 'text' })
  operation: string;

  @Field(() => String, { nullable: true, description: 'The X-Request-Id of the API request (also in the server log).' })
  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  @Field({ description: 'The table: incident, statement_incident (a link), …' })
  @Column({ type: 'text' })
  entityType: string;

  @Field({ description: 'The row\'s id; for a link, its two ids joined by "/" (statementId/incidentId).' })
  @Column({ type: 'text' })
  entityId: string;

  @Field(() => ChangeAction)
  @Column({ type: 'text' })
  action: ChangeAction;

  @Field(() => String, { nullable: true, description: 'JSON of the row\'s columns before the change (null for INSERT).' })
  @Column({ type: 'jsonb', nullable: true, transformer: asJson })
  before: string | null;

  @Field(() => String, { nullable: true, description: 'JSON of the row\'s columns after the change (null for DELETE).' })
  @Column({ type: 'jsonb', nullable: true, transformer: asJson })
  after: string | null;
}
