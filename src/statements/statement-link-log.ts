import { EntityManager } from 'typeorm';
import { LinkAction, LinkTargetKind } from './statement-link.entity';

export interface LinkEventInput {
  statementId: string;
  targetKind: LinkTargetKind;
  targetId: string;
  action: LinkAction;
  reasons?: string[];
}

/**
 * Appends link events (who linked or unlinked what, when) in the caller's transaction,
 * so a link and its record are written together or not at all.
 */
export async function recordLinkEvents(manager: EntityManager, events: LinkEventInput[], recordedBy: string): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO statement_link_event (statement_id, target_kind, target_id, action, reasons, recorded_by)
     SELECT s, k, t, a, CASE WHEN r = '' THEN '{}'::text[] ELSE string_to_array(r, E'\\x1f') END, $6
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[]) AS e(s, k, t, a, r)`,
    [
      events.map((e) => e.statementId),
      events.map((e) => e.targetKind),
      events.map((e) => e.targetId),
      events.map((e) => e.action),
      events.map((e) => (e.reasons ?? []).join('\x1f')),
      recordedBy,
    ],
  );
}

/** The events for a replaced list of links: LINKED for each id added, UNLINKED for each removed. */
export function linkChanges(
  before: string[],
  after: string[],
  event: (id: string, action: LinkAction) => LinkEventInput,
): LinkEventInput[] {
  const old = new Set(before);
  const next = new Set(after);
  return [
    ...[...next].filter((id) => !old.has(id)).map((id) => event(id, LinkAction.LINKED)),
    ...[...old].filter((id) => !next.has(id)).map((id) => event(id, LinkAction.UNLINKED)),
  ];
}
