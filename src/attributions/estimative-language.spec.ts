import { ErrorCode } from '../common/errors';
import { ESTIMATIVE_SCALE, ESTIMATIVE_WORDS, bandOfWords, confidenceFromWords, resolveConfidence } from './estimative-language';

describe('estimative words → confidence (STIX 2.1 WEP scale, ICD 203 / MISP terms)', () => {
  it('maps the words officials use to the STIX WEP value of their band', () => {
    expect(confidenceFromWords('likely')).toBe(70);
    expect(confidenceFromWords('probably')).toBe(70);
    expect(confidenceFromWords(' Highly  Likely ')).toBe(90);
    expect(confidenceFromWords('very likely')).toBe(90);
    expect(confidenceFromWords('almost certainly')).toBe(90);
    expect(confidenceFromWords('certain')).toBe(100);
    expect(confidenceFromWords('roughly even chance')).toBe(50);
    expect(confidenceFromWords('unlikely')).toBe(30);
    expect(confidenceFromWords('cannot rule out')).toBe(30);
    expect(confidenceFromWords('almost no chance')).toBe(10);
    expect(confidenceFromWords('impossible')).toBe(0);
  });

  it('reads MISP estimative-language values and "with high confidence"', () => {
    expect(confidenceFromWords('roughly-even-chance')).toBe(50);
    expect(confidenceFromWords('very-unlikely')).toBe(10);
    expect(confidenceFromWords('With high confidence.')).toBe(85);
    expect(bandOfWords('moderate confidence')?.scale).toBe('NONE_LOW_MED_HIGH');
  });

  it('gives no number for unknown words; each word is in one band, and each value lies in its band', () => {
    expect(confidenceFromWords('perhaps')).toBeNull();
    expect(confidenceFromWords(null)).toBeNull();
    expect(new Set(ESTIMATIVE_WORDS).size).toBe(ESTIMATIVE_WORDS.length);
    for (const band of ESTIMATIVE_SCALE) {
      expect(band.confidence).toBeGreaterThanOrEqual(band.min);
      expect(band.confidence).toBeLessThanOrEqual(band.max);
    }
    const wep = ESTIMATIVE_SCALE.filter((b) => b.scale === 'WEP');
    // The WEP bands tile 0..100 without gaps or overlaps.
    wep.forEach((band, i) => expect(band.min).toBe(i === 0 ? 0 : wep[i - 1].max + 1));
    expect(wep[wep.length - 1].max).toBe(100);
  });

  it('resolveConfidence keeps the words as given, derives the number, keeps a given number, and refuses unknown words', () => {
    expect(resolveConfidence(' Likely ', undefined)).toEqual({ confidenceWords: 'Likely', confidence: 70 });
    expect(resolveConfidence('likely', 65)).toEqual({ confidenceWords: 'likely', confidence: 65 });
    expect(resolveConfidence(null, 40)).toEqual({ confidenceWords: null, confidence: 40 });
    expect(resolveConfidence('  ', undefined)).toEqual({ confidenceWords: null, confidence: null });
    let error: any;
    try {
      resolveConfidence('fairly sure', undefined);
    } catch (e) {
      error = e;
    }
    expect(error.extensions.code).toBe(ErrorCode.BadUserInput);
    expect(error.message).toMatch(/"fairly sure" is not on the estimative scale/);
    expect(error.message).toMatch(/"almost certainly", /);
    expect(error.message).toMatch(/"cannot rule out"/);
  });
});
