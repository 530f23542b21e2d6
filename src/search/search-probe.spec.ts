import { SearchTableStatistics, conjunctionParts, probePages } from './search-probe';

/** Statistics shaped like the full-scale statement table's (1M rows; 20 a page for round numbers). */
function statistics(frequency: Record<string, number>): SearchTableStatistics {
  return { tuples: 1_000_000, pages: 50_000, frequency: new Map(Object.entries(frequency)), rareFrequency: 0.0008 };
}

describe('probePages', () => {
  it('reads the lexemes of each part of a conjunction as PostgreSQL prints it', () => {
    expect(conjunctionParts(`'foreign' & ( 'minist' | 'ministri' ) & 'condemn'`)).toEqual([
      { lexemes: ['foreign'], negated: false },
      { lexemes: ['minist', 'ministri'], negated: false },
      { lexemes: ['condemn'], negated: false },
    ]);
    expect(conjunctionParts(`'o''brien' & !'x'`)).toEqual([
      { lexemes: ["o'brien"], negated: false },
      { lexemes: ['x'], negated: true },
    ]);
    expect(conjunctionParts('')).toEqual([]);
  });

  it('probes when the rarest part is common enough to fill the candidates within the budget', () => {
    const stats = statistics({ foreign: 0.23, minist: 0.087, ministri: 0.25, condemn: 0.15 });
    // 717,000 postings; 5% of that in rows (35,850), 20 rows a page.
    expect(probePages(stats, `'foreign' & ( 'minist' | 'ministri' ) & 'condemn'`, 1000)).toBe(1793);
  });

  it('asks the index alone when the matches cannot be dense enough, or nothing is known', () => {
    const stats = statistics({ ransomwar: 0.076, hospit: 0.059, sandworm: 0.004 });
    expect(probePages(stats, `'ransomwar' & 'hospit'`, 1000)).toBe(0);
    expect(probePages(stats, `'sandworm'`, 1000)).toBe(0);
    // A lexeme the statistics do not list counts as the rarest listed.
    expect(probePages(stats, `'zyx'`, 1000)).toBe(0);
    expect(probePages(undefined, `'foreign'`, 1000)).toBe(0);
    expect(probePages({ ...stats, pages: 0 }, `'foreign'`, 1000)).toBe(0);
    expect(probePages(stats, '', 1000)).toBe(0);
  });
});
