import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution } from '../attributions/attribution.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { AttackTechnique } from '../catalogue/attack-technique.entity';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { MAX_PAGE_SIZE } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { IncidentTarget } from '../incidents/incident-target.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Response } from '../responses/response.entity';
import { Dataset, DatasetRecord } from '../sources/dataset.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { StatementLinkEvent } from '../statements/statement-link.entity';
import { Statement } from '../statements/statement.entity';

/** What an id looks like for a table: its ids are UUIDs, ATT&CK ids, or numbers. */
type IdKind = 'uuid' | 'technique' | 'number';

/**
 * Every type implementing Node, with its table and the shape of its ids. A new entity
 * type with an id adds one line here (and `implements: () => [Node]` on its ObjectType).
 */
const NODE_TYPES: { entity: EntityTarget<ObjectLiteral>; table: string; ids: IdKind }[] = [
  { entity: Incident, table: 'incident', ids: 'uuid' },
  { entity: IncidentTarget, table: 'incident_target', ids: 'uuid' },
  { entity: ThreatActor, table: 'threat_actor', ids: 'uuid' },
  { entity: Attribution, table: 'attribution', ids: 'uuid' },
  { entity: Statement, table: 'statement', ids: 'uuid' },
  { entity: SourceArticle, table: 'source_article', ids: 'uuid' },
  { entity: Organization, table: 'organization', ids: 'uuid' },
  { entity: Person, table: 'person', ids: 'uuid' },
  { entity: Campaign, table: 'campaign', ids: 'uuid' },
  { entity: Response, table: 'response', ids: 'uuid' },
  { entity: Dataset, table: 'dataset', ids: 'uuid' },
  { entity: DatasetRecord, table: 'dataset_record', ids: 'uuid' },
  { entity: AttackTechnique, table: 'attack_technique', ids: 'technique' },
  { entity: StatementLinkEvent, table: 'statement_link_event', ids: 'number' },
];

function kindOf(id: string): IdKind | null {
  if (isUUID(id)) return 'uuid';
  if (/^T\d{4}(\.\d{3})?$/.test(id)) return 'technique';
  if (/^\d{1,18}$/.test(id)) return 'number';
  return null;
}

/**
 * Finds any node by its id alone. Ids are the database's own (no type prefix), so the
 * type is looked up: one query over the tables whose ids have that shape (a UNION ALL of
 * primary-key lookups) finds the table of every id asked, then the rows come through the
 * request's batched loaders, one query per type found.
 */
@Injectable()
export class NodeService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The nodes in the order of `ids`; a rejected promise (NOT_FOUND) for each id that names nothing. */
  async nodes(ids: string[], loaders: RequestLoaders): Promise<Promise<ObjectLiteral>[]> {
    if (ids.length > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`at most ${MAX_PAGE_SIZE} ids at once`, { argument: 'ids' });
    }
    const typeOf = await this.typesOf(ids);
    return ids.map(async (id) => {
      const type = typeOf.get(id);
      const node = type !== undefined ? await loaders.one(NODE_TYPES[type].entity).load(id) : null;
      if (!node) throw new NotFoundError('Node', id);
      return node;
    });
  }

  /** For each id that names a row, the index in NODE_TYPES of its type. */
  private async typesOf(ids: string[]): Promise<Map<string, number>> {
    const byKind = new Map<IdKind, string[]>();
    for (const id of new Set(ids)) {
      const kind = kindOf(id);
      if (kind) byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
    }
    const kinds = [...byKind.keys()];
    const lookups = NODE_TYPES.flatMap(({ table, ids: kind }, type) => {
      if (!byKind.has(kind)) return [];
      const cast = kind === 'uuid' ? 'uuid[]' : kind === 'number' ? 'bigint[]' : 'text[]';
      return [`SELECT ${type} AS type, id::text AS id FROM "${table}" WHERE id = ANY($${kinds.indexOf(kind) + 1}::${cast})`];
    });
    const params = kinds.map((kind) => byKind.get(kind));
    if (lookups.length === 0) return new Map();
    const rows: { type: number; id: string }[] = await this.dataSource.query(lookups.join(' UNION ALL '), params);
    return new Map(rows.map((r) => [r.id, Number(r.type)]));
  }
}
