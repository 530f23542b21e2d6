import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager, In } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { assignDefined, cleanText, findOrFail } from '../common/lookups';
import { normalizeName } from '../common/names';
import { ListOrder, Page, PageArgs, RelationList, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { optionalCountryCode, requireCountryCode } from '../countries/country.service';
import { Incident } from '../incidents/incident.entity';
import { ActorAlias } from './actor-alias.entity';
import { ActorLookup } from './actor-lookup.types';
import { ThreatActor } from './threat-actor.entity';
import { AliasInput, CreateThreatActorInput, ThreatActorFilter, UpdateThreatActorInput } from './threat-actor.inputs';

/**
 * SQL CTE `subtree(root_id, id)`: each root actor (the uuid[] expression `rootIds`)
 * paired with itself and with every actor below it in the hierarchy.
 */
export function subtreeCte(rootIds: string): string {
  return `
  WITH RECURSIVE subtree(root_id, id) AS (
    SELECT id, id FROM threat_actor WHERE id = ANY(${rootIds})
    UNION
    SELECT subtree.root_id, child.id FROM threat_actor child JOIN subtree ON child.parent_id = subtree.id
  )`;
}
const SUBTREE_SQL = subtreeCte('$1::uuid[]');

/**
 * STARTED_ORDER (earliest start first, undated last), on the claimed incident's start key as
 * actor_incident_start holds it: the same key as coalesce(incident.started_from, incident.started_to, 'infinity').
 */
const CLAIMED_ORDER: ListOrder = { expressions: ['claimed.started_key'], direction: SortDirection.ASC };

/**
 * The claimed incidents of the actors :claimedBy (their ids as `actor_id`), with their start keys:
 * each actor's own, or, with `withSubordinates`, its own and those of every actor below it, each
 * incident once per actor. Every incident_id is an incident's (a foreign key), so a count of these
 * rows needs no join with incident.
 */
function claimedIncidentsSql(withSubordinates: boolean): string {
  return withSubordinates
    ? `${subtreeCte('CAST(:claimedBy AS uuid[])')}
       SELECT DISTINCT subtree.root_id AS actor_id, claim.incident_id, claim.started_key
         FROM subtree JOIN actor_incident_start claim ON claim.actor_id = subtree.id`
    : `SELECT claim.actor_id, claim.incident_id, claim.started_key FROM actor_incident_start claim
        WHERE claim.actor_id = ANY(CAST(:claimedBy AS uuid[]))`;
}

/** Trigram similarity from which another actor's name is suggested (pg_trgm's own default). */
export const SUGGESTION_THRESHOLD = 0.3;

@Injectable()
export class ThreatActorService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<ThreatActor> {
    return findOrFail(this.dataSource.manager, ThreatActor, id, 'ThreatActor');
  }

  /** The actor that goes by `name` (any alias, ignoring case, accents, spaces, hyphens and other punctuation), or null. */
  async findByName(name: string, manager: EntityManager = this.dataSource.manager): Promise<ThreatActor | null> {
    const normalized = normalizeName(name);
    if (!normalized) return null;
    return manager
      .getRepository(ThreatActor)
      .createQueryBuilder('actor')
      .innerJoin(ActorAlias, 'alias', 'alias.actorId = actor.id')
      .where('alias.normalized = :normalized', { normalized })
      .getOne();
  }

  async getByName(name: string): Promise<ThreatActor> {
    const actor = await this.findByName(name);
    if (!actor) throw new NotFoundError('ThreatActor', name);
    return actor;
  }

  /**
   * The actor of this name, and separately the other actors whose names are close to it
   * (trigram similarity of the normalized names, index actor_alias_normalized_trgm_idx):
   * each suggested actor once, by its closest name, most similar first.
   */
  async lookup(name: string, first: number): Promise<ActorLookup> {
    const normalized = normalizeName(name);
    if (!normalized) throw new BadUserInputError(`${JSON.stringify(name)} has no letters or digits`, { field: 'name' });
    const exactAlias = await this.dataSource.getRepository(ActorAlias).findOneBy({ normalized });
    const exact = exactAlias ? await this.dataSource.getRepository(ThreatActor).findOneBy({ id: exactAlias.actorId }) : null;
    // `%` (similarity above pg_trgm.similarity_threshold, 0.3 by default) lets the index find candidates.
    const rows: { alias_id: string; actor_id: string; similarity: number }[] = await this.dataSource.query(
      `SELECT alias_id, actor_id, similarity FROM (
         SELECT DISTINCT ON (alias.actor_id) alias.id::text AS alias_id, alias.actor_id::text AS actor_id,
                similarity(alias.normalized, $1) AS similarity, lower(alias.name) AS sort_name
           FROM actor_alias alias
          WHERE alias.normalized % $1 AND similarity(alias.normalized, $1) >= $2
            AND alias.actor_id IS DISTINCT FROM $3::uuid
          ORDER BY alias.actor_id, similarity DESC, lower(alias.name)
       ) best ORDER BY similarity DESC, sort_name, actor_id LIMIT $4`,
      [normalized, SUGGESTION_THRESHOLD, exact?.id ?? null, first],
    );
    if (rows.length === 0) return { exact, exactAlias, suggestions: [] };
    const [aliases, actors] = await Promise.all([
      this.dataSource.getRepository(ActorAlias).findBy({ id: In(rows.map((r) => r.alias_id)) }),
      this.dataSource.getRepository(ThreatActor).findBy({ id: In(rows.map((r) => r.actor_id)) }),
    ]);
    const aliasById = new Map(aliases.map((a) => [a.id, a]));
    const actorById = new Map(actors.map((a) => [a.id, a]));
    return {
      exact,
      exactAlias,
      suggestions: rows.map((r) => ({ actor: actorById.get(r.actor_id)!, alias: aliasById.get(r.alias_id)!, similarity: r.similarity })),
    };
  }

  /** An actor given by id or by any of its names. */
  async resolve(idOrName: string, manager: EntityManager = this.dataSource.manager): Promise<ThreatActor> {
    if (isUUID(idOrName)) return findOrFail(manager, ThreatActor, idOrName, 'ThreatActor');
    const actor = await this.findByName(idOrName, manager);
    if (!actor) throw new NotFoundError('ThreatActor', idOrName);
    return actor;
  }

  list(filter: ThreatActorFilter | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<ThreatActor>> {
    const query = this.dataSource.getRepository(ThreatActor).createQueryBuilder('actor');
    if (filter?.search) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM actor_alias alias WHERE alias.actor_id = actor.id AND alias.normalized LIKE :search)`,
        { search: `%${normalizeName(filter.search)}%` },
      );
    }
    if (filter?.kind) query.andWhere('actor.kind = :kind', { kind: filter.kind });
    if (filter?.country) {
      const country = requireCountryCode(filter.country, 'filter.country');
      query.andWhere('(actor.countryCode = :country OR actor.sponsorCountryCode = :country)', { country });
    }
    if (filter?.parentId) query.andWhere('actor.parentId = :parentId', { parentId: filter.parentId });
    return paginate(query, { expressions: ['lower(actor.name)'], direction: SortDirection.ASC }, page, loaders);
  }

  create(input: CreateThreatActorInput): Promise<ThreatActor> {
    const name = cleanText(input.name);
    if (!name) throw new BadUserInputError('name must not be empty', { field: 'name' });
    return this.dataSource.transaction(async (manager) => {
      if (input.parentId) await findOrFail(manager, ThreatActor, input.parentId, 'ThreatActor');
      const actor = await manager.getRepository(ThreatActor).save({
        name,
        kind: input.kind,
        countryCode: optionalCountryCode(input.country, 'country') ?? null,
        sponsorCountryCode: optionalCountryCode(input.sponsorCountry, 'sponsorCountry') ?? null,
        parentId: input.parentId ?? null,
        description: cleanText(input.description) ?? null,
      });
      await this.addAliases(manager, actor, [{ name }, ...(input.aliases ?? [])]);
      return actor;
    });
  }

  update(input: UpdateThreatActorInput): Promise<ThreatActor> {
    if (input.name !== undefined && !cleanText(input.name)) throw new BadUserInputError('name must not be empty', { field: 'name' });
    return this.dataSource.transaction(async (manager) => {
      const actor = await findOrFail(manager, ThreatActor, input.id, 'ThreatActor');
      if (input.parentId) await this.assertNoCycle(manager, actor.id, input.parentId);
      const name = cleanText(input.name) ?? undefined;
      if (name && normalizeName(name) !== normalizeName(actor.name)) await this.addAliases(manager, actor, [{ name }]);
      // Same name, other spelling ("apt28" → "APT28"): the alias follows the new spelling.
      if (name) await manager.getRepository(ActorAlias).update({ actorId: actor.id, normalized: normalizeName(name) }, { name });
      assignDefined(actor, {
        name,
        kind: input.kind ?? undefined,
        countryCode: optionalCountryCode(input.country, 'country'),
        sponsorCountryCode: optionalCountryCode(input.sponsorCountry, 'sponsorCountry'),
        parentId: input.parentId,
        description: cleanText(input.description),
      });
      return manager.getRepository(ThreatActor).save(actor);
    });
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(ThreatActor).delete({ id });
    return id;
  }

  addAlias(actorId: string, alias: AliasInput): Promise<ThreatActor> {
    return this.dataSource.transaction(async (manager) => {
      const actor = await findOrFail(manager, ThreatActor, actorId, 'ThreatActor');
      await this.addAliases(manager, actor, [alias]);
      return actor;
    });
  }

  async removeAlias(actorId: string, name: string): Promise<ThreatActor> {
    const actor = await this.get(actorId);
    const normalized = normalizeName(name);
    if (normalized === normalizeName(actor.name)) {
      throw new BadUserInputError(`"${name}" is the primary name of ${actor.name}; rename the actor first`);
    }
    const result = await this.dataSource.getRepository(ActorAlias).delete({ actorId, normalized });
    if (!result.affected) throw new NotFoundError('ActorAlias', name);
    return actor;
  }

  /**
   * Adds names to an actor. A name the actor already has is skipped; a name another
   * actor has is a CONFLICT that names that actor, so the caller can decide.
   */
  private async addAliases(manager: EntityManager, actor: ThreatActor, aliases: AliasInput[]): Promise<void> {
    const wanted = new Map<string, AliasInput>();
    for (const alias of aliases) {
      const name = cleanText(alias.name);
      const normalized = name ? normalizeName(name) : '';
      if (!name || !normalized) throw new BadUserInputError(`alias ${JSON.stringify(alias.name)} has no letters or digits`);
      if (!wanted.has(normalized)) wanted.set(normalized, { name, source: cleanText(alias.source) ?? null });
    }
    const existing = await manager
      .getRepository(ActorAlias)
      .createQueryBuilder('alias')
      .where('alias.normalized IN (:...normalized)', { normalized: [...wanted.keys()] })
      .getMany();
    for (const found of existing) {
      if (found.actorId !== actor.id) {
        const owner = await manager.getRepository(ThreatActor).findOneBy({ id: found.actorId });
        throw new ConflictError(`Alias "${found.name}" already belongs to threat actor "${owner?.name}"`, {
          alias: found.name,
          actorId: found.actorId,
        });
      }
      wanted.delete(found.normalized);
    }
    if (wanted.size === 0) return;
    await manager.getRepository(ActorAlias).insert(
      [...wanted.entries()].map(([normalized, alias]) => ({
        actorId: actor.id,
        name: alias.name,
        normalized,
        source: alias.source ?? null,
      })),
    );
  }

  /** A new parent must exist and must not be the actor itself or one of its descendants. */
  private async assertNoCycle(manager: EntityManager, actorId: string, parentId: string): Promise<void> {
    await findOrFail(manager, ThreatActor, parentId, 'ThreatActor');
    const rows: unknown[] = await manager.query(`${SUBTREE_SQL} SELECT 1 FROM subtree WHERE id = $2`, [[actorId], parentId]);
    if (rows.length > 0) {
      throw new BadUserInputError('parentId would make a cycle: the new parent is this actor or one of its descendants', {
        field: 'parentId',
      });
    }
  }

  /** For each actor id, its ancestors from the direct parent up to the root (batched). */
  async ancestorsOf(ids: readonly string[]): Promise<ThreatActor[][]> {
    const rows: { start_id: string; id: string; depth: number }[] = await this.dataSource.query(
      `WITH RECURSIVE up(start_id, id, depth) AS (
         SELECT a.id, a.parent_id, 1 FROM threat_actor a WHERE a.id = ANY($1::uuid[]) AND a.parent_id IS NOT NULL
         UNION ALL
         SELECT up.start_id, p.parent_id, up.depth + 1 FROM up JOIN threat_actor p ON p.id = up.id
         WHERE p.parent_id IS NOT NULL AND up.depth < 100
       ) SELECT start_id::text, id::text, depth FROM up ORDER BY start_id, depth`,
      [[...ids]],
    );
    return this.attachActors(ids, rows.map((r) => ({ key: r.start_id, id: r.id })));
  }

  /** For each actor id, every actor below it (children, grandchildren …), batched. */
  async descendantsOf(ids: readonly string[]): Promise<ThreatActor[][]> {
    const rows: { root_id: string; id: string }[] = await this.dataSource.query(
      `${SUBTREE_SQL} SELECT root_id::text, id::text FROM subtree WHERE id <> root_id`,
      [[...ids]],
    );
    const lists = await this.attachActors(ids, rows.map((r) => ({ key: r.root_id, id: r.id })));
    return lists.map((list) => list.sort((a, b) => a.name.localeCompare(b.name)));
  }

  private async attachActors(keys: readonly string[], pairs: { key: string; id: string }[]): Promise<ThreatActor[][]> {
    const actors = pairs.length
      ? await this.dataSource.getRepository(ThreatActor).createQueryBuilder('actor')
          .where('actor.id IN (:...ids)', { ids: [...new Set(pairs.map((p) => p.id))] })
          .orderBy('lower(actor.name)')
          .getMany()
      : [];
    const byId = new Map(actors.map((a) => [a.id, a]));
    return keys.map((key) => pairs.filter((p) => p.key === key).map((p) => byId.get(p.id)!).filter(Boolean));
  }


}

/**
 * The incidents someone currently asserts an actor carried out (a denial or a retracted claim does
 * not count), or, with `withSubordinates`, that are asserted against it or any actor below it
 * (GRU → APT28); earliest start first, undated last. Read from actor_incident_start
 * (migrations/1765200000021-ActorIncidentStarts.ts), which holds each claimed incident's start key
 * beside the actor: a page sorts index entries and reads only its own incidents, and the count is an
 * index-only scan. The query starts from the actors asked for.
 */
function actorIncidents(withSubordinates: boolean): RelationList<Incident> {
  return {
    name: `incidents.actor:${withSubordinates}`,
    query: (dataSource, ids) => {
      // In the list's order: the planner then joins the incidents to the claims one by one, in that
      // order, and stops at the page's end, instead of joining every claim before sorting. The outer
      // ORDER BY decides the order; this one only shapes the plan.
      const claimed = `(${claimedIncidentsSql(withSubordinates)} ORDER BY claim.started_key, claim.incident_id)`;
      return dataSource.getRepository(Incident).createQueryBuilder('incident')
        .innerJoin(claimed, 'claimed', 'claimed.incident_id = incident.id')
        .setParameter('claimedBy', [...ids]);
    },
    parentKey: 'claimed.actor_id',
    order: CLAIMED_ORDER,
    usesParentIds: true,
    count: async (dataSource, parents) => {
      const [sql, values] = dataSource.driver.escapeQueryWithParameters(
        `SELECT CAST(claimed.actor_id AS text) AS parent, count(DISTINCT claimed.incident_id) AS count
           FROM (${claimedIncidentsSql(withSubordinates)}) claimed GROUP BY claimed.actor_id`,
        { claimedBy: parents },
      );
      const rows: { parent: string; count: string }[] = await dataSource.query(sql, values);
      return new Map(rows.map((r) => [r.parent, Number(r.count)]));
    },
  };
}

export const ACTOR_INCIDENTS = { own: actorIncidents(false), withSubordinates: actorIncidents(true) };
