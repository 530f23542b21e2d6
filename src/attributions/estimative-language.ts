/**
 * Words of estimative probability → 0–100, after the STIX 2.1 "WEP" confidence scale
 * (Appendix A of STIX 2.1: each phrase stands for a band; we store the value STIX gives
 * for the band). Used only when a source gives words and no number; the words are
 * always stored as well, so the original hedging is never lost.
 */
const SCALE: Record<string, number> = {
  impossible: 0,
  'almost certainly not': 10,
  'highly unlikely': 10,
  unlikely: 30,
  'probably not': 30,
  'even chance': 50,
  'roughly even chance': 50,
  likely: 70,
  probable: 70,
  probably: 70,
  'very likely': 90,
  'highly likely': 90,
  'highly probable': 90,
  'almost certainly': 100,
  certain: 100,
};

/** The number for known estimative words ("likely" → 70), or null. */
export function confidenceFromWords(words: string | null | undefined): number | null {
  if (!words) return null;
  const key = words.trim().toLowerCase().replace(/\s+/g, ' ');
  return key in SCALE ? SCALE[key] : null;
}

export const ESTIMATIVE_WORDS = Object.keys(SCALE);
