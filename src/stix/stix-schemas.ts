import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The OASIS STIX 2.1 JSON schemas (draft 2020-12), loaded into ajv's 2020 build. They are
 * not shipped with the tracker (no npm package ships them): the folder comes from
 * STIX_SCHEMAS_DIR, else a checkout of oasis-open/cti-stix2-json-schemas beside the project
 * (../shared/data/stix2-json-schemas, where this project's reference data lives).
 */
export const SCHEMAS_SETTING = 'STIX_SCHEMAS_DIR';
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

export class StixSchemasMissingError extends Error {}

/** Where the schemas are, or null: the setting first, then the usual places beside the project. */
export function findSchemasDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const set = env[SCHEMAS_SETTING]?.trim();
  const candidates = set ? [resolve(cwd, set)] : [resolve(cwd, '../shared/data/stix2-json-schemas'), '/work/shared/data/stix2-json-schemas'];
  for (const dir of candidates) {
    // Accept the repository root or its schemas/ folder.
    for (const root of [join(dir, 'schemas'), dir]) if (existsSync(join(root, 'common', 'core.json'))) return root;
  }
  return null;
}

export interface SchemaProblem {
  /** JSON pointer inside the object, "" for the object itself. */
  path: string;
  message: string;
}

// ajv's CommonJS builds put the class on `default` when loaded as an ES module.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** One compiled validator per STIX type the OASIS folder defines, plus the common core for custom types. */
export class StixSchemas {
  private readonly byType = new Map<string, ValidateFunction>();
  private readonly core: ValidateFunction;
  private readonly bundle: ValidateFunction;

  private constructor(root: string) {
    // unicodeRegExp: false: the OASIS patterns are written for non-unicode regular expressions.
    const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    // Not in ajv-formats; used only by domain-name observables, which the tracker neither takes nor exports.
    ajv.addFormat('idn-hostname', true);
    const files: { folder: string; name: string; schema: { $id?: string } }[] = [];
    for (const folder of ['common', 'sdos', 'sros', 'observables']) {
      const dir = join(root, folder);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
        const schema = JSON.parse(readFileSync(join(dir, name), 'utf8'));
        files.push({ folder, name, schema });
        ajv.addSchema(schema, schema.$id ?? `${BASE}${folder}/${name}`);
      }
    }
    for (const { folder, name, schema } of files) {
      if (folder === 'common') continue;
      this.byType.set(name.replace(/\.json$/, ''), ajv.getSchema(schema.$id ?? `${BASE}${folder}/${name}`)!);
    }
    for (const name of ['marking-definition', 'extension-definition', 'language-content']) {
      const validate = ajv.getSchema(`${BASE}common/${name}.json`);
      if (validate) this.byType.set(name, validate);
    }
    this.core = ajv.getSchema(`${BASE}common/core.json`)!;
    this.bundle = ajv.getSchema(`${BASE}common/bundle.json`)!;
  }

  private static cache = new Map<string, StixSchemas>();

  /** The schemas of the configured folder (loaded once per folder); one clear line when there are none. */
  static load(env: NodeJS.ProcessEnv = process.env): StixSchemas {
    const root = findSchemasDir(env);
    if (!root) {
      throw new StixSchemasMissingError(
        `The OASIS STIX 2.1 JSON schemas were not found: set ${SCHEMAS_SETTING} to a checkout of ` +
          'https://github.com/oasis-open/cti-stix2-json-schemas (see docs/stix.md)',
      );
    }
    let schemas = StixSchemas.cache.get(root);
    if (!schemas) StixSchemas.cache.set(root, (schemas = new StixSchemas(root)));
    return schemas;
  }

  /** True when OASIS defines a schema for this type; custom types (x-mitre-tactic) are checked against the core only. */
  knows(type: string): boolean {
    return this.byType.has(type);
  }

  /** Problems of one object against its type's schema (or the common core for other types); empty when valid. */
  validate(object: unknown): SchemaProblem[] {
    const type = typeof object === 'object' && object !== null ? (object as { type?: unknown }).type : undefined;
    const validate = (typeof type === 'string' && this.byType.get(type)) || this.core;
    return validate(object) ? [] : problems(validate.errors);
  }

  /** The bundle's own shape, objects left out (each is validated on its own). */
  validateBundleEnvelope(bundle: unknown): SchemaProblem[] {
    const envelope = { ...(bundle as object), objects: undefined };
    return this.bundle(envelope) ? [] : problems(this.bundle.errors);
  }
}

/** The most telling problems, without the noise of every failed branch of an allOf/anyOf. */
function problems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors ?? []) {
    if (['allOf', 'anyOf', 'oneOf', 'if', 'not'].includes(e.keyword) && (errors?.length ?? 0) > 1) continue;
    const message =
      e.keyword === 'required' ? `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`
        : e.keyword === 'pattern' && /timestamp|created|modified|published|_time|seen/.test(e.instancePath) ? 'is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z)'
          : e.message ?? e.keyword;
    const line = `${e.instancePath || '(object)'} ${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ path: e.instancePath, message });
  }
  return out;
}
