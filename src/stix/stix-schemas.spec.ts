import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StixSchemas, StixSchemasMissingError, findSchemasDir } from './stix-schemas';
import { mintedId, uuidv5 } from './stix-id';

describe('STIX schemas and ids', () => {
  it('names the setting in one line when the schemas are not where it points', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-schemas-'));
    try {
      expect(findSchemasDir({ STIX_SCHEMAS_DIR: empty })).toBeNull();
      expect(() => StixSchemas.load({ STIX_SCHEMAS_DIR: empty })).toThrow(StixSchemasMissingError);
      expect(() => StixSchemas.load({ STIX_SCHEMAS_DIR: empty })).toThrow(/^The OASIS STIX 2\.1 JSON schemas were not found: set STIX_SCHEMAS_DIR to/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('checks custom types against the common core only, and known types against their own schema', () => {
    const schemas = StixSchemas.load();
    const core = { spec_version: '2.1', id: 'x-mitre-tactic--6b4ee3ea-eee3-4c8e-8323-85ae32658754', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' };
    expect(schemas.knows('x-mitre-tactic')).toBe(false);
    expect(schemas.validate({ type: 'x-mitre-tactic', ...core })).toEqual([]);
    expect(schemas.validate({ type: 'x-mitre-tactic', ...core, created: '2024-01-01' })).toContainEqual({ path: '/created', message: expect.stringMatching(/timestamp/) });
    expect(schemas.validate({ type: 'intrusion-set', ...core, id: 'intrusion-set--6b4ee3ea-eee3-4c8e-8323-85ae32658754' }))
      .toContainEqual({ path: '', message: 'missing required property "name"' });
  });

  it('makes RFC 9562 version-5 UUIDs, and the same STIX id for the same row', () => {
    expect(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const id = mintedId('incident', 'incident', '0b4ee3ea-eee3-4c8e-8323-85ae32658754');
    expect(id).toMatch(/^incident--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mintedId('incident', 'incident', '0b4ee3ea-eee3-4c8e-8323-85ae32658754')).toBe(id);
    expect(mintedId('incident', 'campaign', '0b4ee3ea-eee3-4c8e-8323-85ae32658754')).not.toBe(id);
  });
});
