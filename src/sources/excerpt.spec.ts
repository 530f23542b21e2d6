import { excerptOccursIn } from './excerpt';

describe('excerptOccursIn: an excerpt must be the article\'s own words', () => {
  const body = 'France warned Russia\u00a0Wednesday\u00a0against meddling in the elections,\nafter a spokesman for Macron spoke.';

  it('ignores case and any run of whitespace, no-break spaces included', () => {
    expect(excerptOccursIn('France warned Russia Wednesday against meddling', body)).toBe(true);
    expect(excerptOccursIn('FRANCE   WARNED russia\twednesday', body)).toBe(true);
    expect(excerptOccursIn('in the elections, after a spokesman', body)).toBe(true);
    expect(excerptOccursIn('  russia\u00a0wednesday  ', body)).toBe(true);
  });

  it('refuses paraphrase, other punctuation, blank excerpts and missing bodies', () => {
    expect(excerptOccursIn('France warned Moscow', body)).toBe(false);
    expect(excerptOccursIn('in the elections after a spokesman', body)).toBe(false);
    expect(excerptOccursIn('   ', body)).toBe(false);
    expect(excerptOccursIn('France', null)).toBe(false);
    expect(excerptOccursIn('France', '')).toBe(false);
  });
});
