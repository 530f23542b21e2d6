/**
 * The EuRepoC 1.1 import on the real files (../shared/data/eurepoc), into the seeded graph with the
 * real MISP and ATT&CK catalogues, imported before it and (last test) after it; and that graph
 * exported as STIX (issue 10 asks for the EuRepoC-imported graph; one import serves both). Expectations are read from the CSV files here, with csv-parse and
 * plain code, not with the importer's own functions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { CatalogueFile, CatalogueImportResult, CatalogueImportService } from '../src/catalogue/catalogue-import.service';
import { parseGalaxyCluster } from '../src/catalogue/galaxy-schema';
import { dataSourceOptions } from '../src/database/data-source-options';
import { EurepocImportResult, EurepocImportService } from '../src/eurepoc/eurepoc-import.service';
import { readEurepocFolder } from '../src/eurepoc/eurepoc-files';
import { formatReportFile } from '../src/eurepoc/eurepoc-report';
import { seedId } from '../src/seed/seed';
import { danglingReferences } from '../src/stix/stix-bundle-check';
import { StixExportService } from '../src/stix/stix-export.service';
import { StixSchemas } from '../src/stix/stix-schemas';
import { eurepocDir, sharedDataDir } from './support/eurepoc-data';
import { TestApp, createScratchDatabase, startTestApp } from './support/test-app';

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(readFileSync(join(eurepocDir(), file)), { columns: true, bom: true });
const INCIDENTS = csv('EuRepoC_Global_Database_1.1.csv');
const ATTRIBUTIONS = csv('EuRepoC_Attribution_dataset_1.1.csv');
const RECEIVERS = csv('EuRepoC_Receiver_dataset_1.1.csv');
const NOT_A_VALUE = new Set(['', 'not available', 'unknown']);
const real = (cell: string | undefined) => !NOT_A_VALUE.has((cell ?? '').trim().toLowerCase());
const catalogue = (kinds: string[]): CatalogueFile[] => kinds.map((kind) => {
  const path = join(sharedDataDir(), 'misp-galaxy', `${kind}.json`);
  return { name: path, cluster: parseGalaxyCluster(readFileSync(path, 'utf8'), path) };
});
const TECHNIQUES = ['mitre-attack-pattern'];
const ACTORS = ['threat-actor', 'mitre-intrusion-set'];

/** Names compared as the graph compares them: case and punctuation ignored. */
const squash = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const count = async (ds: DataSource, sql: string, params: unknown[] = []) => Number((await ds.query(sql, params))[0].n);

/**
 * The graph as sets of facts, each named by stable keys only: actors by their sorted aliases (never by an id, nor by
 * which name came first), imported rows by their record ids, attributions and memberships by what they join (their
 * ids derive from the actor's, which the catalogue import draws at random).
 */
async function graph(ds: DataSource): Promise<Record<string, string[]>> {
  const q = async (sql: string) => (await ds.query(sql)).map((r: { f: string }) => r.f).sort();
  const actorKey = `(SELECT string_agg(normalized, ',' ORDER BY normalized) FROM actor_alias WHERE actor_id = %)`;
  const attribution = (a: string) => `concat_ws(' | ', ${a}.incident_id, ${actorKey.replace('%', `${a}.actor_id`)}, ${a}.attributed_from, ${a}.status,
    ${a}.coded_type, ${a}.coded_basis, array_to_string(${a}.bases, ','), ${a}.attributing_country_code, ${a}.attributed_by_organization_id, ${a}.attributed_by_person_id)`;
  return {
    actors: await q(`SELECT concat_ws(' | ', ${actorKey.replace('%', 'a.id')}, a.name, a.kind, ${actorKey.replace('%', 'a.parent_id')}, a.parent_tie,
      a.country_code, a.sponsor_country_code, (SELECT string_agg(external_id, ',' ORDER BY external_id) FROM actor_external_id e WHERE e.actor_id = a.id)) AS f
      FROM threat_actor a`),
    aliases: await q(`SELECT concat_ws(' | ', al.name, al.normalized, al.source) AS f FROM actor_alias al`),
    attributions: await q(`SELECT ${attribution('a')} AS f FROM attribution a`),
    organizations: await q(`SELECT concat_ws(' | ', o.name, o.kind, o.country_code) AS f FROM organization o`),
    people: await q(`SELECT concat_ws(' | ', p.name, p.role, p.country_code) AS f FROM person p`),
    members: await q(`SELECT concat_ws(' | ', ${actorKey.replace('%', 'm.actor_id')}, m.person_id) AS f FROM actor_member m`),
    incidents: await q(`SELECT concat_ws(' | ', i.id, i.title, array_to_string(i.types, ','), array_to_string(i.technique_ids, ',')) AS f FROM incident i`),
    citations: await q(`SELECT concat_ws(' | ', r.record_type, r.record_key, c.fields::text, coalesce(c.incident_id, c.response_id, c.incident_target_id)::text,
      CASE WHEN c.attribution_id IS NOT NULL THEN ${attribution('at')} END,
      CASE WHEN c.actor_member_id IS NOT NULL THEN concat_ws(' / ', ${actorKey.replace('%', 'm.actor_id')}, m.person_id) END,
      ${actorKey.replace('%', 'coalesce(c.threat_actor_id, c.actor_tie_actor_id, al.actor_id)')}, al.normalized) AS f
      FROM citation c JOIN dataset_record r ON r.id = c.dataset_record_id LEFT JOIN actor_alias al ON al.id = c.actor_alias_id
      LEFT JOIN attribution at ON at.id = c.attribution_id LEFT JOIN actor_member m ON m.id = c.actor_member_id`),
  };
}

describe('EuRepoC import: the real files, after the seed and the MISP/ATT&CK catalogues', () => {
  let t: TestApp;
  let catalogueFirst: CatalogueImportResult;
  let first: EurepocImportResult;
  let second: EurepocImportResult;
  let seedBefore: unknown[];
  const seedFacts = (ds: DataSource) => ds.query(
    `SELECT a.id, a.actor_id, a.attributed_by_organization_id, a.attributed_by_person_id, a.status, a.attributed_from, a.attributed_to, a.updated_at
       FROM attribution a WHERE a.id = ANY($1::uuid[]) ORDER BY a.id`,
    [['attribution:macron-spokesman', 'attribution:us-intelligence', 'attribution:soreide', 'attribution:russia-embassy-denial', 'attribution:pst'].map(seedId)],
  );

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    catalogueFirst = await new CatalogueImportService(t.dataSource).import(catalogue([...TECHNIQUES, ...ACTORS]));
    seedBefore = await seedFacts(t.dataSource);
    const files = await readEurepocFolder(eurepocDir());
    first = await new EurepocImportService(t.dataSource).import(files);
    second = await new EurepocImportService(t.dataSource).import(files);
  }, 300_000);
  afterAll(() => t.close());

  it('keeps one dataset record per CSV row, each fact citing its record', async () => {
    const ds = t.dataSource;
    const records = await ds.query(`SELECT record_type, count(*)::int AS n FROM dataset_record GROUP BY 1 ORDER BY 1`);
    expect(records).toEqual([
      { record_type: 'attribution', n: ATTRIBUTIONS.length },
      { record_type: 'incident', n: INCIDENTS.length },
      { record_type: 'receiver', n: RECEIVERS.length },
    ]);
    expect(await count(ds, `SELECT count(*) AS n FROM dataset WHERE name = 'EuRepoC Global Dataset' AND version = '1.1'`)).toBe(1);
    // Every incident of the file, the seed's three besides.
    expect(await count(ds, `SELECT count(*) AS n FROM incident`)).toBe(INCIDENTS.length + 3);
    // No imported fact without its record: only the seed's own facts (cited by its articles) cite none.
    const seeded = { incident: 3, attribution: 5, response: 1, incident_target: 4 };
    for (const [table, column] of [['incident', 'incident_id'], ['attribution', 'attribution_id'], ['response', 'response_id'], ['incident_target', 'incident_target_id']] as const) {
      const uncited = await count(ds, `SELECT count(*) AS n FROM ${table} f
        WHERE NOT EXISTS (SELECT 1 FROM citation c WHERE c.${column} = f.id AND c.dataset_record_id IS NOT NULL)`);
      expect({ table, uncited }).toEqual({ table, uncited: seeded[table] });
    }
    // The URLs the records list are article references: not retrieved, linked to their record.
    const urls = new Set(INCIDENTS.flatMap((r) => [...r.sources_url.matchAll(/'(https?:\/\/[^']*)'|"(https?:\/\/[^"]*)"/g)].map((m) => (m[1] ?? m[2]).trim())));
    expect(await count(ds, `SELECT count(DISTINCT a.url) AS n FROM dataset_record_article l JOIN source_article a ON a.id = l.source_article_id
      WHERE l.field = 'sources_url' AND a.body IS NULL`)).toBe(urls.size);
  });

  it('stores receivers as targets: countries as countries, regions as regions, repeated rows once', async () => {
    const ds = t.dataSource;
    const norm = (v: string) => (real(v) ? v.trim().toLowerCase() : '');
    const distinct = new Set(RECEIVERS.filter((r) => [r.receiver_country, r.receiver_category, r.receiver_name].some(real))
      .map((r) => [r.ID, norm(r.receiver_country), norm(r.receiver_category), norm(r.receiver_category_subcode), norm(r.receiver_name)].join('|')));
    expect(await count(ds, `SELECT count(*) AS n FROM citation WHERE incident_target_id IS NOT NULL`)).toBe(distinct.size);
    const globalIncidents = new Set(RECEIVERS.filter((r) => r.receiver_country === 'Global (region)').map((r) => r.ID));
    expect(await count(ds, `SELECT count(DISTINCT incident_id) AS n FROM incident_target WHERE region = 'Global'`)).toBe(globalIncidents.size);
    expect(await count(ds, `SELECT count(*) AS n FROM incident_target WHERE region IS NOT NULL AND country_code IS NOT NULL`)).toBe(0);
  });

  it('answers who attributed the Bundestag hack, when, on what basis, to which actor up the hierarchy', async () => {
    const expected = ATTRIBUTIONS.filter((r) => r.incident_ID === '712' && real(r.attributed_initiator));
    expect(expected.length).toBeGreaterThan(0);
    const { incidents } = await t.data(`{ incidents(filter: { search: "Bundestags Hack 2015" }) { nodes { title started { display } ended { display }
      attributions(first: 50) { nodes { attributed { from } codedBasis codedType status attributedByOrganization { name } attributedByPerson { name }
        actor { name aliases { name } ancestors { name } } citations { kind record { recordType recordKey fields(only: ["attributed_initiator"]) { value } } } } } } } }`);
    const [incident] = incidents.nodes;
    expect(incident.attributions.nodes.length).toBeLessThan(50); // the whole list in one page
    const row = INCIDENTS.find((r) => r.ID === '712')!;
    expect(incident.started.display).toBe(row.start_date);
    expect(incident.ended.display).toBe(row.end_date);
    for (const claim of expected) {
      const found = incident.attributions.nodes.find((a: any) => a.citations.some((c: any) => c.record?.fields[0]?.value === claim.attributed_initiator)
        && a.attributed.from === (real(claim.attribution_date) ? claim.attribution_date : null)
        && a.codedBasis === (real(claim.attribution_basis) ? claim.attribution_basis : null)
        && a.codedType === (real(claim.attribution_type) ? claim.attribution_type : null));
      expect({ claim, found: found !== undefined }).toEqual({ claim, found: true });
      const party = found.attributedByPerson?.name ?? found.attributedByOrganization?.name ?? null;
      if (real(claim.attributing_actor)) expect(claim.attributing_actor).toContain(party);
      // The string's first name is one of the actor's names; its parents are the actor's ancestors.
      const names = found.actor.aliases.map((a: { name: string }) => a.name);
      expect(names).toContain(claim.attributed_initiator.split('/')[0].trim());
      const parents = /\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(claim.attributed_initiator)?.[1].split(', ') ?? [];
      if (parents[0]) expect(found.actor.ancestors.map((a: { name: string }) => a.name)).toContain(parents[0]);
    }
  });

  it('answers which responses followed SolarWinds (incident 1254), as coded, with their record', async () => {
    const row = INCIDENTS.find((r) => r.ID === '1254')!;
    const coded = ['political', 'legal'].flatMap((kind) => {
      const list = (f: string) => row[`${kind}_response_${f}`].split('; ');
      return list('type').map((type, i) => ({ type, date: list('date')[i].slice(0, 10), actor: list('actor')[i] }));
    });
    const { incident } = await t.data(`query($id: ID!) { incident(id: $id) { responses(first: 50) { totalCount nodes {
      kind codedType responded { from } responderText responderPerson { name role } responderCountry { code } responderRegion
      citations { record { recordKey } fields } } } } }`, { id: seedId('eurepoc-1.1:incident:1254') });
    expect(incident.responses.totalCount).toBe(coded.length);
    const got = incident.responses.nodes.map((n: any) => ({ type: n.codedType, date: n.responded.from, actor: n.responderText }));
    expect(got.sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b))))
      .toEqual(coded.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    const biden = incident.responses.nodes.find((n: any) => n.responderText === 'Joe Biden (President, USA)');
    expect(biden).toMatchObject({ kind: 'STATEMENT', responderPerson: { name: 'Joe Biden', role: 'President' }, responderCountry: { code: 'US' } });
    const eu = incident.responses.nodes.find((n: any) => n.responderRegion === 'EU');
    expect(eu.responderCountry).toBeNull();
    expect(biden.citations[0]).toMatchObject({ record: { recordKey: '1254' } });
    const sanctions = incident.responses.nodes.filter((n: any) => n.kind === 'SANCTIONS');
    expect(sanctions.map((n: any) => n.codedType)).toEqual(['Peaceful means: Retorsion (International Law)']);
  });

  it('merges actors: every ATT&CK id in EuRepoC is one actor, and APT28\'s names from every source hang on the seed\'s APT28', async () => {
    const ds = t.dataSource;
    const ids = new Set(ATTRIBUTIONS.flatMap((r) => [...r.attributed_initiator.matchAll(/\bG\d{4}\b/g)].map((m) => m[0])));
    const owners = await ds.query(`SELECT external_id, count(DISTINCT actor_id)::int AS n FROM actor_external_id WHERE external_id = ANY($1) GROUP BY 1`, [[...ids]]);
    expect(owners.every((o: { n: number }) => o.n === 1)).toBe(true);
    // Every id EuRepoC names is held by an actor (a string in conflict would have been reported, and none of these is).
    expect(owners.map((o: { external_id: string }) => o.external_id).sort()).toEqual([...ids].sort());
    // The attributions whose record names G0007 all accuse the actor holding G0007.
    const accused = await ds.query(`SELECT DISTINCT a.actor_id::text FROM attribution a JOIN citation c ON c.attribution_id = a.id
      JOIN dataset_record r ON r.id = c.dataset_record_id WHERE r.fields->>'attributed_initiator' ~ 'G0007'`);
    const [{ actor_id: apt28 }] = await ds.query(`SELECT actor_id::text FROM actor_external_id WHERE external_id = 'G0007'`);
    expect(accused).toEqual([{ actor_id: apt28 }]);
    expect(apt28).toBe(seedId('actor:apt28'));
    const { threatActorByName } = await t.data(`{ threatActorByName(name: "STRONTIUM") { id name parentTie parent { name }
      aliases { name source citations { kind record { recordType } } } } }`);
    expect(threatActorByName).toMatchObject({ id: apt28, name: 'APT28', parentTie: 'HAS_TIES_TO', parent: { name: 'GRU' } });
    const names = threatActorByName.aliases.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['APT28', 'Fancy Bear', 'Sofacy', 'Pawn Storm', 'Sednit', 'STRONTIUM', 'IRON TWILIGHT', 'SNAKEMACKEREL']));
    const fromEurepoc = threatActorByName.aliases.find((a: any) => a.name === 'IRON TWILIGHT');
    expect(fromEurepoc.citations.some((c: any) => c.kind === 'DATASET_RECORD' && c.record.recordType === 'attribution')).toBe(true);
    // Cozy Bear is written with and without its ATT&CK id and parent: one actor.
    const cozy = await ds.query(`SELECT DISTINCT al.actor_id FROM actor_alias al WHERE al.normalized IN ('cozybear', 'apt29', 'nobelium', 'yttrium')`);
    expect(cozy).toHaveLength(1);
  });

  it('keeps the seed\'s facts unchanged, and reports the parent the record gives but the seed already has', async () => {
    expect(await seedFacts(t.dataSource)).toEqual(seedBefore);
    expect(first.conflicts).toEqual(expect.arrayContaining([expect.objectContaining({
      name: 'APT28', outcome: 'parent kept: APT28 stays under GRU; the record places it under 85th Main Special Service Center (GTsSS) Military Unit 26165',
    })]));
    // The unit itself is tied to GRU, and GRU to the Russian state, as the record states.
    const { threatActorByName } = await t.data(`{ threatActorByName(name: "85th Main Special Service Center (GTsSS) Military Unit 26165") {
      kind parentTie ancestors { name } parentTieCitations { kind } } }`);
    expect(threatActorByName).toMatchObject({ kind: 'MILITARY_UNIT', parentTie: 'UNIT_OF', ancestors: [{ name: 'GRU' }, { name: 'Russian Federation' }] });
    expect(threatActorByName.parentTieCitations.length).toBeGreaterThan(0);
  });

  it('reports dirty records with id and reason, and stores only what they support', async () => {
    const ends = INCIDENTS.filter((r) => r.start_date && r.end_date && r.end_date < r.start_date);
    const starts = INCIDENTS.filter((r) => !real(r.start_date));
    expect(ends).toHaveLength(83);
    expect(starts).toHaveLength(16);
    const reported = (kind: string, key: string, fragment: string) =>
      first.issues.some((i) => i.recordType === kind && i.recordKey === key && i.reason.includes(fragment));
    expect(ends.every((r) => reported('incident', r.ID, 'is before start_date'))).toBe(true);
    expect(starts.every((r) => reported('incident', r.ID, 'no start_date'))).toBe(true);
    for (const r of [...ends.slice(0, 3), ...starts.slice(0, 2)]) {
      const { incident } = await t.data(`query($id: ID!) { incident(id: $id) { started { from } ended { from } } }`, { id: seedId(`eurepoc-1.1:incident:${r.ID}`) });
      // An end before the start is dropped; without a start, the end the record gives is kept.
      expect(incident).toEqual({
        started: { from: real(r.start_date) ? r.start_date : null }, ended: { from: real(r.start_date) || !real(r.end_date) ? null : r.end_date },
      });
    }
    // Placeholder initiators: reported, and no attribution cites their record.
    const unknown = ATTRIBUTIONS.map((r, i) => ({ r, i })).filter(({ r }) => ['Unknown', 'Not available'].includes(r.attributed_initiator.trim()));
    expect(unknown.length).toBeGreaterThan(100);
    const skipped = first.issues.filter((i) => i.recordType === 'attribution' && /attributed_initiator is "(Unknown|Not available)"/.test(i.reason));
    expect(skipped).toHaveLength(unknown.length);
    expect(await count(t.dataSource, `SELECT count(*) AS n FROM citation c JOIN dataset_record r ON r.id = c.dataset_record_id
      WHERE c.attribution_id IS NOT NULL AND r.fields->>'attributed_initiator' IN ('Unknown', 'Not available')`)).toBe(0);
    // The report file lists them, one line each.
    const report = formatReportFile(first);
    expect(report).toContain(`incident\t${ends[0].ID}\tchanged\tend_date ${ends[0].end_date} is before start_date ${ends[0].start_date}: no end stored`);
  });

  it('writes nothing the second time', () => {
    expect(Object.values(second.created).every((n) => n === 0)).toBe(true);
    expect(second.updatedActors + second.updatedIncidents).toBe(0);
    expect(second.deleted).toEqual({});
    expect(second.issues).toEqual(first.issues);
  });

  it('exports as STIX: every object valid by the OASIS schemas, every reference inside the bundle, every claim and citation carried', async () => {
    const schemas = StixSchemas.load();
    const objects: Record<string, any>[] = [];
    for await (const o of new StixExportService(t.dataSource, null as never).objects({})) objects.push(o);
    expect(objects.flatMap((o) => schemas.validate(o).map((p) => `${o.id} ${p.path} ${p.message}`)).slice(0, 20)).toEqual([]);
    expect(danglingReferences(objects as never, () => false).slice(0, 20)).toEqual([]);
    const [counts] = await t.dataSource.query(`SELECT (SELECT count(*)::int FROM incident) AS incidents,
      (SELECT count(*)::int FROM attribution WHERE status NOT IN ('DENIED', 'DISPUTED')) AS claims,
      (SELECT count(*)::int FROM attribution WHERE status IN ('DENIED', 'DISPUTED')) AS contested`);
    expect(objects.filter((o) => o.type === 'incident')).toHaveLength(counts.incidents);
    const claims = objects.filter((o) => o.type === 'relationship' && Object.values(o.extensions ?? {}).some((e: any) => e.claim_status));
    expect(claims).toHaveLength(counts.claims);
    expect(objects.filter((o) => o.type === 'opinion')).toHaveLength(counts.contested);
    // Facts imported from EuRepoC cite their dataset records.
    expect(claims.some((c) => c.external_references?.some((r: any) => /EuRepoC/.test(r.source_name) && /^attribution:/.test(r.external_id)))).toBe(true);
    // Responses are notes marked response_kind, by the responder, on what they respond to.
    const [{ responses }] = await t.dataSource.query(`SELECT count(*)::int AS responses FROM response`);
    const notes = objects.filter((o) => o.type === 'note' && Object.values(o.extensions ?? {}).some((e: any) => e.response_kind));
    expect(notes).toHaveLength(responses);
    // Claims coded without a party: no created_by_ref (nobody invented), their coding in the extension.
    const unnamed = claims.filter((c) => !c.created_by_ref);
    for (const c of unnamed) expect(Object.values(c.extensions)[0]).toMatchObject({ coded_basis: expect.any(String) });
  }, 180_000);

  it('gives the same graph whichever import runs first: EuRepoC, then the catalogue (techniques and actors)', async () => {
    const database = await createScratchDatabase('seeded');
    const other = await new DataSource(dataSourceOptions(database.url)).initialize();
    try {
      const files = await readEurepocFolder(eurepocDir());
      const eurepocFirst = await new EurepocImportService(other).import(files);
      // Without the catalogue, EuRepoC makes its own actors for the groups, and matches none of its MITRE names.
      expect(eurepocFirst.issues.filter((i) => /is no ATT&CK technique name/.test(i.reason)).length)
        .toBeGreaterThan(first.issues.filter((i) => /is no ATT&CK technique name/.test(i.reason)).length);
      const catalogueAfter = await new CatalogueImportService(other).import(catalogue([...TECHNIQUES, ...ACTORS]));
      // The catalogue merged as into the seed alone, and EuRepoC was planned again on top of it, removing what it had
      // made for strings that now join the catalogue's actors.
      expect(catalogueAfter.actors).toEqual(catalogueFirst.actors);
      const replanned = catalogueAfter.eurepoc!;
      expect(replanned.deleted.threat_actor).toBeGreaterThan(0);
      // Reported as when the catalogue came first: every name that would join two actors, every record changed.
      expect(replanned.conflicts).toEqual(first.conflicts);
      expect(replanned.issues).toEqual(first.issues);
      // The names EuRepoC gives these groups (with the ATT&CK id in the string) are on the actor holding that id.
      const reported = new Set(replanned.conflicts.map((c) => squash(c.name)));
      for (const groupId of ['G0007', 'G0034', 'G0016', 'G0010']) {
        const names = new Set(ATTRIBUTIONS.filter((r) => new RegExp(`\\b${groupId}\\b`).test(r.attributed_initiator))
          .flatMap((r) => r.attributed_initiator.split('-->').pop()!.replace(/\s*\(.*$/, '').split('/').map((n) => n.trim()).filter((n) => n && !/G\d{4}/.test(n))));
        for (const ds of [t.dataSource, other]) {
          const held: { name: string }[] = await ds.query(`SELECT al.name FROM actor_alias al JOIN actor_external_id e ON e.actor_id = al.actor_id
            WHERE e.source = 'mitre-attack' AND e.external_id = $1`, [groupId]);
          // A name another actor holds is left with it, and reported.
          const missing = [...names].filter((n) => !held.some((h) => squash(h.name) === squash(n)) && !reported.has(squash(n)));
          expect({ groupId, missing }).toEqual({ groupId, missing: [] });
        }
      }
      // The same facts, compared by stable keys (names, ATT&CK ids, record ids, seeded ids), part by part.
      const [a, b] = [await graph(t.dataSource), await graph(other)];
      for (const part of Object.keys(a)) {
        const inB = new Set(b[part]);
        const inA = new Set(a[part]);
        expect({ part, onlyCatalogueFirst: a[part].filter((f) => !inB.has(f)).slice(0, 5), onlyEurepocFirst: b[part].filter((f) => !inA.has(f)).slice(0, 5) })
          .toEqual({ part, onlyCatalogueFirst: [], onlyEurepocFirst: [] });
        expect({ part, n: b[part].length }).toEqual({ part, n: a[part].length });
      }
      // And EuRepoC run again finds nothing to do there either.
      const again = await new EurepocImportService(other).import(files);
      expect(Object.values(again.created).every((n) => n === 0)).toBe(true);
      expect(again.deleted).toEqual({});
      expect(again.updatedActors + again.updatedIncidents).toBe(0);
      // Nor does the catalogue import run again, EuRepoC's re-plan included.
      const catalogueAgain = await new CatalogueImportService(other).import(catalogue(ACTORS));
      expect(catalogueAgain.actors).toMatchObject({ created: 0, merged: 0, updated: 0 });
      expect(Object.values(catalogueAgain.eurepoc!.created).every((n) => n === 0)).toBe(true);
      expect(catalogueAgain.eurepoc!.deleted).toEqual({});
    } finally {
      await other.destroy();
      await database.drop();
    }
  }, 300_000); // two whole imports into a second database: minutes on a busy 2-core machine
});
