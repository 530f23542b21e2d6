import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { StixBundleError, danglingReferences } from '../src/stix/stix-bundle-check';
import { StixExportService } from '../src/stix/stix-export.service';
import { StixSchemas } from '../src/stix/stix-schemas';
import { StixImportResult, StixImportService } from '../src/stix/stix-import.service';
import { TestApp, errorCodes, startTestApp } from './support/test-app';
import { ensureBuilt } from './support/processes';

// ../shared/data beside the project (a clone, CI); a git worktree one level deeper finds it at /work/shared.
const DATA = [resolve(process.cwd(), '../shared/data'), '/work/shared/data'].find((dir) => existsSync(dir)) ?? resolve(process.cwd(), '../shared/data');
const ICS = join(DATA, 'attack-stix/ics-attack.json');
const APT1 = join(DATA, 'stix2-json-schemas/examples/threat-reports/apt1.json');
const POISON_IVY = join(DATA, 'stix2-json-schemas/examples/threat-reports/poisonivy.json');
const TABLES = ['threat_actor', 'actor_alias', 'campaign', 'incident', 'attribution', 'organization', 'person', 'attack_technique',
  'statement', 'source_article', 'dataset', 'dataset_record', 'citation', 'stix_object', 'incident_target'];

async function counts(dataSource: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = Number((await dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<StixBundleError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StixBundleError) return error;
    throw error;
  }
  throw new Error('the import was accepted');
}

/** `npm run import:stix` as a user runs it (scripts/launch.js on dist/, rebuilt if stale), in a child process. */
function runCommand(databaseUrl: string, file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['scripts/launch.js', 'dist/src/stix/import-stix.command.js', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}


// The commands run from dist/ as `npm run …` runs them: build it first if the sources changed.
beforeAll(() => ensureBuilt(), 600_000);

describe('STIX import: ATT&CK for ICS and the OASIS threat reports into the seeded graph', () => {
  let t: TestApp;
  let ics: StixImportResult;
  const file = JSON.parse(readFileSync(ICS, 'utf8')) as { objects: Record<string, any>[] };
  const live = (o: Record<string, any>) => !o.revoked && !o.x_mitre_deprecated;

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    ics = await new StixImportService(t.dataSource).import(readFileSync(ICS));
  });
  afterAll(async () => t?.close());

  it('takes the groups, campaigns, techniques and claims of the file, and reports everything else by type', async () => {
    const of = (type: string) => file.objects.filter((o) => o.type === type);
    const takenTypes = ['intrusion-set', 'campaign', 'attack-pattern', 'identity'];
    const custom = file.objects.filter((o) => o.type.startsWith('x-'));
    expect(custom).toHaveLength(250);
    const notTaken = Object.fromEntries(ics.notTakenByType.map((c) => [c.type, c.count]));
    expect(Object.entries(notTaken).filter(([type]) => type.startsWith('x-')).reduce((n, [, c]) => n + c, 0)).toBe(250);
    expect(notTaken['course-of-action']).toBe(of('course-of-action').length);
    expect(notTaken.malware).toBe(of('malware').length);
    const revoked = file.objects.filter((o) => takenTypes.includes(o.type) && !live(o));
    for (const o of revoked) expect(ics.notTaken).toContainEqual({ stixId: o.id, reason: expect.stringMatching(/revoked|deprecated/) });
    const attributedTo = of('relationship').filter((r) => r.relationship_type === 'attributed-to');
    expect(attributedTo).toHaveLength(5);
    expect(ics.created).toBe(takenTypes.reduce((n, type) => n + of(type).filter(live).length, 0) + attributedTo.length);

    const [{ groups }] = await t.dataSource.query(`SELECT count(*)::int AS groups FROM stix_object WHERE stix_type = 'intrusion-set'`);
    expect(groups).toBe(of('intrusion-set').filter(live).length);
    const sandworm = of('intrusion-set').find((o) => o.name === 'Sandworm Team')!;
    const aliases = await t.data(`{ threatActorByName(name: "Sandworm Team") { aliases { name } } }`);
    expect(aliases.threatActorByName.aliases.map((a: { name: string }) => a.name).sort()).toEqual([...new Set([sandworm.name, ...sandworm.aliases])].sort());
    const [{ id }] = await t.dataSource.query(`SELECT external_id AS id FROM actor_external_id e JOIN threat_actor a ON a.id = e.actor_id WHERE a.name = 'Sandworm Team'`);
    expect(id).toBe('G0034');
  });

  it("shows Sandworm Team's campaigns as attributions, each citing its STIX record", async () => {
    const data = await t.data(`{ threatActorByName(name: "Sandworm Team") {
      attributions { nodes { status campaign { name } attributedByOrganization { name } } } } }`);
    const names = (id: string) => file.objects.find((o) => o.id === id)?.name;
    const expected = file.objects.filter((r) => r.relationship_type === 'attributed-to' && names(r.target_ref) === 'Sandworm Team').map((r) => names(r.source_ref)).sort();
    expect(expected).toEqual(['2015 Ukraine Electric Power Attack', '2016 Ukraine Electric Power Attack', '2022 Ukraine Electric Power Attack']);
    expect(data.threatActorByName.attributions.nodes.map((a: any) => a.campaign.name).sort()).toEqual(expected);
    for (const a of data.threatActorByName.attributions.nodes) expect(a).toMatchObject({ status: 'ASSERTED', attributedByOrganization: { name: 'The MITRE Corporation' } });
    const cited = await t.dataSource.query(
      `SELECT r.record_key, d.name, d.version FROM citation c JOIN dataset_record r ON r.id = c.dataset_record_id JOIN dataset d ON d.id = r.dataset_id
        JOIN attribution a ON a.id = c.attribution_id JOIN threat_actor ta ON ta.id = a.actor_id WHERE ta.name = 'Sandworm Team'`);
    expect(cited).toHaveLength(3);
    for (const c of cited) expect(c).toMatchObject({ name: 'ICS ATT&CK', version: '18.1', record_key: expect.stringMatching(/^relationship--/) });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM source_article WHERE created_at > now() - interval '1 hour' AND body IS NULL`);
    expect(n).toBe(0); // no invented article
  });

  it('a second import changes nothing; a newer modified updates the row', async () => {
    const before = await counts(t.dataSource);
    const again = await new StixImportService(t.dataSource).import(readFileSync(ICS));
    expect(again.created + again.updated + again.merged).toBe(0);
    expect(await counts(t.dataSource)).toEqual(before);
    const sandworm = file.objects.find((o) => o.name === 'Sandworm Team')!;
    const newer = { ...sandworm, modified: '2030-01-01T00:00:00.000Z', description: 'A newer description.' };
    const older = { ...sandworm, modified: '2000-01-01T00:00:00.000Z', description: 'An older description.' };
    const bundle = (o: object) => JSON.stringify({ type: 'bundle', id: 'bundle--0b4ee3ea-eee3-4c8e-8323-85ae32658754', objects: [o] });
    expect((await new StixImportService(t.dataSource).import(bundle(older))).unchanged).toBe(1);
    expect((await new StixImportService(t.dataSource).import(bundle(newer))).updated).toBe(1);
    const [{ description }] = await t.dataSource.query(`SELECT description FROM threat_actor WHERE name = 'Sandworm Team'`);
    expect(description).toBe('A newer description.');
  });

  it('imports the OASIS apt1 and Poison Ivy reports: the APT1 hierarchy, its personas and the people behind them', async () => {
    const apt1 = await new StixImportService(t.dataSource).import(readFileSync(APT1));
    expect(Object.fromEntries(apt1.notTakenByType.map((c) => [c.type, c.count]))).toEqual({ indicator: 12, tool: 10, malware: 6 });
    const [tie] = await t.dataSource.query(`SELECT p.name FROM threat_actor a JOIN threat_actor p ON p.id = a.parent_id WHERE a.name = 'APT1'`);
    expect(tie.name).toBe('Unit 61398');
    const members = await t.dataSource.query(
      `SELECT a.name AS actor, p.name AS person FROM actor_member m JOIN threat_actor a ON a.id = m.actor_id JOIN person p ON p.id = m.person_id ORDER BY 1, 2`);
    expect(members).toEqual(expect.arrayContaining([{ actor: 'Ugly Gorilla', person: 'Wang Dong' }]));
    // The report is an article reference (the bundle has no text), published as the report says.
    const [report] = await t.dataSource.query(`SELECT published_from::text, body FROM source_article WHERE title LIKE 'APT1:%'`);
    expect(report).toEqual({ published_from: '2013-02-19', body: null });
    // Every object is either taken or reported with its reason.
    expect(apt1.created + apt1.merged + apt1.updated + apt1.unchanged + apt1.notTaken.length).toBe(apt1.objects);

    const ivy = await new StixImportService(t.dataSource).import(readFileSync(POISON_IVY));
    expect(Object.fromEntries(ivy.notTakenByType.map((c) => [c.type, c.count]))).toEqual({ indicator: 25, malware: 25, vulnerability: 6, 'course-of-action': 1 });
    expect(await t.dataSource.query(`SELECT name FROM campaign WHERE name ILIKE '%poison%' OR name ILIKE 'admin@338' ORDER BY 1`)).not.toHaveLength(0);
  });

  it("takes a group's targets (a country, a sector) as its suspected victims and sectors; its uses of techniques are reported", async () => {
    const stamp = { spec_version: '2.1', created: '2024-02-01T00:00:00.000Z', modified: '2024-02-01T00:00:00.000Z' };
    const id = (type: string, n: number) => `${type}--${String(n).padStart(8, '0')}-1111-4111-8111-111111111111`;
    const group = { ...stamp, type: 'intrusion-set', id: id('intrusion-set', 1), name: 'Targeting Test Panda' };
    const norway = { ...stamp, type: 'location', id: id('location', 2), country: 'NO' };
    const energy = { ...stamp, type: 'identity', id: id('identity', 3), name: 'Energy', identity_class: 'class' };
    const rel = (n: number, type: string, target: string) => ({ ...stamp, type: 'relationship', id: id('relationship', n), relationship_type: type, source_ref: group.id, target_ref: target });
    const technique = file.objects.find((o) => o.type === 'attack-pattern' && live(o))!;
    const result = await new StixImportService(t.dataSource).import(JSON.stringify({
      type: 'bundle', id: 'bundle--00000004-1111-4111-8111-111111111111',
      objects: [group, norway, energy, technique, rel(10, 'targets', norway.id), rel(11, 'targets', energy.id), rel(12, 'uses', technique.id)],
    }));
    const [actor] = await t.dataSource.query(`SELECT id FROM threat_actor WHERE name = 'Targeting Test Panda'`);
    expect(await t.dataSource.query(`SELECT name, country_code, source FROM actor_suspected_victim WHERE actor_id = $1`, [actor.id]))
      .toEqual([{ name: 'Norway', country_code: 'NO', source: 'STIX 2.1 bundle' }]);
    expect(await t.dataSource.query(`SELECT sector, source FROM actor_targeted_sector WHERE actor_id = $1`, [actor.id]))
      .toEqual([{ sector: 'Energy', source: 'STIX 2.1 bundle' }]);
    expect(result.notTaken).toContainEqual({ stixId: id('relationship', 12), reason: expect.stringMatching(/techniques on incidents only/) });
  });

  it('exports the imported graph as valid STIX, every reference inside the bundle', async () => {
    const exporter = new StixExportService(t.dataSource, null as never);
    const objects: Record<string, any>[] = [];
    for await (const o of exporter.objects({})) objects.push(o);
    const schemas = StixSchemas.load();
    expect(objects.flatMap((o) => schemas.validate(o).map((p) => `${o.id} ${p.path} ${p.message}`))).toEqual([]);
    expect(danglingReferences(objects as never, () => false)).toEqual([]);
    // Imported objects keep their own ids: Sandworm Team is ATT&CK's intrusion-set, and Wang Dong serves in Ugly Gorilla.
    const sandworm = file.objects.find((o) => o.name === 'Sandworm Team')!;
    expect(objects.find((o) => o.id === sandworm.id)).toMatchObject({ type: 'intrusion-set', name: 'Sandworm Team' });
    const gorilla = objects.find((o) => o.name === 'Ugly Gorilla')!;
    const wang = objects.find((o) => o.name === 'Wang Dong')!;
    expect(objects).toContainEqual(expect.objectContaining({ relationship_type: 'attributed-to', source_ref: gorilla.id, target_ref: wang.id }));
  });

  describe('invalid bundles are refused whole, every bad object named, nothing written', () => {
    const base = { type: 'bundle', id: 'bundle--5b4ee3ea-eee3-4c8e-8323-85ae32658754' };
    const group = {
      type: 'intrusion-set', spec_version: '2.1', id: 'intrusion-set--6b4ee3ea-eee3-4c8e-8323-85ae32658754',
      created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: 'Imaginary Panda',
    };
    const location = { type: 'location', spec_version: '2.1', id: 'location--7b4ee3ea-eee3-4c8e-8323-85ae32658754',
      created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', country: 'NO' };

    it.each([
      ['a bad timestamp', { ...group, created: '2024-13-45T00:00:00Z' }, /created is not a STIX timestamp/],
      ['a missing required property', { ...group, name: undefined }, /missing required property "name"/],
      ['a dangling reference', { ...group, created_by_ref: 'identity--8b4ee3ea-eee3-4c8e-8323-85ae32658754' }, /created_by_ref identity--8b4ee3ea.* is neither in the bundle/],
      ['a relationship STIX does not allow', {
        type: 'relationship', spec_version: '2.1', id: 'relationship--9b4ee3ea-eee3-4c8e-8323-85ae32658754', created: group.created, modified: group.modified,
        relationship_type: 'located-at', source_ref: location.id, target_ref: group.id,
      }, /does not allow "located-at" from location to intrusion-set/],
    ])('%s', async (_what, bad, reason) => {
      const before = await counts(t.dataSource);
      const objects = bad.id === group.id ? [bad, location] : [group, location, bad];
      const error = await rejection(new StixImportService(t.dataSource).import(JSON.stringify({ ...base, objects })));
      expect(error.problems).toContainEqual({ stixId: bad.id, reason: expect.stringMatching(reason) });
      expect(await counts(t.dataSource)).toEqual(before);
    });

    it('lists every bad object at once, and the mutation answers BAD_USER_INPUT with them', async () => {
      // rows_imported_total of the STIX importer for threat_actor rows, as /metrics serves it (0 before any).
      const actorsImported = async () => {
        const text = await (await fetch(`${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/metrics`)).text();
        return Number(/^rows_imported_total\{importer="stix",kind="threat_actor"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      const metricBefore = await actorsImported();
      const before = await counts(t.dataSource);
      const objects = [{ ...group, created: 'yesterday' }, { ...location, id: 'location--0c4ee3ea-eee3-4c8e-8323-85ae32658754', country: undefined }];
      const response = await t.gql(`mutation ($b: String!) { importStixBundle(bundle: $b) { created } }`, { b: JSON.stringify({ ...base, objects }) });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      const problems = response.errors![0].extensions!.problems as { stixId: string }[];
      expect(new Set(problems.map((p) => p.stixId))).toEqual(new Set(objects.map((o) => o.id)));
      expect(JSON.stringify(response.errors)).not.toMatch(/QueryFailedError|at .*\.ts/);
      expect(await counts(t.dataSource)).toEqual(before);
      const ok = await t.data(`mutation ($b: String!) { importStixBundle(bundle: $b) { created notTaken { stixId reason } summary } }`,
        { b: JSON.stringify({ ...base, objects: [group] }) });
      expect(ok.importStixBundle).toMatchObject({ created: 1, notTaken: [] });
      // The refused bundle counted nothing; the accepted one its one actor.
      expect(await actorsImported()).toBe(metricBefore + 1);
    });

    it('the command refuses a 50 MB file with one clear line, and imports a good one with a summary', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stix-'));
      try {
        const big = join(dir, 'big.json');
        writeFileSync(big, JSON.stringify({ ...base, objects: [{ ...group, description: 'x'.repeat(50 * 1024 * 1024) }] }));
        const before = await counts(t.dataSource);
        const refused = await runCommand(t.databaseUrl, big);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/^Import failed: .*big\.json is 50\.0 MB; imports take at most 20\.0 MB \(STIX_IMPORT_MAX_BYTES\)/m);
        expect(await counts(t.dataSource)).toEqual(before);
        const good = await runCommand(t.databaseUrl, POISON_IVY);
        expect(good.stderr).toBe('');
        expect(good.code).toBe(0);
        expect(good.stdout).toMatch(/155 objects: 0 created.*\nTypes not taken: indicator \(25\), malware \(25\), vulnerability \(6\), course-of-action \(1\)\./);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
