import { BadUserInputError } from '../common/errors';

/**
 * The one scale by which words of estimative probability become a 0–100 confidence.
 *
 * Numbers: the STIX 2.1 "WEP" scale (STIX 2.1, Appendix "Confidence Scales"): each band of
 * words maps to one STIX confidence value, and a value in the band's range reads back as
 * those words. Words: the terms of ICD 203 (US Intelligence Community Directive 203,
 * "Analytic Standards", section D.6.e(2)(a)) as the MISP `estimative-language` taxonomy
 * tags them (`likelihood-probability="likely"` …), each placed in the WEP band that holds
 * its ICD 203 percentage range, plus the phrases officials use that neither lists.
 *
 * Analytic confidence ("high confidence") is a different judgement from likelihood (ICD 203
 * forbids mixing them in one sentence); STIX maps it with its None/Low/Med/High scale,
 * which is listed here too so that such statements can be recorded in their own words.
 *
 * The words are always stored as given next to the number: the number is a reading aid,
 * the hedging of the source is the record.
 */
export interface EstimativeBand {
  /** The STIX name of the band ("Likely/Probable"). */
  label: string;
  /** Which STIX 2.1 scale the band comes from. */
  scale: 'WEP' | 'NONE_LOW_MED_HIGH';
  /** The STIX confidence value the words map to. */
  confidence: number;
  /** The STIX range of values that read back as this band. */
  min: number;
  max: number;
  /** ICD 203 terms in this band, with their probability range, as ICD 203 words them. */
  icd203: string | null;
  /** MISP estimative-language tags in this band. */
  mispTags: string[];
  /** Accepted phrasings, lower case. */
  words: string[];
  note: string | null;
}

export const ESTIMATIVE_SCALE: EstimativeBand[] = [
  {
    label: 'Impossible', scale: 'WEP', confidence: 0, min: 0, max: 0, icd203: null, mispTags: [],
    words: ['impossible', 'no chance'], note: null,
  },
  {
    label: 'Highly Unlikely/Almost Certainly Not', scale: 'WEP', confidence: 10, min: 1, max: 19,
    icd203: 'almost no chance / remote (01-05%); very unlikely / highly improbable (05-20%)',
    mispTags: ['estimative-language:likelihood-probability="almost-no-chance"', 'estimative-language:likelihood-probability="very-unlikely"'],
    words: ['almost no chance', 'remote', 'very unlikely', 'highly unlikely', 'highly improbable', 'almost certainly not'],
    note: null,
  },
  {
    label: 'Unlikely/Probably Not', scale: 'WEP', confidence: 30, min: 20, max: 39,
    icd203: 'unlikely / improbable (improbably) (20-45%)',
    mispTags: ['estimative-language:likelihood-probability="unlikely"'],
    words: ['unlikely', 'improbable', 'improbably', 'probably not', 'cannot rule out', 'cannot be ruled out', 'possible', 'possibly'],
    note: '"Cannot rule out" and "possible" are not ICD 203 terms: they say only that the claim is not excluded, '
      + 'so they are placed below even chance, never above it.',
  },
  {
    label: 'Even Chance', scale: 'WEP', confidence: 50, min: 40, max: 59,
    icd203: 'roughly even chance / roughly even odds (45-55%)',
    mispTags: ['estimative-language:likelihood-probability="roughly-even-chance"'],
    words: ['roughly even chance', 'roughly even odds', 'even chance', 'even odds'],
    note: null,
  },
  {
    label: 'Likely/Probable', scale: 'WEP', confidence: 70, min: 60, max: 79,
    icd203: 'likely / probable (probably) (55-80%)',
    mispTags: ['estimative-language:likelihood-probability="likely"'],
    words: ['likely', 'probable', 'probably'],
    note: null,
  },
  {
    label: 'Highly likely/Almost Certain', scale: 'WEP', confidence: 90, min: 80, max: 99,
    icd203: 'very likely / highly probable (80-95%); almost certain(ly) / nearly certain (95-99%)',
    mispTags: ['estimative-language:likelihood-probability="very-likely"', 'estimative-language:likelihood-probability="almost-certain"'],
    words: ['very likely', 'highly likely', 'highly probable', 'almost certain', 'almost certainly', 'nearly certain', 'nearly certainly'],
    note: 'ICD 203 keeps "almost certain" below 100%: only "certain" is 100.',
  },
  {
    label: 'Certain', scale: 'WEP', confidence: 100, min: 100, max: 100, icd203: null, mispTags: [],
    words: ['certain', 'certainly'], note: null,
  },
  {
    label: 'Low', scale: 'NONE_LOW_MED_HIGH', confidence: 15, min: 1, max: 29, icd203: 'low confidence', mispTags: [],
    words: ['low confidence'], note: 'Analytic confidence, not likelihood.',
  },
  {
    label: 'Med', scale: 'NONE_LOW_MED_HIGH', confidence: 50, min: 30, max: 69, icd203: 'moderate confidence', mispTags: [],
    words: ['moderate confidence', 'medium confidence'], note: 'Analytic confidence, not likelihood.',
  },
  {
    label: 'High', scale: 'NONE_LOW_MED_HIGH', confidence: 85, min: 70, max: 100, icd203: 'high confidence', mispTags: [],
    words: ['high confidence'], note: 'Analytic confidence, not likelihood.',
  },
];

const BY_WORDS = new Map(ESTIMATIVE_SCALE.flatMap((band) => band.words.map((w) => [w, band] as const)));

/** Every accepted phrasing, in scale order. */
export const ESTIMATIVE_WORDS = ESTIMATIVE_SCALE.flatMap((band) => band.words);

/**
 * The form under which words are looked up: case, spacing, hyphens (MISP writes
 * "roughly-even-chance"), a leading "with" and trailing punctuation ignored.
 */
export function normalizeEstimativeWords(words: string): string {
  return words
    .toLowerCase()
    .replace(/[-_]/g, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^with /, '')
    .replace(/[.,;:!]+$/, '');
}

/** The band of known estimative words, or null. */
export function bandOfWords(words: string | null | undefined): EstimativeBand | null {
  if (!words) return null;
  return BY_WORDS.get(normalizeEstimativeWords(words)) ?? null;
}

/** The number for known estimative words ("likely" → 70), or null. */
export function confidenceFromWords(words: string | null | undefined): number | null {
  return bandOfWords(words)?.confidence ?? null;
}

/**
 * Confidence as a source gives it: words, a number, or both (both are stored).
 * Words alone take the value of their band; a number given with words is the
 * source's own and is kept. Unknown words are refused, listing the known ones.
 */
export function resolveConfidence(
  words: string | null | undefined,
  confidence: number | null | undefined,
  field = 'confidenceWords',
): { confidenceWords: string | null; confidence: number | null } {
  const given = words?.trim() || null;
  if (given === null) return { confidenceWords: null, confidence: confidence ?? null };
  const band = bandOfWords(given);
  if (!band) {
    throw new BadUserInputError(
      `${field}: ${JSON.stringify(given)} is not on the estimative scale (STIX 2.1 WEP with ICD 203 terms); ` +
        `use one of: ${ESTIMATIVE_WORDS.map((w) => `"${w}"`).join(', ')}; or give only a number in confidence`,
      { field, knownWords: ESTIMATIVE_WORDS },
    );
  }
  return { confidenceWords: given, confidence: confidence ?? band.confidence };
}
