import { EurepocImportResult } from './eurepoc-import.service';

/** Reasons without their record-specific values, for the summary's counts ("end_date … is before start_date …"). */
export function reasonClass(reason: string): string {
  return reason.replace(/"[^"]*"/g, '"…"').replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD').replace(/incident \d+/g, 'incident N')
    .replace(/(political|legal) response \d+/g, '$1 response N');
}

function countBy<T>(items: T[], keyOf: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The report file: one tab-separated line per record changed or skipped, then every actor conflict. */
export function formatReportFile(result: EurepocImportResult): string {
  const lines = ['# EuRepoC 1.1 import report', '# record_type\trecord_key\taction\treason'];
  for (const i of result.issues) lines.push([i.recordType, i.recordKey, i.action, i.reason].join('\t'));
  lines.push('', '# actor conflicts (reported, never merged): records\tname\tactors\toutcome');
  for (const c of result.conflicts) lines.push([c.record, c.name, c.actors.join(' | '), c.outcome].join('\t'));
  return `${lines.join('\n')}\n`;
}

/** The summary printed at the end: counts, then records reported by reason. */
export function formatEurepocSummary(result: EurepocImportResult, seconds: number, reportPath: string | null): string {
  const { records, created, planned } = result;
  const tables = Object.keys(planned).map((t) => `${t} ${created[t] ?? 0}/${planned[t]}`).join(', ');
  const skipped = result.issues.filter((i) => i.action === 'skipped');
  const changed = result.issues.filter((i) => i.action === 'changed');
  const lines = [
    `EuRepoC 1.1: ${records.incidents} incidents, ${records.attributions} attributions, ${records.receivers} receivers read.`,
    `Written (new/planned): ${tables}; ${result.updatedActors} actors and ${result.updatedIncidents} incidents updated.`,
    ...(Object.keys(result.deleted).length
      ? [`Removed (no longer planned: their strings now join another source's actor): ${Object.entries(result.deleted).map(([t, n]) => `${t} ${n}`).join(', ')}.`]
      : []),
    `Reported: ${skipped.length} skipped and ${changed.length} changed (${new Set(result.issues.map((i) => `${i.recordType}:${i.recordKey}`)).size} records), `
      + `${result.conflicts.length} actor conflicts${reportPath ? `; every one in ${reportPath}` : ''}.`,
  ];
  for (const [reason, n] of countBy(result.issues, (i) => `${i.recordType} ${i.action}: ${reasonClass(i.reason)}`)) lines.push(`  ${n}\t${reason}`);
  lines.push(`Done in ${seconds.toFixed(2)} s, in one transaction.`);
  return lines.join('\n');
}
