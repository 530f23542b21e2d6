import { StixSchemas } from './stix-schemas';
import { typeOfId } from './stix-id';

/**
 * The checks a bundle passes before anything is written: size, JSON, the bundle envelope,
 * every object against its OASIS schema (custom types against the common core), the
 * relationships STIX allows between the types the tracker takes, and references that lead
 * somewhere. Every problem is listed, each with the STIX id it is about.
 */
export interface StixProblem {
  stixId: string;
  reason: string;
}

export class StixBundleError extends Error {
  constructor(message: string, readonly problems: StixProblem[] = []) {
    super(message);
  }
}

export type StixInput = Record<string, any> & { type: string; id: string };

export interface CheckedBundle {
  id: string;
  /** One object per id: the newest version when a bundle holds several. */
  objects: StixInput[];
}

/**
 * Which types may be at each end of the relationships the tracker imports (STIX 2.1 §4.13
 * and each SDO's relationship table; incidents as the tracker uses them). Relationships to
 * or from custom types (x-mitre-asset) are not checked: STIX leaves them to their producer.
 */
const ACTORS = ['intrusion-set', 'threat-actor', 'identity'];
export const ALLOWED_RELATIONSHIPS: Record<string, { sources: string[]; targets: string[] }> = {
  'attributed-to': { sources: ['campaign', 'incident', 'intrusion-set', 'threat-actor', 'identity'], targets: ACTORS },
  targets: {
    sources: ['attack-pattern', 'campaign', 'incident', 'intrusion-set', 'malware', 'threat-actor', 'tool'],
    targets: ['identity', 'location', 'vulnerability', 'infrastructure'],
  },
  uses: {
    sources: ['attack-pattern', 'campaign', 'incident', 'intrusion-set', 'malware', 'threat-actor', 'tool', 'infrastructure'],
    targets: ['attack-pattern', 'malware', 'tool', 'infrastructure'],
  },
  'located-at': { sources: ['identity', 'intrusion-set', 'threat-actor', 'campaign', 'infrastructure'], targets: ['location'] },
};

const isCustom = (type: string) => type.startsWith('x-');

export function parseBundle(text: string | Buffer, maxBytes: number, schemas: StixSchemas): CheckedBundle {
  const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  if (bytes > maxBytes) {
    throw new StixBundleError(
      `The bundle is ${(bytes / 1048576).toFixed(1)} MB; imports take at most ${(maxBytes / 1048576).toFixed(1)} MB (STIX_IMPORT_MAX_BYTES)`,
    );
  }
  let json: any;
  try {
    json = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (error) {
    throw new StixBundleError(`The bundle is not JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof json !== 'object' || json === null || json.type !== 'bundle' || !Array.isArray(json.objects)) {
    throw new StixBundleError('Not a STIX bundle: expected a JSON object with "type": "bundle" and an "objects" list');
  }
  const problems: StixProblem[] = schemas.validateBundleEnvelope(json).map((p) => ({ stixId: String(json.id), reason: `${p.path || 'bundle'} ${p.message}` }));
  const byId = new Map<string, StixInput>();
  json.objects.forEach((object: any, index: number) => {
    const stixId = typeof object?.id === 'string' ? object.id : `objects[${index}]`;
    const found = schemas.validate(object);
    for (const p of found) problems.push({ stixId, reason: `${p.path || '(object)'} ${p.message}` });
    if (found.length) return;
    const previous = byId.get(object.id);
    if (!previous || String(object.modified ?? '') > String(previous.modified ?? '')) byId.set(object.id, object);
  });
  for (const object of byId.values()) {
    if (object.type === 'relationship') {
      const rule = ALLOWED_RELATIONSHIPS[object.relationship_type];
      const [from, to] = [typeOfId(object.source_ref), typeOfId(object.target_ref)];
      if (rule && !isCustom(from) && !isCustom(to) && (!rule.sources.includes(from) || !rule.targets.includes(to))) {
        problems.push({ stixId: object.id, reason: `STIX does not allow "${object.relationship_type}" from ${from} to ${to}` });
      }
    }
  }
  if (problems.length) throw new StixBundleError(`The bundle is not valid STIX 2.1: ${problems.length} problem${problems.length > 1 ? 's' : ''}`, problems);
  return { id: json.id, objects: [...byId.values()] };
}

/** Every id an object refers to (created_by_ref, *_ref, *_refs), markings aside. */
export function referencesOf(object: StixInput): { property: string; id: string }[] {
  const out: { property: string; id: string }[] = [];
  for (const [property, value] of Object.entries(object)) {
    if (property === 'object_marking_refs') continue;
    if (property.endsWith('_ref') && typeof value === 'string') out.push({ property, id: value });
    else if (property.endsWith('_refs') && Array.isArray(value)) for (const id of value) if (typeof id === 'string') out.push({ property, id });
  }
  return out;
}

/** References that lead to no object of the bundle and to none imported before. */
export function danglingReferences(objects: StixInput[], known: (id: string) => boolean): StixProblem[] {
  const ids = new Set(objects.map((o) => o.id));
  const problems: StixProblem[] = [];
  for (const object of objects) {
    for (const ref of referencesOf(object)) {
      if (!ids.has(ref.id) && !known(ref.id)) problems.push({ stixId: object.id, reason: `${ref.property} ${ref.id} is neither in the bundle nor imported before` });
    }
  }
  return problems;
}
