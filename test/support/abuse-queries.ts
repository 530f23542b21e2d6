/** Queries of the abuse review (issue 12), shared by test/query-limits.e2e-spec.ts and bench/abuse-refusal.ts. */

/**
 * incident → attributions → actor → incidents → … (both lists are connections, so each goes
 * through its page's `nodes`) down to `depth` levels; the leaf `id` counts as one. With
 * `pageSize`, every connection asks for that many rows.
 */
export function cycleQuery(depth: number, pageSize?: number, ids = false): string {
  const page = pageSize ? `(first: ${pageSize})` : '';
  const cycle = [`attributions${page}`, 'nodes', 'actor', `incidents${page}`, 'nodes'];
  let query = '{ incident(id: "00000000-0000-0000-0000-000000000000") { id ';
  for (let level = 2; level < depth; level += 1) {
    const field = cycle[(level - 2) % cycle.length];
    query += `${field} { ${ids && (field === 'nodes' || field === 'actor') ? 'id ' : ''}`;
  }
  return `${query}id${' }'.repeat(depth - 1)} }`;
}
