import { createHash, hash as oneShotHash } from 'node:crypto';

/** The URL namespace of RFC 9562. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const bytesOf = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

/** The 16 bytes of a name's namespace, then the name (UTF-8): one buffer reused for every id, so hashing allocates nothing but its result. */
const input = Buffer.allocUnsafe(16 + 1024);
/** The variant nibble of RFC 9562 (10xx) for each hex digit of the hash's byte 8 high nibble. */
const VARIANT = '89ab89ab89ab89ab';

/** `hex` (at least 32 digits of a SHA-1) as a UUID version 5: version nibble 5, variant 10xx. */
function formatV5(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT[parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * RFC 9562 UUID version 5 through node:crypto: SHA-1 of namespace + name, so the same input
 * always gives the same id. crypto.hash (one call, no Hash object) is about 4× cheaper per id
 * than createHash().update().digest(), and an export mints several ids per object; names too
 * long for the buffer (none the tracker mints) take the streaming hash.
 */
function uuidv5Of(name: string, namespace: Buffer): string {
  if (name.length * 3 <= input.length - 16) {
    namespace.copy(input, 0, 0, 16);
    const length = input.write(name, 16, 'utf8');
    return formatV5(oneShotHash('sha1', input.subarray(0, 16 + length), 'hex'));
  }
  return formatV5(createHash('sha1').update(namespace).update(name, 'utf8').digest('hex'));
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
