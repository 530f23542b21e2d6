import { createHash } from 'node:crypto';

/** The URL namespace of RFC 9562. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
const bytesOf = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

/** RFC 9562 UUID version 5 through node:crypto: SHA-1 of namespace + name, so the same input always gives the same id. */
function uuidv5Crypto(name: string, namespace: Buffer): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Namespace of every id the tracker mints (UUIDv5 of its URL in the URL namespace). */
export const TRACKER_NAMESPACE = uuidv5Crypto('https://attribution-tracker.invalid/stix', bytesOf(URL_NAMESPACE));

/*
 * The tracker's own ids, minted by the hundred thousand in an export, are hashed here in
 * plain JavaScript: SHA-1 of the 16 namespace bytes and an ASCII name of at most 100
 * characters, in one or two 64-byte blocks, on preallocated buffers. A call into
 * node:crypto (a Hash object per id, a Buffer, a hex string to slice) costs 2–4 times as
 * much. Anything else (non-ASCII or longer names, other namespaces) goes through node:crypto;
 * stix-id.spec.ts checks both give the same ids.
 */
const MAX_FAST_NAME = 100;
const message = new Uint8Array(256);
message.set(bytesOf(TRACKER_NAMESPACE), 0);
const words = new Int32Array(80);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** UUIDv5 of `prefix + name` (the two written one after the other, not concatenated first), or null when not ASCII or too long. */
function uuidv5Fast(name: string, prefix = ''): string | null {
  const p = prefix.length;
  const n = p + name.length;
  if (n > MAX_FAST_NAME) return null;
  for (let i = 0; i < p; i++) {
    const c = prefix.charCodeAt(i);
    if (c > 127) return null;
    message[16 + i] = c;
  }
  for (let i = p; i < n; i++) {
    const c = name.charCodeAt(i - p);
    if (c > 127) return null;
    message[16 + i] = c;
  }
  const length = 16 + n;
  const total = (((length + 8) >> 6) + 1) << 6;
  message[length] = 0x80;
  message.fill(0, length + 1, total - 4);
  const bits = length * 8;
  message[total - 4] = bits >>> 24;
  message[total - 3] = (bits >>> 16) & 255;
  message[total - 2] = (bits >>> 8) & 255;
  message[total - 1] = bits & 255;
  let h0 = 0x67452301 | 0, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476 | 0, h4 = 0xc3d2e1f0 | 0;
  for (let block = 0; block < total; block += 64) {
    for (let i = 0; i < 16; i++) {
      const j = block + i * 4;
      words[i] = (message[j] << 24) | (message[j + 1] << 16) | (message[j + 2] << 8) | message[j + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = words[i - 3] ^ words[i - 8] ^ words[i - 14] ^ words[i - 16];
      words[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + words[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0;
  }
  // Version 5 in byte 6, the RFC 9562 variant in byte 8.
  const byte6 = ((h1 >>> 8) & 0x0f) | 0x50;
  const byte8 = ((h2 >>> 24) & 0x3f) | 0x80;
  return HEX[h0 >>> 24] + HEX[(h0 >>> 16) & 255] + HEX[(h0 >>> 8) & 255] + HEX[h0 & 255] + '-' +
    HEX[h1 >>> 24] + HEX[(h1 >>> 16) & 255] + '-' + HEX[byte6] + HEX[h1 & 255] + '-' +
    HEX[byte8] + HEX[(h2 >>> 16) & 255] + '-' + HEX[(h2 >>> 8) & 255] + HEX[h2 & 255] +
    HEX[h3 >>> 24] + HEX[(h3 >>> 16) & 255] + HEX[(h3 >>> 8) & 255] + HEX[h3 & 255];
}

let trackerBytes: Buffer | null = null;

/** RFC 9562 UUID version 5: SHA-1 of namespace + name (the tracker's namespace unless another is given). */
export function uuidv5(name: string, namespace?: string): string {
  if (namespace !== undefined) return uuidv5Crypto(name, bytesOf(namespace));
  return uuidv5Fast(name) ?? uuidv5Crypto(name, (trackerBytes ??= bytesOf(TRACKER_NAMESPACE)));
}

/** For stix-id.spec.ts: the node:crypto path for the tracker's namespace. */
export function uuidv5Reference(name: string): string {
  return uuidv5Crypto(name, bytesOf(TRACKER_NAMESPACE));
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
/** "table:" per table, made once. */
const PREFIXES = new Map(['incident', 'incident_target', 'attribution', 'statement', 'response', 'source_article'].map((t) => [t, `${t}:`]));

/**
 * The STIX id of a tracker row: `type--UUIDv5(table:rowId)`. Deterministic, so the same graph
 * exports the same ids; `table` keeps two tables' rows apart even when their ids coincide.
 */
export function mintedId(type: string, table: string, rowId: string): string {
  if (!CACHED_TABLES.has(table)) return `${type}--${uuidv5Fast(rowId, PREFIXES.get(table) ?? `${table}:`) ?? uuidv5(`${table}:${rowId}`)}`;
  const name = `${table}:${rowId}`;
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
