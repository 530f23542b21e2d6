import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** The three CSV files of EuRepoC 1.1, and the columns the importer reads from each. */
export const EUREPOC_FILES = {
  incidents: {
    file: 'EuRepoC_Global_Database_1.1.csv',
    columns: ['ID', 'name', 'description', 'start_date', 'end_date', 'incident_type', 'MITRE_initial_access', 'MITRE_impact', 'sources_url',
      'sources_attribution', 'political_response_date', 'political_response_type', 'political_response_type_subcode',
      'political_response_country', 'political_response_actor', 'legal_response_date', 'legal_response_type',
      'legal_response_type_subcode', 'legal_response_country', 'legal_response_actor'],
  },
  attributions: {
    file: 'EuRepoC_Attribution_dataset_1.1.csv',
    columns: ['incident_ID', 'attribution_ID', 'attribution_date', 'attribution_type', 'attribution_basis', 'attributing_actor',
      'attribution_it_company', 'attributing_country', 'attributed_initiator', 'attributed_initiator_country', 'attributed_initiator_category'],
  },
  receivers: {
    file: 'EuRepoC_Receiver_dataset_1.1.csv',
    columns: ['ID', 'receiver_country', 'receiver_region', 'receiver_name', 'receiver_category', 'receiver_category_subcode'],
  },
} as const;

export type EurepocRow = Record<string, string>;

export interface EurepocFiles {
  incidents: EurepocRow[];
  attributions: EurepocRow[];
  receivers: EurepocRow[];
}

export class EurepocFileError extends Error {}

/** Parses one file's text, checking that every column the importer reads is there. */
export function parseEurepocCsv(text: string, kind: keyof typeof EUREPOC_FILES): EurepocRow[] {
  const { file, columns } = EUREPOC_FILES[kind];
  let rows: EurepocRow[];
  try {
    rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw new EurepocFileError(`${file}: not a readable CSV (${(error as Error).message})`);
  }
  const header = rows.length ? Object.keys(rows[0]) : [];
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length) throw new EurepocFileError(`${file}: missing column(s) ${missing.join(', ')}`);
  // attribution_ID is not unique (one claim is coded as several rows) and may be blank: rows are keyed by position (attributionRecordKeys).
  const key = kind === 'attributions' ? 'incident_ID' : 'ID';
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!/^\d+$/.test(row[key] ?? '')) throw new EurepocFileError(`${file}: row ${i + 2} has no ${key}`);
    if (kind === 'incidents') {
      if (seen.has(row[key])) throw new EurepocFileError(`${file}: ${key} ${row[key]} appears twice`);
      seen.add(row[key]);
    }
  });
  return rows;
}

/** Reads the folder's three files; a missing or malformed file fails before the database is touched. */
export async function readEurepocFolder(folder: string): Promise<EurepocFiles> {
  const read = async (kind: keyof typeof EUREPOC_FILES) => {
    const path = join(folder, EUREPOC_FILES[kind].file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new EurepocFileError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return parseEurepocCsv(text, kind);
  };
  return { incidents: await read('incidents'), attributions: await read('attributions'), receivers: await read('receivers') };
}

/**
 * A key for every attribution row: its attribution_ID ("7221.0" → "7221", blank → "incident-1393") and its place among
 * the rows sharing it ("7221/3"). The dataset is versioned, so the order of its rows is fixed.
 */
export function attributionRecordKeys(rows: EurepocRow[]): string[] {
  const counts = new Map<string, number>();
  return rows.map((row) => {
    const raw = (row.attribution_ID ?? '').trim();
    const base = raw ? raw.replace(/\.0$/, '') : `incident-${row.incident_ID}`;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}/${n}`;
  });
}
