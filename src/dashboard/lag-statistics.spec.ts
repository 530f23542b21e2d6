import fc from 'fast-check';
import { lagStatistics } from './dashboard.service';

/** percentile_cont as PostgreSQL computes it, over the values written out one by one. */
function percentileCont(values: number[], p: number): number {
  const r = p * (values.length - 1);
  const lo = values[Math.floor(r)];
  return lo + (values[Math.ceil(r)] - lo) * (r - Math.floor(r));
}

describe('lagStatistics: percentile_cont over weighted [days, n] pairs', () => {
  it('equals the statistics of the values written out, for any distribution', () => {
    const pairs = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 40 })), {
      minLength: 1, maxLength: 60, selector: ([days]) => days,
    });
    fc.assert(
      fc.property(pairs, (unsorted) => {
        const sorted = [...unsorted].sort((a, b) => a[0] - b[0]);
        const values = sorted.flatMap(([days, n]) => Array.from({ length: n }, () => days));
        expect(lagStatistics(sorted)).toEqual({
          count: values.length,
          median: percentileCont(values, 0.5),
          lowerQuartile: percentileCont(values, 0.25),
          upperQuartile: percentileCont(values, 0.75),
          min: values[0],
          max: values[values.length - 1],
        });
      }),
      { numRuns: 300 },
    );
  });

  it('gives a count of 0 and no statistics for no values, as percentile_cont does', () => {
    const none = { count: 0, median: null, lowerQuartile: null, upperQuartile: null, min: null, max: null };
    expect(lagStatistics(null)).toEqual(none);
    expect(lagStatistics([])).toEqual(none);
  });

  it('interpolates between the two nearest ranks: 1 day and 10 days, once each', () => {
    expect(lagStatistics([[1, 1], [10, 1]])).toMatchObject({ median: 5.5, lowerQuartile: 3.25, upperQuartile: 7.75 });
  });
});
