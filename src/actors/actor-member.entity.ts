import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person serving in an actor: an officer of a military unit, as an indictment names them. */
@Entity('actor_member')
export class ActorMember {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  actorId: string;

  @Column({ type: 'uuid' })
  personId: string;
}
