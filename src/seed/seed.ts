import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ActorAlias } from '../actors/actor-alias.entity';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution } from '../attributions/attribution.entity';
import { confidenceFromWords } from '../attributions/estimative-language';
import { Campaign } from '../campaigns/campaign.entity';
import { recordAs } from '../common/caller';
import { toDateSpanColumns } from '../common/date-span';
import { normalizeName } from '../common/names';
import { IncidentTarget } from '../incidents/incident-target.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { AttributionSource } from '../sources/citation.entity';
import { excerptOccursIn } from '../sources/excerpt';
import { FactCitation } from '../sources/fact-citation.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { Response } from '../responses/response.entity';
import { Statement, StatementSource } from '../statements/statement.entity';
import { FOUNDING_ARTICLES, SeedData } from './founding-articles';

/** A stable UUID (version 5 layout) for a seed key, so that a second load finds the same rows. */
export function seedId(key: string): string {
  const hex = createHash('sha1').update(`attribution-tracker:${key}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function insertMissing<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: object[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await manager.createQueryBuilder().insert().into(entity).values(rows as never).orIgnore().execute();
  return result.identifiers.filter(Boolean).length;
}

async function linkMissing(manager: EntityManager, table: string, columns: [string, string], pairs: [string, string][]) {
  for (const [a, b] of pairs) {
    await manager.query(`INSERT INTO ${table} (${columns[0]}, ${columns[1]}) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [a, b]);
  }
}

/**
 * Loads the seed data in one transaction. Rows are keyed by stable ids and inserted
 * only when missing, so loading twice changes nothing (and never overwrites edits).
 */
export async function loadSeed(dataSource: DataSource, data: SeedData = FOUNDING_ARTICLES): Promise<void> {
  assertExcerptsQuoted(data);
  await dataSource.transaction(async (manager) => {
    await recordAs(manager, 'seed');
    const id = seedId;
    await insertMissing(manager, SourceArticle, data.articles.map((a) => ({
      id: id(a.key), title: a.title, section: a.section, body: a.body, language: a.language,
      url: null, publisher: null, published: { from: null, to: null, text: null }, authors: [], retrievedAt: null,
    })));
    await insertMissing(manager, Organization, data.organizations.map((o) => ({
      id: id(o.key), name: o.name, kind: o.kind, countryCode: o.country, sector: o.sector ?? null, description: o.description ?? null,
    })));
    await insertMissing(manager, Person, data.people.map((p) => ({
      id: id(p.key), name: p.name, role: p.role, organizationId: p.organization ? id(p.organization) : null, countryCode: p.country,
    })));
    // Parents before children, so the self-reference holds at every insert.
    for (const a of data.actors) {
      await insertMissing(manager, ThreatActor, [{
        id: id(a.key), name: a.name, kind: a.kind, countryCode: a.country ?? null, sponsorCountryCode: a.sponsorCountry ?? null,
        parentId: a.parent ? id(a.parent) : null, parentTie: a.parentTie?.tie ?? null, description: a.description ?? null,
      }]);
      if (a.parentTie) {
        await insertMissing(manager, FactCitation, [{
          id: id(`${a.key}/parent-tie/${a.parentTie.article}`), actorTieActorId: id(a.key),
          sourceArticleId: id(a.parentTie.article), excerpt: a.parentTie.excerpt, fields: [],
        }]);
      }
      await insertMissing(manager, ActorAlias, [{ name: a.name, source: null }, ...a.aliases].map((alias) => ({
        id: id(`${a.key}/alias/${normalizeName(alias.name)}`), actorId: id(a.key), name: alias.name,
        normalized: normalizeName(alias.name), source: alias.source,
      })));
    }
    await insertMissing(manager, Campaign, data.campaigns.map((c) => ({
      id: id(c.key), name: c.name, description: c.description, started: toDateSpanColumns(c.started, 'started'),
    })));
    for (const i of data.incidents) {
      await insertMissing(manager, Incident, [{
        id: id(i.key), title: i.title, summary: i.summary,
        started: toDateSpanColumns(i.started, 'started'), ended: toDateSpanColumns(null, 'ended'),
        disclosed: toDateSpanColumns(i.disclosed, 'disclosed'),
        types: i.types, techniqueIds: i.techniqueIds, campaignId: i.campaign ? id(i.campaign) : null,
      }]);
      await insertMissing(manager, IncidentTarget, i.targets.map((t) => ({
        id: id(`${i.key}/target/${t.organization ?? t.person ?? t.country}`), incidentId: id(i.key), role: t.role,
        organizationId: t.organization ? id(t.organization) : null, personId: t.person ? id(t.person) : null,
        countryCode: t.country ?? null, sector: null,
      })));
      await linkMissing(manager, 'incident_source', ['incident_id', 'source_article_id'], i.articles.map((a) => [id(i.key), id(a)]));
    }
    for (const s of data.statements) {
      await insertMissing(manager, Statement, [{
        id: id(s.key), speakerPersonId: s.speakerPerson ? id(s.speakerPerson) : null,
        speakerOrganizationId: s.speakerOrganization ? id(s.speakerOrganization) : null, speakerRole: s.speakerRole ?? null,
        said: toDateSpanColumns(s.said, 'said'), quote: s.quote ?? null, summary: s.summary ?? null, language: 'en', stance: s.stance,
      }]);
      await insertMissing(manager, StatementSource, [{ statementId: id(s.key), sourceArticleId: id(s.article), excerpt: s.excerpt }]);
      await linkMissing(manager, 'statement_incident', ['statement_id', 'incident_id'], s.incidents.map((i) => [id(s.key), id(i)]));
      await linkMissing(manager, 'statement_actor', ['statement_id', 'actor_id'], s.actors.map((a) => [id(s.key), id(a)]));
      await linkMissing(manager, 'statement_country', ['statement_id', 'country_code'], s.countries.map((c) => [id(s.key), c]));
    }
    for (const a of data.attributions) {
      await insertMissing(manager, Attribution, [{
        id: id(a.key), incidentId: id(a.incident), campaignId: null, actorId: id(a.actor),
        attributedByOrganizationId: a.byOrganization ? id(a.byOrganization) : null,
        attributedByPersonId: a.byPerson ? id(a.byPerson) : null,
        attributed: toDateSpanColumns(a.attributed, 'attributed'),
        confidence: confidenceFromWords(a.confidenceWords), confidenceWords: a.confidenceWords ?? null,
        bases: a.bases, status: a.status, notes: a.notes ?? null,
      }]);
      await linkMissing(manager, 'attribution_statement', ['attribution_id', 'statement_id'], a.statements.map((s) => [id(a.key), id(s)]));
      await insertMissing(manager, AttributionSource, a.sources.map((c) => ({
        attributionId: id(a.key), sourceArticleId: id(c.article), excerpt: c.excerpt,
      })));
    }
    for (const r of data.responses ?? []) {
      await insertMissing(manager, Response, [{
        id: id(r.key), incidentId: id(r.incident), responderOrganizationId: id(r.responderOrganization),
        responderCountryCode: r.responderCountry, responded: toDateSpanColumns(r.responded, 'responded'),
        kind: r.kind, description: r.description,
      }]);
      await insertMissing(manager, FactCitation, [{
        id: id(`${r.key}/source/${r.article}`), responseId: id(r.key), sourceArticleId: id(r.article), excerpt: r.excerpt, fields: [],
      }]);
    }
  });
}

/** Provenance holds for seed data too: every statement and attribution quotes its article, word for word. */
function assertExcerptsQuoted(data: SeedData): void {
  const bodies = new Map(data.articles.map((a) => [a.key, a.body]));
  const citations = [
    ...data.statements.map((s) => ({ fact: s.key, article: s.article, excerpt: s.excerpt })),
    ...data.attributions.flatMap((a) => {
      if (a.sources.length === 0) throw new Error(`seed: ${a.key} cites no source`);
      return a.sources.map((c) => ({ fact: a.key, ...c }));
    }),
    ...data.actors.flatMap((a) => (a.parentTie ? [{ fact: `${a.key} parent tie`, article: a.parentTie.article, excerpt: a.parentTie.excerpt }] : [])),
    ...(data.responses ?? []).map((r) => ({ fact: r.key, article: r.article, excerpt: r.excerpt })),
  ];
  for (const c of citations) {
    if (!excerptOccursIn(c.excerpt, bodies.get(c.article))) throw new Error(`seed: the excerpt of ${c.fact} is not in ${c.article}`);
  }
}

/** Seeds only a database that holds no knowledge yet (a new user's first start). */
export async function seedIfEmpty(dataSource: DataSource): Promise<boolean> {
  const [{ count }] = await dataSource.query(
    `SELECT (SELECT count(*) FROM source_article) + (SELECT count(*) FROM incident) + (SELECT count(*) FROM threat_actor) AS count`,
  );
  if (Number(count) > 0) return false;
  await loadSeed(dataSource);
  return true;
}
