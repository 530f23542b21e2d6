/** Seeded randomness and date helpers shared by the test data generators, so generated worlds are reproducible. */

/** mulberry32: a small, well-known seeded PRNG; plenty for test data, not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const pad2 = (n: number) => String(n).padStart(2, '0');
/** Last day of month `m` (1–12) of year `y`, as YYYY-MM-DD. */
export const lastOfMonth = (y: number, m: number) => isoDay(Date.UTC(y, m, 0));

/** Draws built on one seeded source: ids, integers, chances and Zipf-skewed picks (the first items far more often). */
export function randomTools(random: () => number) {
  let serial = 0;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  /** Zipf (s = 1.1) over the items' order. */
  const zipf = <T>(items: T[]): T => {
    const weights = items.map((_, i) => 1 / Math.pow(i + 1, 1.1));
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  };
  return {
    /** A UUID-shaped id: random hex plus a serial, so ids never collide within one world. */
    uuid: () => {
      serial += 1;
      const hex = Array.from({ length: 20 }, () => Math.floor(random() * 16).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-8${hex.slice(15, 18)}-${hex.slice(18, 20)}${serial.toString(16).padStart(10, '0')}`;
    },
    int,
    chance: (p: number) => random() < p,
    zipf,
    /** Up to `max` distinct Zipf-picked items. */
    some: <T>(items: T[], max: number): T[] => [...new Set(Array.from({ length: int(0, max) }, () => zipf(items)))],
  };
}
