/**
 * The form under which names are compared: case, accents, spaces, hyphens and
 * punctuation ignored, so "Fancy Bear", "fancy-bear" and "FANCY BEAR" are one alias.
 */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
