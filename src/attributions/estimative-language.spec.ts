import { ESTIMATIVE_WORDS, confidenceFromWords } from './estimative-language';

describe('estimative words → confidence (STIX 2.1 WEP scale)', () => {
  it('maps the words officials use', () => {
    expect(confidenceFromWords('likely')).toBe(70);
    expect(confidenceFromWords(' Highly  Likely ')).toBe(90);
    expect(confidenceFromWords('almost certainly')).toBe(100);
    expect(confidenceFromWords('roughly even chance')).toBe(50);
    expect(confidenceFromWords('unlikely')).toBe(30);
  });

  it('gives no number for words it does not know, and orders the scale', () => {
    expect(confidenceFromWords('perhaps')).toBeNull();
    expect(confidenceFromWords(null)).toBeNull();
    const values = ESTIMATIVE_WORDS.map((w) => confidenceFromWords(w)!);
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(100);
  });
});
