import { ActorAlias } from '../actors/actor-alias.entity';
import { ActorMember } from '../actors/actor-member.entity';
import { ThreatActor } from '../actors/threat-actor.entity';
import { ChangeLogEntry } from '../audit/change.entity';
import { Account } from '../auth/account.entity';
import { AttributionRevision } from '../attributions/attribution-revision.entity';
import { Attribution } from '../attributions/attribution.entity';
import { Campaign } from '../campaigns/campaign.entity';
import {
  ActorCatalogueRecord, ActorExternalId, ActorReference, ActorSuspectedVictim, ActorTargetedSector,
} from '../catalogue/actor-catalogue.entity';
import { AttackTechnique } from '../catalogue/attack-technique.entity';
import { Country } from '../countries/country.entity';
import { IncidentTarget } from '../incidents/incident-target.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Response } from '../responses/response.entity';
import { AttributionSource } from '../sources/citation.entity';
import { Dataset, DatasetRecord, DatasetRecordArticle } from '../sources/dataset.entity';
import { FactCitation } from '../sources/fact-citation.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { StatementLinkEvent } from '../statements/statement-link.entity';
import { Statement, StatementSource } from '../statements/statement.entity';
import { TimelineEntry } from '../timeline/timeline.types';

/** Every mapped table; the schema itself comes from migrations/. */
export const entities = [
  Country,
  Organization,
  Person,
  ThreatActor,
  ActorAlias,
  Campaign,
  Incident,
  IncidentTarget,
  SourceArticle,
  Statement,
  StatementSource,
  Attribution,
  AttributionSource,
  AttributionRevision,
  StatementLinkEvent,
  ActorExternalId,
  ActorReference,
  ActorTargetedSector,
  ActorSuspectedVictim,
  ActorCatalogueRecord,
  AttackTechnique,
  Dataset,
  DatasetRecord,
  DatasetRecordArticle,
  FactCitation,
  Response,
  ActorMember,
  Account,
  ChangeLogEntry,
  TimelineEntry,
];
