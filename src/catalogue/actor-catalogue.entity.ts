import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The catalogues an actor can come from, as written in every row's `source`. */
export enum Catalogue {
  MISP_THREAT_ACTOR = 'misp-threat-actor',
  MITRE_INTRUSION_SET = 'mitre-intrusion-set',
}

/** How each catalogue is named where a person reads it (alias.source, references, sectors …). */
export const CATALOGUE_LABEL: Record<Catalogue, string> = {
  [Catalogue.MISP_THREAT_ACTOR]: 'MISP threat-actor galaxy',
  [Catalogue.MITRE_INTRUSION_SET]: 'MITRE ATT&CK',
};

/** The scheme of ATT&CK group ids (G0007), whichever catalogue gave the id. */
export const MITRE_ATTACK_SCHEME = 'mitre-attack';

@ObjectType({ description: 'An identifier of the actor in an outside scheme, e.g. MITRE ATT&CK group G0007.' })
@Entity('actor_external_id')
export class ActorExternalId {
  @Field({ description: 'The scheme, e.g. "mitre-attack".' })
  @PrimaryColumn({ type: 'text' })
  source: string;

  @Field({ description: 'The id in that scheme, e.g. "G0007".' })
  @PrimaryColumn({ type: 'text' })
  externalId: string;

  @Column({ type: 'uuid' })
  actorId: string;
}

@Entity('actor_reference')
export class ActorReference {
  @PrimaryColumn({ type: 'uuid' })
  actorId: string;

  @PrimaryColumn({ type: 'text' })
  url: string;

  @Column({ type: 'text', nullable: true })
  source: string | null;
}

@Entity('actor_targeted_sector')
export class ActorTargetedSector {
  @PrimaryColumn({ type: 'uuid' })
  actorId: string;

  @PrimaryColumn({ type: 'text' })
  sector: string;

  @Column({ type: 'text', nullable: true })
  source: string | null;
}

@ObjectType('SuspectedVictim', { description: 'A suspected victim as a catalogue names it: a country, an organisation or a region.' })
@Entity('actor_suspected_victim')
export class ActorSuspectedVictim {
  @PrimaryColumn({ type: 'uuid' })
  actorId: string;

  @Field({ description: 'As the catalogue wrote it ("NATO", "Iran").' })
  @PrimaryColumn({ type: 'text' })
  name: string;

  /** Set only when the name is a country. */
  @Column({ type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @Field(() => String, { nullable: true, description: 'The catalogue that names this victim.' })
  @Column({ type: 'text', nullable: true })
  source: string | null;
}

@ObjectType('CatalogueEntry', { description: 'An entry of an outside catalogue (MISP, MITRE ATT&CK) imported into this actor.' })
@Entity('actor_catalogue_record')
export class ActorCatalogueRecord {
  @Field({ description: 'The catalogue: "misp-threat-actor" or "mitre-intrusion-set".' })
  @PrimaryColumn({ type: 'text' })
  source: string;

  @Field({ description: 'The stable id (uuid) of the entry in that catalogue.' })
  @PrimaryColumn({ type: 'uuid' })
  recordUuid: string;

  @Column({ type: 'uuid' })
  actorId: string;

  @Column({ type: 'text' })
  contentHash: string;

  /** What the entry said at the last import (src/catalogue/catalogue-records.ts ActorRecordContent). */
  @Column({ type: 'jsonb' })
  content: unknown;

  @Field(() => Int, {
    nullable: true,
    description: "The catalogue's own confidence (0–100) in its attribution of the actor, where it gives one (MISP).",
  })
  @Column({ type: 'smallint', nullable: true })
  attributionConfidence: number | null;

  @Field()
  @Column({ type: 'timestamptz' })
  importedAt: Date;

  @Field({ description: 'When the entry last changed the actor.' })
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
