import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { CatalogueFile, CatalogueImportService } from '../src/catalogue/catalogue-import.service';
import { parseGalaxyCluster } from '../src/catalogue/galaxy-schema';
import { seedId } from '../src/seed/seed';
import { TestApp, errorCodes, startTestApp } from './support/test-app';
import { StatementCounter } from './support/statement-counter';
import { ensureBuilt } from './support/processes';

const REAL = (file: string) => resolve(process.cwd(), '../shared/data/misp-galaxy', file);
const FIXTURE = (file: string) => resolve(process.cwd(), 'test/fixtures', file);
const MISP_APT28 = '5b4ee3ea-eee3-4c8e-8323-85ae32658754';
const ATTACK_APT28 = 'bef4c620-0787-42a8-a96d-b7eb6e85917c';
const CATALOGUE_TABLES = [
  'threat_actor', 'actor_alias', 'actor_external_id', 'actor_reference', 'actor_targeted_sector',
  'actor_suspected_victim', 'actor_catalogue_record', 'attack_technique',
];

function load(path: string): CatalogueFile {
  return { name: path, cluster: parseGalaxyCluster(readFileSync(path, 'utf8'), path) };
}

/** Every row of the tables an import writes, updated_at included: equal snapshots mean nothing was written. */
async function snapshot(dataSource: DataSource): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of CATALOGUE_TABLES) {
    const rows: { row: string }[] = await dataSource.query(`SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`);
    tables[table] = rows.map((r) => r.row);
  }
  return tables;
}

/** `npm run import:actors` as a user runs it (scripts/launch.js on dist/, rebuilt if stale), in a child process. */
function runImportCommand(databaseUrl: string, files: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['scripts/launch.js', 'dist/src/catalogue/import-actors.command.js', ...files], {
    env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}


// The commands run from dist/ as `npm run …` runs them: build it first if the sources changed.
beforeAll(() => ensureBuilt(), 600_000);

describe('actor catalogue import: the real MISP and ATT&CK files into the seeded graph', () => {
  const statements = new StatementCounter();
  let t: TestApp;
  let firstRun: Awaited<ReturnType<CatalogueImportService['import']>>;
  let seconds: number;
  const files = () => [REAL('threat-actor.json'), REAL('mitre-intrusion-set.json'), REAL('mitre-attack-pattern.json')].map(load);

  beforeAll(async () => {
    t = await startTestApp({ seed: true, sqlLogger: statements });
    const started = Date.now();
    firstRun = await new CatalogueImportService(t.dataSource).import(files());
    seconds = (Date.now() - started) / 1000;
  });
  afterAll(() => t?.close());

  it('creates the new actors, merges the known ones, skips and reports what it cannot decide, in seconds', () => {
    expect(firstRun.actors).toMatchObject({ records: 1232, created: 1056, merged: 162, updated: 0, unchanged: 0 });
    const report = firstRun.actors!;
    expect(report.created + report.merged + report.skipped.length).toBe(1232);
    expect(report.skipped.filter((s) => s.reason === 'revoked by the catalogue')).toHaveLength(6);
    // MISP lists "Grizzly Steppe" for both APT28 and APT29: neither gets it.
    expect(report.conflicts).toContainEqual(expect.objectContaining({
      kind: 'ALIAS', name: 'Grizzly Steppe', actors: ['APT28', 'APT29'], outcome: expect.stringContaining('given to none of them'),
    }));
    // MISP counts Axiom as APT17; ATT&CK has both: ATT&CK's APT17 merges, its Axiom is reported, not forced in.
    expect(report.skipped).toContainEqual(expect.objectContaining({ record: expect.stringContaining('MITRE ATT&CK: Axiom') }));
    expect(report.unresolved).toEqual([]);
    expect(seconds).toBeLessThan(30); // measured ~0.5 s; the bound only catches a pathological slowdown
  });

  it('leaves exactly one APT28, the seeded one under GRU, with the names of both catalogues', async () => {
    const apt28 = seedId('actor:apt28');
    const named: { id: string }[] = await t.dataSource.query(
      `SELECT DISTINCT actor_id::text AS id FROM actor_alias WHERE normalized IN ('apt28', 'fancybear', 'sofacy', 'g0007', 'strontium')
       UNION SELECT id::text FROM threat_actor WHERE lower(name) = 'apt28'
       UNION SELECT actor_id::text FROM actor_catalogue_record WHERE record_uuid IN ($1, $2)
       UNION SELECT actor_id::text FROM actor_external_id WHERE external_id = 'G0007'`,
      [MISP_APT28, ATTACK_APT28],
    );
    expect(named).toEqual([{ id: apt28 }]);

    const { threatActorByName: actor } = await t.data(`{
      threatActorByName(name: "Forest Blizzard") {
        id name kind country { code } sponsorCountry { code } parent { name }
        aliases { name source } externalIds { source externalId }
        targetedSectors suspectedVictims { name country { code } source }
        catalogueEntries { source recordUuid attributionConfidence }
        references
      }
    }`);
    expect(actor).toMatchObject({ id: apt28, name: 'APT28', kind: 'APT_GROUP', country: { code: 'RU' }, sponsorCountry: { code: 'RU' }, parent: { name: 'GRU' } });
    const aliases = Object.fromEntries(actor.aliases.map((a: { name: string; source: string }) => [a.name, a.source]));
    expect(aliases).toMatchObject({
      'Fancy Bear': 'Article "Norway accuses Russian hackers of parliament attack"',
      Sofacy: 'MISP threat-actor galaxy', STRONTIUM: 'MISP threat-actor galaxy', 'Forest Blizzard': 'MISP threat-actor galaxy',
      G0007: 'MISP threat-actor galaxy', 'Threat Group-4127': 'MITRE ATT&CK',
    });
    expect(aliases).not.toHaveProperty('Grizzly Steppe');
    expect(actor.externalIds).toEqual([{ source: 'mitre-attack', externalId: 'G0007' }]);
    expect(actor.catalogueEntries).toEqual([
      { source: 'misp-threat-actor', recordUuid: MISP_APT28, attributionConfidence: 50 },
      { source: 'mitre-intrusion-set', recordUuid: ATTACK_APT28, attributionConfidence: null },
    ]);
    expect(actor.targetedSectors).toEqual(['Government', 'Government, Administration', 'Military', 'Security Service']);
    expect(actor.suspectedVictims).toContainEqual({ name: 'Georgia', country: { code: 'GE' }, source: 'MISP threat-actor galaxy' });
    expect(actor.suspectedVictims).toContainEqual({ name: 'NATO', country: null, source: 'MISP threat-actor galaxy' });
    expect(actor.references).toEqual(expect.arrayContaining(['https://attack.mitre.org/groups/G0007/', 'https://attack.mitre.org/groups/G0007']));

    const { byId } = await t.data(`{ byId: threatActorByName(name: "g0007") { name } }`);
    expect(byId).toEqual({ name: 'APT28' });
  });

  it('gives new actors their origin and sponsor as countries, and their description', async () => {
    const { threatActorByName: apt29 } = await t.data(`{
      threatActorByName(name: "Cozy Bear") { name kind country { code } sponsorCountry { code } parent { name } description externalIds { externalId } }
    }`);
    expect(apt29).toMatchObject({ name: 'APT29', kind: 'APT_GROUP', country: { code: 'RU' }, sponsorCountry: { code: 'RU' }, parent: null });
    expect(apt29.description).toMatch(/^\S/);
    expect(apt29.externalIds).toEqual([{ externalId: 'G0016' }]);
    const [iran] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM threat_actor WHERE sponsor_country_code = 'IR'`,
    );
    expect(iran.n).toBeGreaterThanOrEqual(10); // MISP writes "Iran (Islamic Republic of)"
  });

  it('resolves the catalogue fields of many actors in as many statements as of a few (batched, no N+1)', async () => {
    const query = (first: number) => `{
      threatActors(first: ${first}) {
        nodes { name externalIds { externalId } references targetedSectors suspectedVictims { name country { name } } catalogueEntries { source } }
      }
      incidents(first: ${first}) { nodes { techniques { id parent { id } subTechniques { id } } } }
    }`;
    const count = async (first: number) => {
      const before = statements.count;
      const data = await t.data(query(first));
      expect(data.threatActors.nodes).toHaveLength(first);
      return statements.count - before;
    };
    const hundred = await count(100);
    expect(hundred).toBeLessThan(20); // one statement per relation level, whatever the rows
    expect(await count(200)).toBe(hundred);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot(t.dataSource);
    const again = await new CatalogueImportService(t.dataSource).import(files());
    expect(again.actors).toMatchObject({ created: 0, merged: 0, updated: 0, unchanged: 1218 });
    expect(again.actors!.conflicts).toEqual(firstRun.actors!.conflicts);
    expect(again.techniques).toMatchObject({ created: 0, updated: 0, unchanged: 1222 });
    expect(await snapshot(t.dataSource)).toEqual(before);
  });

  it('keeps the ATT&CK techniques as a reference table that incidents resolve', async () => {
    expect(firstRun.techniques).toMatchObject({ entries: 1266, created: 1222, updated: 0 });
    expect(firstRun.techniques!.skipped).toHaveLength(44);
    const data = await t.data(`{
      attackTechnique(id: "T1110") { id name tactics url parent { id } subTechniques { id } }
      sub: attackTechnique(id: "t1110.001") { name parent { id name } }
      search: attackTechniques(search: "T1110", first: 2) { totalCount nodes { id } pageInfo { hasNextPage endCursor } }
      byName: attackTechniques(search: "brute force") { nodes { id name } }
      incident(id: "${seedId('incident:storting-2020')}") { techniqueIds techniques { id name } }
    }`);
    expect(data.attackTechnique).toEqual({
      id: 'T1110', name: 'Brute Force', tactics: ['credential-access'], url: 'https://attack.mitre.org/techniques/T1110',
      parent: null, subTechniques: [{ id: 'T1110.001' }, { id: 'T1110.002' }, { id: 'T1110.003' }, { id: 'T1110.004' }],
    });
    expect(data.sub).toEqual({ name: 'Password Guessing', parent: { id: 'T1110', name: 'Brute Force' } });
    expect(data.search).toMatchObject({ totalCount: 5, nodes: [{ id: 'T1110' }, { id: 'T1110.001' }], pageInfo: { hasNextPage: true } });
    const next = await t.data(`{ attackTechniques(search: "T1110", after: "${data.search.pageInfo.endCursor}") { nodes { id } } }`);
    expect(next.attackTechniques.nodes.map((n: { id: string }) => n.id)).toEqual(['T1110.002', 'T1110.003', 'T1110.004']);
    expect(data.byName.nodes).toContainEqual({ id: 'T1110', name: 'Brute Force' });
    expect(data.incident).toEqual({ techniqueIds: ['T1110'], techniques: [{ id: 'T1110', name: 'Brute Force' }] });

    // An id the reference table does not know stays in techniqueIds and is simply absent from techniques.
    const { createIncident } = await t.data(`mutation { createIncident(input: { title: "Catalogue test", techniqueIds: ["T1999", "T1110.003"] }) { techniqueIds techniques { id } } }`);
    expect(createIncident).toEqual({ techniqueIds: ['T1999', 'T1110.003'], techniques: [{ id: 'T1110.003' }] });
    expect(errorCodes(await t.gql(`{ attackTechnique(id: "T1999") { id } }`))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await t.gql(`{ attackTechnique(id: "Brute Force") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('actor catalogue import: conflicts, changed files and bad files (fixtures, through the command)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'catalogue-import-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('imports, merges into the seeded APT28, and reports the conflicts it does not guess', async () => {
    const run = await runImportCommand(t.databaseUrl, [FIXTURE('mitre-intrusion-set-small.json'), FIXTURE('misp-threat-actor-small.json')]);
    expect(run.stderr).toBe(''); // no progress bar off a terminal
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Actors: 5 catalogue entries: 2 created, 2 merged into known actors, 0 updated, 0 unchanged, 1 skipped; 2 conflicts.');
    expect(run.stdout).toContain(
      '  - ALIAS "Shared Fixture Name" in MISP threat-actor galaxy: Fixture Alpha (f0000000-0000-4000-8000-000000000002); ' +
        'actors: Fixture Alpha, Fixture Beta; listed by 2 entries of MISP threat-actor galaxy: given to none of them',
    );
    expect(run.stdout).toMatch(/ {2}- RECORD "Alpha Bear, Beta Kitten" in MITRE ATT&CK: Fixture Gamma \(f0000000-0000-4000-8000-000000000011\); actors: Fixture Alpha, Fixture Beta; entry skipped/);
    expect(run.stdout).toMatch(/Done in \d+\.\d\d s, in one transaction\./);

    const data = await t.data(`{
      sofacy: threatActorByName(name: "sofacy") { id name aliases { name source } externalIds { externalId } description }
      alpha: threatActorByName(name: "Alpha Bear") { name country { code } sponsorCountry { code } suspectedVictims { name country { code } } }
      beta: threatActorByName(name: "Beta Kitten") { name sponsorCountry { code } }
      all: threatActors(first: 200) { totalCount nodes { name } }
    }`);
    expect(data.sofacy).toMatchObject({ id: seedId('actor:apt28'), name: 'APT28', externalIds: [{ externalId: 'G0007' }] });
    expect(data.sofacy.description).toMatch(/^A cyber actor with ties to GRU \(PST\)/); // the seeded words are kept
    expect(data.sofacy.aliases.map((a: { name: string }) => a.name).sort()).toEqual(
      ['APT28', 'Fancy Bear', 'Fixture Sednit', 'Fixture Threat Group', 'Sofacy'],
    );
    expect(data.alpha).toEqual({
      name: 'Fixture Alpha', country: { code: 'CN' }, sponsorCountry: { code: 'CN' },
      suspectedVictims: [{ name: 'NATO', country: null }, { name: 'Norway', country: { code: 'NO' } }],
    });
    expect(data.beta).toEqual({ name: 'Fixture Beta', sponsorCountry: { code: 'IR' } });
    // Four seeded actors and the two new ones: Gamma, whose names point at both, was not created.
    expect(data.all.totalCount).toBe(6);
    expect(errorCodes(await t.gql(`{ threatActorByName(name: "Shared Fixture Name") { name } }`))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await t.gql(`{ threatActorByName(name: "Fixture Gamma") { name } }`))).toEqual(['NOT_FOUND']);
  });

  it('a changed entry updates what changed, and only that', async () => {
    const cluster = JSON.parse(readFileSync(FIXTURE('misp-threat-actor-small.json'), 'utf8'));
    const alpha = cluster.values[1];
    alpha.description = 'Alpha, as revised.';
    alpha.meta.synonyms = ['Alpha Panda', 'Shared Fixture Name'];
    alpha.meta['cfr-suspected-victims'] = ['Norway', 'Sweden'];
    alpha.meta.refs = ['https://example.org/fixture/alpha-2'];
    const changed = join(dir, 'threat-actor-changed.json');
    writeFileSync(changed, JSON.stringify(cluster));

    const alphaId = (await t.data(`{ threatActorByName(name: "Fixture Alpha") { id } }`)).threatActorByName.id;
    const others = async () => {
      const all = await snapshot(t.dataSource);
      return Object.fromEntries(Object.entries(all).map(([table, rows]) => [table, rows.filter((r) => !r.includes(alphaId))]));
    };
    const before = await others();
    const result = await new CatalogueImportService(t.dataSource).import([load(changed)]);
    expect(result.actors).toMatchObject({ created: 0, merged: 0, updated: 1, unchanged: 2 });
    expect(await others()).toEqual(before);

    const { threatActorByName: actor } = await t.data(`{
      threatActorByName(name: "Alpha Panda") { name description aliases { name } references suspectedVictims { name } targetedSectors country { code } }
    }`);
    expect(actor).toEqual({
      name: 'Fixture Alpha', description: 'Alpha, as revised.',
      aliases: [{ name: 'Alpha Panda' }, { name: 'Fixture Alpha' }],
      references: ['https://example.org/fixture/alpha-2'],
      suspectedVictims: [{ name: 'Norway' }, { name: 'Sweden' }],
      targetedSectors: ['Government'], country: { code: 'CN' },
    });
    const [record] = await t.dataSource.query(
      `SELECT content->>'description' AS description FROM actor_catalogue_record WHERE record_uuid = 'f0000000-0000-4000-8000-000000000002'`,
    );
    expect(record.description).toBe('Alpha, as revised.');
  });

  it('a bad file stops the import with one clear line and writes nothing, not even the good files given with it', async () => {
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{ "type": "threat-actor", "values": [');
    const wrongShape = join(dir, 'wrong-shape.json');
    const cluster = JSON.parse(readFileSync(FIXTURE('misp-threat-actor-small.json'), 'utf8'));
    cluster.values[0].value = 'A new name that would be written';
    cluster.values[2].uuid = 'not-a-uuid';
    writeFileSync(wrongShape, JSON.stringify(cluster));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ...cluster, values: [{ ...cluster.values[0], uuid: 'f0000000-0000-4000-8000-000000000099' }] }));

    const before = await snapshot(t.dataSource);
    const cases: [string[], RegExp][] = [
      [[good, notJson], /^Import failed: .*not-json\.json: not JSON \(/],
      [[good, wrongShape], /^Import failed: .*wrong-shape\.json: not a valid "threat-actor" cluster: values\[2\]\.uuid: not a UUID$/],
      [[good, join(dir, 'missing.json')], /^Import failed: .*missing\.json: cannot read \(ENOENT\)$/],
    ];
    for (const [files, message] of cases) {
      const run = await runImportCommand(t.databaseUrl, files);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    expect(await snapshot(t.dataSource)).toEqual(before);
  }, 60_000);
});
