import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EurepocImportService } from '../src/eurepoc/eurepoc-import.service';
import { readEurepocFolder } from '../src/eurepoc/eurepoc-files';
import { danglingReferences } from '../src/stix/stix-bundle-check';
import { StixExportService } from '../src/stix/stix-export.service';
import { StixSchemas } from '../src/stix/stix-schemas';
import { TestApp, startTestApp } from './support/test-app';

// ../shared/data beside the project (a clone, CI); a git worktree one level deeper finds it at /work/shared.
const DATA = [resolve(process.cwd(), '../shared/data'), '/work/shared/data'].find((dir) => existsSync(dir)) ?? resolve(process.cwd(), '../shared/data');

describe('STIX export of the EuRepoC-imported graph', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    await new EurepocImportService(t.dataSource).import(await readEurepocFolder(resolve(DATA, 'eurepoc')));
  }, 180_000);
  afterAll(async () => t?.close());

  it('validates object by object against the OASIS schemas, every reference inside the bundle, every claim and citation carried', async () => {
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
});
