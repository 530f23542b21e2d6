import { CatalogueImportResult } from './catalogue-import.service';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reasons with their counts, most frequent first: "revoked by the catalogue (6)". */
function countReasons(items: { reason: string }[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason} (${n})`).join('; ');
}

/** The summary printed at the end of an import: counts first, then every conflict and skipped entry. */
export function formatImportSummary(result: CatalogueImportResult, seconds: number): string {
  const lines: string[] = [];
  const actors = result.actors;
  if (actors) {
    lines.push(
      `Actors: ${actors.records} catalogue entries: ${actors.created} created, ` +
        `${actors.merged} merged into known actors, ${actors.updated} updated, ${actors.unchanged} unchanged, ` +
        `${actors.skipped.length} skipped; ${plural(actors.conflicts.length, 'conflict')}.`,
    );
    if (actors.conflicts.length) {
      lines.push(`Conflicts (${actors.conflicts.length}), reported rather than guessed:`);
      for (const c of actors.conflicts) {
        lines.push(`  - ${c.kind} "${c.name}" in ${c.record}; actors: ${c.actors.join(', ')}; ${c.outcome}`);
      }
    }
    if (actors.skipped.length) {
      lines.push(`Skipped entries (${actors.skipped.length}):`);
      for (const s of actors.skipped) lines.push(`  - ${s.record}: ${s.reason}`);
    }
    if (actors.unresolved.length) {
      lines.push(`Not a country, so kept out of the country columns (${actors.unresolved.length}):`);
      for (const u of actors.unresolved) lines.push(`  - ${u.record}: ${u.field} "${u.text}"`);
    }
    if (actors.disagreements.length) {
      lines.push(`The actor's value kept where an entry gives another (${actors.disagreements.length}):`);
      for (const d of actors.disagreements) lines.push(`  - ${d.actor}: ${d.field} ${d.kept} kept, ${d.record} gives ${d.given}`);
    }
  }
  const techniques = result.techniques;
  if (techniques) {
    lines.push(
      `ATT&CK techniques: ${techniques.entries} entries: ${techniques.created} created, ${techniques.updated} updated, ` +
        `${techniques.unchanged} unchanged, ${techniques.skipped.length} skipped` +
        (techniques.skipped.length ? ` (${countReasons(techniques.skipped)})` : '') + '.',
    );
  }
  const eurepoc = result.eurepoc;
  if (eurepoc) {
    const count = (rows: Record<string, number>) => Object.entries(rows).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'nothing';
    lines.push(
      `EuRepoC 1.1, imported before, merged again into these actors and techniques: written ${count(eurepoc.created)}; ` +
        `removed ${count(eurepoc.deleted)}; ${eurepoc.updatedActors} actors and ${eurepoc.updatedIncidents} incidents updated; ` +
        `${plural(eurepoc.conflicts.length, 'actor conflict')} (npm run import:eurepoc writes them to its report and changes nothing more).`,
    );
  }
  lines.push(`Done in ${seconds.toFixed(2)} s, in one transaction.`);
  return lines.join('\n');
}
