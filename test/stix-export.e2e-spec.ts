import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { seedId } from '../src/seed/seed';
import { StixBundleError, danglingReferences } from '../src/stix/stix-bundle-check';
import { StixExportService } from '../src/stix/stix-export.service';
import { StixImportService } from '../src/stix/stix-import.service';
import { mintedId } from '../src/stix/stix-id';
import { StixSchemas } from '../src/stix/stix-schemas';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

type StixObject = Record<string, any> & { type: string; id: string };

async function exportAll(t: TestApp, args = ''): Promise<{ id: string; objects: StixObject[] }> {
  const url = `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/stix/bundle${args}`;
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/stix+json');
  return response.json() as Promise<{ id: string; objects: StixObject[] }>;
}

const byId = (objects: StixObject[]) => new Map(objects.map((o) => [o.id, o]));
const sorted = (objects: StixObject[]) => [...objects].sort((a, b) => a.id.localeCompare(b.id));

describe('STIX export of the seeded graph, and the round trip', () => {
  let t: TestApp;
  let empty: TestApp;
  let bundle: { id: string; objects: StixObject[] };
  const schemas = StixSchemas.load();

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    empty = await startTestApp();
    // What catalogues say actors target (the seed has none): a country, a named victim and a sector for APT28 (an
    // intrusion-set: targets relationships) and for the GRU (an identity: STIX allows it no targets, so its extension lists them).
    await t.dataSource.query(`INSERT INTO actor_suspected_victim (actor_id, name, country_code, source) VALUES
      ($1, 'Norway', 'NO', 'misp-galaxy threat-actor'), ($1, 'NATO', NULL, 'misp-galaxy threat-actor'), ($2, 'Ukraine', 'UA', NULL)`,
      [seedId('actor:apt28'), seedId('actor:gru')]);
    await t.dataSource.query(`INSERT INTO actor_targeted_sector (actor_id, sector, source) VALUES
      ($1, 'Government, Administration', 'misp-galaxy threat-actor'), ($2, 'Energy', NULL)`, [seedId('actor:apt28'), seedId('actor:gru')]);
    bundle = await exportAll(t);
  });
  afterAll(async () => {
    await t?.close();
    await empty?.close();
  });

  it('validates, object by object, against the OASIS schemas, and every reference leads into the bundle', () => {
    expect(bundle.objects.length).toBeGreaterThan(30);
    const problems = bundle.objects.flatMap((o) => schemas.validate(o).map((p) => `${o.id} ${p.path} ${p.message}`));
    expect(problems).toEqual([]);
    expect(danglingReferences(bundle.objects as never, () => false)).toEqual([]);
    const types = new Set(bundle.objects.map((o) => o.type));
    for (const type of ['identity', 'intrusion-set', 'incident', 'relationship', 'opinion', 'note', 'location', 'extension-definition']) {
      expect(types).toContain(type);
    }
  });

  it("carries PST's \"likely\" APT28 claim and the embassy's denial as an opinion on the claims it denies", () => {
    const objects = byId(bundle.objects);
    const pst = bundle.objects.find((o) => o.type === 'identity' && o.name === 'PST')!;
    const apt28 = bundle.objects.find((o) => o.type === 'intrusion-set' && o.name === 'APT28')!;
    const storting = bundle.objects.find((o) => o.type === 'incident' && /Storting/.test(o.name))!;
    const claim = bundle.objects.find((o) => o.relationship_type === 'attributed-to' && o.created_by_ref === pst.id)!;
    expect(claim).toMatchObject({ source_ref: storting.id, target_ref: apt28.id, start_time: '2020-10-01T00:00:00.000Z' });
    const ext = Object.values(claim.extensions)[0] as Record<string, any>;
    expect(ext).toMatchObject({ confidence_words: 'likely', claim_status: 'ASSERTED', attributed: { from: '2020-10-01', to: '2020-12-31', precision: 'RANGE', text: 'Tuesday' } });
    expect(claim.confidence).toEqual(expect.any(Number));
    expect(claim.external_references[0].description).toEqual(expect.any(String));

    const embassy = bundle.objects.find((o) => o.type === 'identity' && o.name === 'Embassy of Russia in Norway')!;
    const denial = bundle.objects.find((o) => o.type === 'opinion' && o.created_by_ref === embassy.id)!;
    expect(denial.opinion).toBe('strongly-disagree');
    expect(denial.authors).toEqual(['Embassy of Russia in Norway']);
    const denied = denial.object_refs.map((id: string) => objects.get(id));
    expect(denied.length).toBeGreaterThan(0);
    for (const r of denied) expect(r).toMatchObject({ relationship_type: 'attributed-to', source_ref: storting.id });
    // APT28 → GRU → Russian Federation: intrusion-set → identity → identity.
    const tie = bundle.objects.find((o) => o.relationship_type === 'attributed-to' && o.source_ref === apt28.id)!;
    expect(objects.get(tie.target_ref)).toMatchObject({ type: 'identity', name: 'GRU' });
  });

  it('carries what actors target by the catalogues: targets from the intrusion-set, a list on the identity', () => {
    const objects = byId(bundle.objects);
    const apt28 = bundle.objects.find((o) => o.type === 'intrusion-set' && o.name === 'APT28')!;
    const targets = bundle.objects.filter((o) => o.relationship_type === 'targets' && o.source_ref === apt28.id);
    const described = targets.map((r) => {
      const to = objects.get(r.target_ref)!;
      return `${to.type}:${to.country ?? to.name}:${to.identity_class ?? ''}:${(Object.values(r.extensions)[0] as any).catalogue_source}`;
    }).sort();
    expect(described).toEqual([
      'identity:Government, Administration:class:misp-galaxy threat-actor', 'identity:NATO:unknown:misp-galaxy threat-actor', 'location:NO::misp-galaxy threat-actor']);
    const gru = bundle.objects.find((o) => o.type === 'identity' && o.name === 'GRU')!;
    expect(Object.values(gru.extensions)[0]).toMatchObject({ suspected_victims: [{ name: 'Ukraine', country_code: 'UA' }], targeted_sectors: [{ sector: 'Energy' }] });
  });

  it("carries the French Defense Council's response as a note by the council on the Macron incident, citing its article", () => {
    const council = bundle.objects.find((o) => o.type === 'identity' && o.name === 'French Defense Council')!;
    const macron = bundle.objects.find((o) => o.type === 'incident' && /Macron/.test(o.name))!;
    const response = bundle.objects.find((o) => o.type === 'note' && o.created_by_ref === council.id)!;
    expect(response).toMatchObject({ object_refs: [macron.id], authors: ['French Defense Council'], content: expect.stringMatching(/special meeting/) });
    expect(Object.values(response.extensions)[0]).toMatchObject({
      response_kind: 'EXECUTIVE_OR_LEGISLATIVE', responder_country_code: 'FR', responder_organization_ref: council.id,
      responded: { from: '2017-01-01', to: '2017-12-31', precision: 'YEAR', text: 'planned next week' },
    });
    expect(response.external_references).toEqual([expect.objectContaining({ description: expect.stringMatching(/Defense Council is planned next week/) })]);
  });

  it('gives the same ids for the same graph (UUIDv5 of the internal ids)', async () => {
    const again = await exportAll(t);
    expect(again).toEqual(bundle);
    const storting = bundle.objects.find((o) => o.type === 'incident' && /Storting/.test(o.name))!;
    const one = await exportAll(t, `?incidentId=${seedId('incident:storting-2020')}`);
    expect(one.objects.map((o) => o.id)).toContain(storting.id);
    expect(one.objects.filter((o) => o.type === 'incident')).toHaveLength(1);
    expect(danglingReferences(one.objects as never, () => false)).toEqual([]);
  });

  it('exports one actor with its descendants, and through GraphQL', async () => {
    const gru = await exportAll(t, `?actorId=${seedId('actor:gru')}&includeDescendants=true`);
    expect(gru.objects.map((o) => o.name)).toEqual(expect.arrayContaining(['GRU', 'APT28', 'Russian Federation']));
    expect(danglingReferences(gru.objects as never, () => false)).toEqual([]);
    const data = await t.data(`query ($id: ID) { stixBundle(actorId: $id, includeDescendants: true) { id objectCount json } }`, { id: seedId('actor:gru') });
    const json = JSON.parse(data.stixBundle.json);
    expect(json.objects).toEqual(gru.objects);
    expect(data.stixBundle.objectCount).toBe(gru.objects.length);
    const missing = await t.gql(`{ stixBundle(incidentId: "${seedId('nothing')}") { id } }`);
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    const download = await exportAll(t, `?incidentFilter=${encodeURIComponent('{"actor":"Fancy Bear"}')}`);
    expect(download.objects.filter((o) => o.type === 'incident').map((o) => o.name)).toEqual([expect.stringMatching(/Storting/)]);
    const base = `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/stix/bundle`;
    const bad = await fetch(`${base}?incidentFilter=not-json`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.stringMatching(/incidentFilter must be JSON/) } });
    expect((await fetch(`${base}?actorId=${seedId('nobody')}`)).status).toBe(404);
    const filtered = await t.data(`{ stixBundle(incidentFilter: { actor: "Fancy Bear" }) { objectCount json } }`);
    expect(JSON.parse(filtered.stixBundle.json).objects.filter((o: StixObject) => o.type === 'incident').map((o: StixObject) => o.name))
      .toEqual([expect.stringMatching(/Storting/)]);
  });

  it('escapes text in PostgreSQL (to_json, as the notes are read) exactly as JSON.stringify does', async () => {
    // Every control character, quote, backslash, slash, DEL, line and paragraph separators, accents, CJK, an emoji (a surrogate
    // pair in JavaScript). NUL and lone surrogates cannot be in a PostgreSQL text, so no note can hold them.
    const texts = [Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join(''), 'said "so" \\ / \u007f',
      '\u2028\u2029 é ü 中文 😀', '</script>&amp;', ' ', ''];
    const rows = await t.dataSource.query(`SELECT to_json(x)::text AS json FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n`, [texts]);
    expect(rows.map((r: { json: string }) => r.json)).toEqual(texts.map((x) => JSON.stringify(x)));
  });

  it("writes a note's article references as JSON.stringify would (escapes, key order), two articles on one note", async () => {
    const [{ id: statement }] = await t.dataSource.query(`SELECT id::text AS id FROM statement ORDER BY id LIMIT 1`);
    const excerpt = 'line\nbreak, "quoted" \\ \u0001 \u2028 é 😀';
    const articles = await t.dataSource.query(
      `INSERT INTO source_article (title, url, publisher) VALUES ('Title "one"\ttab', 'https://example.org/?q="a"&b=\\', NULL), ('Two', NULL, 'P')
       RETURNING id::text AS id`);
    await t.dataSource.query(`INSERT INTO statement_source (statement_id, source_article_id, excerpt) VALUES ($1, $2, $3), ($1, $4, 'Second.')`,
      [statement, articles[0].id, excerpt, articles[1].id]);
    try {
      const objects: string[] = [];
      for await (const page of new StixExportService(t.dataSource, null as never).jsonPages({})) objects.push(...page);
      const note = objects.find((o) => o.includes(`"id":"${mintedId('note', 'statement', statement)}"`))!;
      const references = JSON.parse(note).external_references as Record<string, string>[];
      // Byte for byte what JSON.stringify writes of the parsed references (key order, no spaces, the same escapes).
      expect(note).toContain(`"external_references":${JSON.stringify(references)}`);
      expect(references).toEqual(expect.arrayContaining([
        // The quote and backslash, which no URI may hold, percent-encoded (stixUrl).
        { source_name: 'Title "one"\ttab', url: 'https://example.org/?q=%22a%22&b=%5C', description: excerpt, external_id: mintedId('report', 'source_article', articles[0].id) },
        { source_name: 'Two', description: 'Second.', external_id: mintedId('report', 'source_article', articles[1].id) },
      ]));
    } finally {
      await t.dataSource.query(`DELETE FROM statement_source WHERE source_article_id = ANY($1::uuid[])`, [articles.map((a: { id: string }) => a.id)]);
      await t.dataSource.query(`DELETE FROM source_article WHERE id = ANY($1::uuid[])`, [articles.map((a: { id: string }) => a.id)]);
    }
  });

  it('reads on a second connection of the same snapshot, and gives every connection back, also when stopped early', async () => {
    const pool = (t.dataSource.driver as unknown as { master: { connect(): Promise<unknown>; totalCount: number; idleCount: number } }).master;
    const busy = () => pool.totalCount - pool.idleCount;
    const before = busy();
    const exporter = new StixExportService(t.dataSource, null as never);
    const connect = jest.spyOn(pool, 'connect');
    const pages = exporter.jsonPages({});
    const objects: string[] = [...(await pages.next()).value!];
    // Committed after the export's snapshot was taken: the second connection (it reads the people, the second page) must not see it.
    const [{ id }] = await t.dataSource.query(`INSERT INTO person (name) VALUES ('Joined after the snapshot') RETURNING id::text AS id`);
    try {
      for await (const page of pages) objects.push(...page);
    } finally {
      await t.dataSource.query(`DELETE FROM person WHERE id = $1`, [id]);
    }
    // The export's own connection and the one beside it, and the INSERT's and the DELETE's.
    expect(connect).toHaveBeenCalledTimes(4);
    connect.mockRestore();
    expect(objects.join('\n')).not.toContain('Joined after the snapshot');
    expect(objects.map((o) => JSON.parse(o))).toEqual(bundle.objects);
    expect(busy()).toBe(before);
    // A reader that stops after two pages (a client gone): the pages in flight finish, both connections go back.
    const early = exporter.jsonPages({});
    await early.next();
    await early.next();
    await early.return(undefined);
    expect(busy()).toBe(before);
  });

  it('round trip: imported into an empty database and exported again, it is the same bundle up to ordering', async () => {
    const result = await new StixImportService(empty.dataSource).import(JSON.stringify(bundle));
    expect(result.created).toBeGreaterThan(20);
    const again = await exportAll(empty);
    expect(sorted(again.objects)).toEqual(sorted(bundle.objects));
    // A second import of the same bundle changes nothing.
    const second = await new StixImportService(empty.dataSource).import(JSON.stringify(bundle));
    expect(second.created + second.updated).toBe(0);
    expect(sorted((await exportAll(empty)).objects)).toEqual(sorted(bundle.objects));
  });
});
