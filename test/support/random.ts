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
