import { z } from 'zod';

/**
 * The shape of the MISP galaxy clusters the importer reads (MISP's threat-actor
 * galaxy, and MITRE ATT&CK groups and techniques as MISP publishes them). Only the
 * fields the importer uses are checked; others pass through. The cluster's `type`
 * says which catalogue a file is, whatever the file is called.
 */
const text = z.string();
const texts = z.array(z.string());
/** MISP writes some list fields as a lone string now and then. */
const oneOrMany = z.union([z.string(), z.array(z.string())]);
const recordId = z.guid({ message: 'not a UUID' });

const related = z.array(
  z.looseObject({ 'dest-uuid': recordId, type: text, tags: texts.optional() }),
);

const mispThreatActor = z.looseObject({
  value: text.trim().min(1, 'empty name'),
  uuid: recordId,
  description: text.optional(),
  related: related.optional(),
  meta: z
    .looseObject({
      synonyms: texts.optional(),
      country: text.optional(),
      'cfr-suspected-state-sponsor': text.optional(),
      'cfr-suspected-victims': oneOrMany.optional(),
      'cfr-target-category': oneOrMany.optional(),
      'targeted-sector': oneOrMany.optional(),
      'suspected-victims': oneOrMany.optional(),
      'attribution-confidence': z.union([text, z.number()]).optional(),
      motive: text.optional(),
      refs: texts.optional(),
    })
    .optional(),
});

const attackGroupId = text.regex(/^G\d{4}$/, 'not an ATT&CK group id (G0007)');
const mitreIntrusionSet = z.looseObject({
  value: text.trim().min(1, 'empty name'),
  uuid: recordId,
  description: text.optional(),
  revoked: z.boolean().optional(),
  meta: z.looseObject({
    external_id: attackGroupId,
    synonyms: texts.optional(),
    refs: texts.optional(),
  }),
});

const mitreAttackPattern = z.looseObject({
  value: text.trim().min(1, 'empty name'),
  uuid: recordId,
  description: text.optional(),
  revoked: z.boolean().optional(),
  meta: z.looseObject({
    // TA0011 entries are tactics, listed in the same cluster; the importer skips them.
    external_id: text.regex(/^T(A)?\d{4}(\.\d{3})?$/, 'not an ATT&CK technique id (T1110, T1110.001)'),
    kill_chain: texts.optional(),
    mitre_platforms: texts.optional(),
    refs: texts.optional(),
  }),
});

const cluster = <T extends string, V extends z.ZodTypeAny>(type: T, value: V) =>
  z.looseObject({ type: z.literal(type), name: text.optional(), uuid: recordId.optional(), values: z.array(value) });

export const galaxyCluster = z.discriminatedUnion('type', [
  cluster('threat-actor', mispThreatActor),
  cluster('mitre-intrusion-set', mitreIntrusionSet),
  cluster('mitre-attack-pattern', mitreAttackPattern),
]);

export type GalaxyCluster = z.infer<typeof galaxyCluster>;
export type MispThreatActorValue = z.infer<typeof mispThreatActor>;
export type MitreIntrusionSetValue = z.infer<typeof mitreIntrusionSet>;
export type MitreAttackPatternValue = z.infer<typeof mitreAttackPattern>;

export const KNOWN_CLUSTER_TYPES = ['threat-actor', 'mitre-intrusion-set', 'mitre-attack-pattern'] as const;

/** A file that cannot be imported; `message` is one line that names the file and the fault. */
export class CatalogueFileError extends Error {}

function describePath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Parses and checks one catalogue file. Throws CatalogueFileError with one line
 * (file, where, what) for text that is not JSON or not a cluster of a known type.
 */
export function parseGalaxyCluster(text: string, fileName: string): GalaxyCluster {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogueFileError(`${fileName}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CatalogueFileError(`${fileName}: not a MISP galaxy cluster: expected a JSON object with "type" and "values"`);
  }
  const result = galaxyCluster.safeParse(json);
  if (result.success) return result.data;
  const type = (json as { type?: unknown }).type;
  const issue = result.error.issues[0];
  const others = result.error.issues.length - 1;
  const where = describePath(issue.path);
  if (issue.code === 'invalid_union' && where === 'type') {
    throw new CatalogueFileError(
      `${fileName}: not a MISP galaxy cluster this importer knows: "type" is ${JSON.stringify(type)}, expected one of ${KNOWN_CLUSTER_TYPES.join(', ')}`,
    );
  }
  throw new CatalogueFileError(
    `${fileName}: not a valid "${String(type)}" cluster: ${where || 'the file'}: ${issue.message}` +
      (others > 0 ? ` (and ${others} more problem${others > 1 ? 's' : ''})` : ''),
  );
}
