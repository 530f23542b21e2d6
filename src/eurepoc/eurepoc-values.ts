import { resolveCountryCode } from '../countries/country.service';

/**
 * Reading EuRepoC's cells: placeholders are not values, multi-valued cells are "; "-separated
 * or Python-style lists, dates come as "YYYY-MM-DD", "YYYY-MM-DD 00:00:00" or "NaT".
 */
const PLACEHOLDERS = new Set(['', 'not available', 'unknown', 'n', 'nan', 'nat', 'none', '[]']);

/** The cell's text, or null when it is empty or a placeholder ("Not available", "Unknown"). */
export function value(cell: string | undefined | null): string | null {
  const text = (cell ?? '').trim();
  return PLACEHOLDERS.has(text.toLowerCase()) ? null : text;
}

export function isPlaceholder(cell: string | undefined | null): boolean {
  return (cell ?? '').trim() !== '' && value(cell) === null;
}

/** A "; "-separated cell, position by position (placeholders kept as null so positions line up). */
export function positions(cell: string | undefined | null): (string | null)[] {
  const text = (cell ?? '').trim();
  if (!text) return [];
  return text.split(';').map((part) => value(part));
}

/** The values of a multi-valued cell, placeholders dropped. */
export function values(cell: string | undefined | null): string[] {
  return positions(cell).filter((v): v is string => v !== null);
}

/** A Python-style list cell (['a', "b's"]) or a plain one; placeholders dropped. */
export function listCell(cell: string | undefined | null): string[] {
  const text = (cell ?? '').trim();
  if (!text.startsWith('[')) return values(text);
  const items: string[] = [];
  const item = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (const match of text.matchAll(item)) {
    const v = value((match[1] ?? match[2]).replace(/\\(.)/g, '$1'));
    if (v) items.push(v);
  }
  return items;
}

const DAY = /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00)?$/;

/** A day as YYYY-MM-DD, or null for an empty or placeholder cell; undefined when the text is not a date. */
export function day(cell: string | undefined | null): string | null | undefined {
  const v = value(cell);
  if (v === null) return null;
  const match = DAY.exec(v);
  if (!match) return undefined;
  const date = new Date(`${match[1]}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[1] ? undefined : match[1];
}

/** EuRepoC's spellings that ISO's English names do not list. */
const COUNTRY_SPELLINGS: Record<string, string> = {
  'iran, islamic republic of': 'IR',
  "korea, democratic people's republic of": 'KP',
  'congo, the democratic republic of the': 'CD',
  syria: 'SY',
  laos: 'LA',
  swaziland: 'SZ',
  brunei: 'BN',
};

/** Regions EuRepoC writes without its "(region)" marker. */
const BARE_REGIONS = new Set(['eastern europe', 'western europe', 'northern europe', 'africa', 'caucasus', 'north america', 'south america']);

export type Place =
  | { kind: 'country'; code: string }
  | { kind: 'region'; name: string }
  | { kind: 'other'; name: string };

/** A country cell: a country (ISO code), a region ("Global (region)" stays a region), or something else (an organization). */
export function place(cell: string | undefined | null): Place | null {
  const v = value(cell);
  if (v === null) return null;
  const region = /^(.*)\s*\(region\)$/i.exec(v);
  if (region) return { kind: 'region', name: region[1].trim() };
  if (BARE_REGIONS.has(v.toLowerCase())) return { kind: 'region', name: v };
  const code = COUNTRY_SPELLINGS[v.toLowerCase()] ?? resolveCountryCode(v);
  return code ? { kind: 'country', code } : { kind: 'other', name: v };
}

/** An ISO 3166-1 alpha-3 code as EuRepoC writes after a name ("GBR"), as alpha-2. */
export function countryOfCode(code: string): string | null {
  return /^[A-Z]{3}$/.test(code) ? resolveCountryCode(code) : null;
}
