import { StixImportResult } from './stix-import.service';

/** Reasons with their counts, most frequent first. */
function countReasons(items: { reason: string }[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The summary of a STIX import: counts, then the types not taken, then every object left and why. */
export function formatStixSummary(result: StixImportResult, seconds?: number, details = true): string {
  const lines = [
    `STIX bundle ${result.bundleId} (${result.dataset.name} ${result.dataset.version}): ${result.objects} objects: ` +
      `${result.created} created, ${result.updated} updated, ${result.merged} merged into existing records, ` +
      `${result.unchanged} unchanged, ${result.notTaken.length} not taken.`,
  ];
  if (result.notTakenByType.length) {
    lines.push(`Types not taken: ${result.notTakenByType.map((t) => `${t.type} (${t.count})`).join(', ')}.`);
  }
  if (result.notTaken.length) {
    lines.push(`Not taken, by reason: ${countReasons(result.notTaken).map(([r, n]) => `${r} (${n})`).join('; ')}.`);
    if (details) for (const n of result.notTaken) lines.push(`  - ${n.stixId}: ${n.reason}`);
  }
  if (seconds !== undefined) lines.push(`Done in ${seconds.toFixed(2)} s, in one transaction.`);
  return lines.join('\n');
}
