import { createHash } from 'node:crypto';

/** Namespace of every id the tracker mints (UUIDv5 of "attribution-tracker" in the URL namespace). */
export const TRACKER_NAMESPACE = uuidv5('https://attribution-tracker.invalid/stix', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');
let namespaceBytes: Buffer | null = null;
const trackerNamespaceBytes = () => (namespaceBytes ??= Buffer.from(TRACKER_NAMESPACE.replace(/-/g, ''), 'hex'));

/** RFC 9562 UUID version 5: SHA-1 of namespace + name, so the same input always gives the same id. */
export function uuidv5(name: string, namespace?: string): string {
  // The tracker's namespace is parsed once: an export mints hundreds of thousands of ids.
  const ns = namespace === undefined ? trackerNamespaceBytes() : Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The STIX id of a tracker row: `type--UUIDv5(table:rowId)`. Deterministic, so the same graph
 * exports the same ids; `table` keeps two tables' rows apart even when their ids coincide.
 */
export function mintedId(type: string, table: string, rowId: string): string {
  return `${type}--${uuidv5(`${table}:${rowId}`)}`;
}

/** The STIX type of an id ("intrusion-set--…" → "intrusion-set"). */
export function typeOfId(id: string): string {
  const at = id.indexOf('--');
  return at < 0 ? '' : id.slice(0, at);
}
