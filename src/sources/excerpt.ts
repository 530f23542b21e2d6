/**
 * Whether a cited excerpt occurs in an article's body. Tolerant of case and of
 * whitespace only: runs of any Unicode whitespace (no-break spaces included, which
 * copied articles are full of) count as one space. Punctuation, quotes and words must
 * be the source's own: an excerpt is a quotation, not a paraphrase.
 */
export function normalizeForExcerpt(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export function excerptOccursIn(excerpt: string, body: string | null | undefined): boolean {
  if (!body) return false;
  const needle = normalizeForExcerpt(excerpt);
  return needle !== '' && normalizeForExcerpt(body).includes(needle);
}
