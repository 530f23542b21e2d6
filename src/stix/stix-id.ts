import { createHash } from 'node:crypto';

/** The URL namespace of RFC 9562. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const bytesOf = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

/** RFC 9562 UUID version 5 through node:crypto: SHA-1 of namespace + name, so the same input always gives the same id. */
function uuidv5Of(name: string, namespace: Buffer): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Namespace of every id the tracker mints (UUIDv5 of its URL in the URL namespace). */
export const TRACKER_NAMESPACE = uuidv5Of('https://attribution-tracker.invalid/stix', bytesOf(URL_NAMESPACE));
// Parsed once: an export mints hundreds of thousands of ids.
const TRACKER_BYTES = bytesOf(TRACKER_NAMESPACE);

/** RFC 9562 UUID version 5: SHA-1 of namespace + name (the tracker's namespace unless another is given). */
export function uuidv5(name: string, namespace?: string): string {
  return uuidv5Of(name, namespace === undefined ? TRACKER_BYTES : bytesOf(namespace));
}

/*
 * Ids of the small tables that facts refer to again and again (actors, organizations, people,
 * countries, techniques, campaigns) are remembered; the cache is emptied when full, so it never
 * holds more than CACHE_SIZE ids whatever the export's size. The big tables' ids are not: each
 * is minted for its own object and a few references in random order, and a cache of them would
 * only turn into garbage for the old generation of the heap.
 */
const CACHE_SIZE = 50_000;
const CACHED_TABLES = new Set(['threat_actor', 'organization', 'person', 'country', 'attack_technique', 'campaign']);
let cache = new Map<string, string>();

/**
 * The STIX id of a tracker row: `type--UUIDv5(table:rowId)`. Deterministic, so the same graph
 * exports the same ids; `table` keeps two tables' rows apart even when their ids coincide.
 */
export function mintedId(type: string, table: string, rowId: string): string {
  const name = `${table}:${rowId}`;
  if (!CACHED_TABLES.has(table)) return `${type}--${uuidv5(name)}`;
  let uuid = cache.get(name);
  if (uuid === undefined) {
    uuid = uuidv5(name);
    if (cache.size >= CACHE_SIZE) cache = new Map();
    cache.set(name, uuid);
  }
  return `${type}--${uuid}`;
}

/** The STIX type of an id ("intrusion-set--…" → "intrusion-set"). */
export function typeOfId(id: string): string {
  const at = id.indexOf('--');
  return at < 0 ? '' : id.slice(0, at);
}
