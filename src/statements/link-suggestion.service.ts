import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors';
import { assertId } from '../common/lookups';
import { LinkSuggestion } from './link-suggestion.types';
import { recordLinkEvents } from './statement-link-log';
import { LinkAction, LinkTargetKind, StatementLinkEvent } from './statement-link.entity';

/** Weights of the signals that tie a statement to an incident (a shared actor or target says more than a shared country). */
const WEIGHT = { actor: 3, target: 3, mention: 2, relatedActor: 1, country: 1, time: 2 } as const;
const DAY = 86_400_000;

interface Signal {
  incident_id: string;
  signal: 'ACTOR' | 'BELOW' | 'ABOVE' | 'TARGET' | 'COUNTRY' | 'MENTION';
  ref: string | null;
  name: string;
  via: string | null;
  via_id: string | null;
}

interface Dated {
  from: string | null;
  to: string | null;
}

/**
 * Suggests incidents a statement may be about: incidents close in time that share an
 * actor (or one above or below it), a target (the speaker), a target country or a
 * quoted name with it, ranked, each with its reasons. Accepting links it; rejecting
 * records the rejection so it is not suggested again. Both are recorded with the caller.
 */
@Injectable()
export class LinkSuggestionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async suggest(statementId: string, first: number, withinDays: number): Promise<LinkSuggestion[]> {
    const suggestions = await this.compute(this.dataSource.manager, statementId, { withinDays });
    return suggestions.slice(0, first);
  }

  accept(statementId: string, incidentId: string, caller: string): Promise<StatementLinkEvent> {
    return this.decide(statementId, incidentId, caller, LinkAction.SUGGESTION_ACCEPTED);
  }

  reject(statementId: string, incidentId: string, caller: string): Promise<StatementLinkEvent> {
    return this.decide(statementId, incidentId, caller, LinkAction.SUGGESTION_REJECTED);
  }

  private decide(statementId: string, incidentId: string, caller: string, action: LinkAction): Promise<StatementLinkEvent> {
    assertId(statementId, 'Statement');
    assertId(incidentId, 'Incident');
    return this.dataSource.transaction(async (manager) => {
      const [statement] = await manager.query(`SELECT id FROM statement WHERE id = $1 FOR UPDATE`, [statementId]);
      if (!statement) throw new NotFoundError('Statement', statementId);
      const [incident] = await manager.query(`SELECT id FROM incident WHERE id = $1`, [incidentId]);
      if (!incident) throw new NotFoundError('Incident', incidentId);
      const [linked] = await manager.query(
        `SELECT 1 FROM statement_incident WHERE statement_id = $1 AND incident_id = $2`,
        [statementId, incidentId],
      );
      if (linked) throw new ConflictError('The statement is already linked to this incident', { statementId, incidentId });
      const [rejected] = await rejectionOf(manager, statementId, incidentId);
      if (rejected && action === LinkAction.SUGGESTION_REJECTED) {
        throw new ConflictError('This suggestion was already rejected', { statementId, incidentId });
      }
      // A decision on a suggestion is judged on what ties the two, whatever the time apart.
      const [suggestion] = await this.compute(manager, statementId, { incidentId, includeRejected: true });
      if (!suggestion) {
        throw new ConflictError(
          'Nothing ties this statement to that incident (no shared actor, target, country or quoted name), so it is not a suggestion; '
            + 'link it by hand with linkStatementToIncident if it belongs there',
          { statementId, incidentId },
        );
      }
      if (action === LinkAction.SUGGESTION_ACCEPTED) {
        await manager.query(`INSERT INTO statement_incident (statement_id, incident_id) VALUES ($1, $2)`, [statementId, incidentId]);
      }
      await recordLinkEvents(
        manager,
        [{ statementId, targetKind: LinkTargetKind.INCIDENT, targetId: incidentId, action, reasons: suggestion.reasons }],
        caller,
      );
      return manager.getRepository(StatementLinkEvent).findOneOrFail({
        where: { statementId, targetId: incidentId, action },
        order: { id: 'DESC' },
      });
    });
  }

  /** The ranked suggestions for one statement (or for one incident of it). */
  private async compute(
    manager: EntityManager,
    statementId: string,
    options: { withinDays?: number; incidentId?: string; includeRejected?: boolean },
  ): Promise<LinkSuggestion[]> {
    assertId(statementId, 'Statement');
    const [statement]: { said_from: string | null; said_to: string | null; text: string }[] = await manager.query(
      `SELECT said_from, said_to, coalesce(quote, '') || ' ' || coalesce(summary, '') AS text FROM statement WHERE id = $1`,
      [statementId],
    );
    if (!statement) throw new NotFoundError('Statement', statementId);

    const signals: Signal[] = await manager.query(SIGNALS_SQL, [statementId, options.incidentId ?? null, options.includeRejected ?? false]);
    const text = statement.text.replace(/\s+/gu, ' ');
    const kept = signals.filter((s) => s.signal !== 'MENTION' || mentions(text, s.name));
    const incidentIds = [...new Set(kept.map((s) => s.incident_id))];
    if (incidentIds.length === 0) return [];
    const incidents: {
      id: string; title: string; started_from: string | null; started_to: string | null;
      ended_to: string | null; disclosed_from: string | null; disclosed_to: string | null;
    }[] = await manager.query(
      `SELECT id::text, title, started_from, started_to, ended_to, disclosed_from, disclosed_to FROM incident WHERE id = ANY($1::uuid[])`,
      [incidentIds],
    );

    const said: Dated = { from: statement.said_from, to: statement.said_to };
    const suggestions: LinkSuggestion[] = [];
    for (const incident of incidents) {
      const own = kept.filter((s) => s.incident_id === incident.id);
      const reasons: string[] = [];
      let score = 0;
      const add = (weight: number, reason: string) => {
        if (reasons.includes(reason)) return;
        reasons.push(reason);
        score += weight;
      };
      // A related actor counts only for a statement actor that the incident is not attributed to already.
      const exactActors = new Set(own.filter((s) => s.signal === 'ACTOR').map((s) => s.ref));
      for (const s of own.filter((x) => x.signal === 'ACTOR')) add(WEIGHT.actor, `shares actor ${s.name}`);
      for (const s of own.filter((x) => x.signal === 'BELOW' && !exactActors.has(x.via_id))) {
        add(WEIGHT.relatedActor, `attributed to ${s.name}, which is part of ${s.via}`);
      }
      for (const s of own.filter((x) => x.signal === 'ABOVE' && !exactActors.has(x.via_id))) {
        add(WEIGHT.relatedActor, `attributed to ${s.name}, of which ${s.via} is part`);
      }
      for (const s of own.filter((x) => x.signal === 'TARGET')) add(WEIGHT.target, `the speaker, ${s.name}, is a target of the incident`);
      for (const s of own.filter((x) => x.signal === 'MENTION')) {
        add(WEIGHT.mention, s.via ? `mentions '${s.name}' (${s.via})` : `mentions '${s.name}'`);
      }
      for (const s of own.filter((x) => x.signal === 'COUNTRY')) add(WEIGHT.country, `shares country ${s.name}`);

      const span: Dated = {
        from: incident.started_from ?? incident.disclosed_from,
        to: maxDate(incident.ended_to, incident.started_to ?? incident.disclosed_to),
      };
      const daysApart = distanceInDays(said, span);
      if (daysApart !== null && options.withinDays !== undefined && daysApart > options.withinDays) continue;
      if (daysApart !== null && options.withinDays) score += WEIGHT.time * (1 - daysApart / options.withinDays);
      const timing = incident.started_from || incident.started_to
        ? timingPhrase(said, { from: incident.started_from, to: incident.started_to }, 'started')
        : timingPhrase(said, { from: incident.disclosed_from, to: incident.disclosed_to }, 'was disclosed');
      reasons.push(timing ?? (said.from || said.to ? 'the incident has no date to compare with' : 'the statement has no date to compare with'));
      suggestions.push({ incidentId: incident.id, score: Math.round(score * 100) / 100, reasons, daysApart, title: incident.title });
    }
    return suggestions.sort(
      (a, b) => b.score - a.score || (a.daysApart ?? Infinity) - (b.daysApart ?? Infinity) || a.title.localeCompare(b.title),
    );
  }
}

function rejectionOf(manager: EntityManager, statementId: string, incidentId: string): Promise<unknown[]> {
  return manager.query(
    `SELECT 1 FROM statement_link_event
      WHERE statement_id = $1 AND target_kind = 'INCIDENT' AND target_id = $2 AND action = 'SUGGESTION_REJECTED'`,
    [statementId, incidentId],
  );
}

/**
 * Every signal tying statement $1 to an incident it is not linked to (nor, unless $3,
 * rejected for): attributed actors equal to, below or above the statement's actors;
 * the speaker as a target; target countries among the statement's countries; names of
 * targets and aliases of attributed actors found in its words (checked again in code
 * for whole words). $2 narrows to one incident.
 */
const SIGNALS_SQL = `
  WITH RECURSIVE
  s AS (
    SELECT id, speaker_person_id, speaker_organization_id, lower(coalesce(quote, '') || ' ' || coalesce(summary, '')) AS text
      FROM statement WHERE id = $1
  ),
  s_actors AS (SELECT actor_id FROM statement_actor WHERE statement_id = $1),
  below(root, id) AS (
    SELECT actor_id, actor_id FROM s_actors
    UNION SELECT below.root, child.id FROM threat_actor child JOIN below ON child.parent_id = below.id
  ),
  above(root, id) AS (
    SELECT actor_id, actor_id FROM s_actors
    UNION SELECT above.root, actor.parent_id FROM threat_actor actor JOIN above ON actor.id = above.id WHERE actor.parent_id IS NOT NULL
  ),
  targets AS (
    SELECT it.incident_id, it.organization_id, it.person_id, coalesce(o.name, p.name) AS name,
           coalesce(it.country_code, o.country_code, p.country_code) AS country_code
      FROM incident_target it
      LEFT JOIN organization o ON o.id = it.organization_id
      LEFT JOIN person p ON p.id = it.person_id
  ),
  signals AS (
    SELECT a.incident_id, 'ACTOR' AS signal, a.actor_id::text AS ref, actor.name, NULL::text AS via, NULL::text AS via_id
      FROM attribution a JOIN threat_actor actor ON actor.id = a.actor_id
     WHERE a.actor_id IN (SELECT actor_id FROM s_actors)
    UNION
    SELECT a.incident_id, 'BELOW', a.actor_id::text, actor.name, root.name, root.id::text
      FROM below JOIN attribution a ON a.actor_id = below.id
      JOIN threat_actor actor ON actor.id = a.actor_id JOIN threat_actor root ON root.id = below.root
     WHERE below.id <> below.root
    UNION
    SELECT a.incident_id, 'ABOVE', a.actor_id::text, actor.name, root.name, root.id::text
      FROM above JOIN attribution a ON a.actor_id = above.id
      JOIN threat_actor actor ON actor.id = a.actor_id JOIN threat_actor root ON root.id = above.root
     WHERE above.id <> above.root
    UNION
    SELECT t.incident_id, 'TARGET', coalesce(t.organization_id, t.person_id)::text, t.name, NULL, NULL
      FROM targets t, s WHERE t.organization_id = s.speaker_organization_id OR t.person_id = s.speaker_person_id
    UNION
    SELECT t.incident_id, 'COUNTRY', c.code, c.name, NULL, NULL
      FROM targets t JOIN country c ON c.code = t.country_code
     WHERE c.code IN (SELECT country_code FROM statement_country WHERE statement_id = $1)
    UNION
    SELECT t.incident_id, 'MENTION', NULL, t.name, NULL, NULL
      FROM targets t, s WHERE length(t.name) >= 3 AND strpos(s.text, lower(t.name)) > 0
    UNION
    SELECT a.incident_id, 'MENTION', NULL, alias.name, CASE WHEN alias.name <> actor.name THEN actor.name END, NULL
      FROM attribution a JOIN actor_alias alias ON alias.actor_id = a.actor_id JOIN threat_actor actor ON actor.id = a.actor_id, s
     WHERE length(alias.name) >= 3 AND strpos(s.text, lower(alias.name)) > 0
  )
  SELECT signals.incident_id::text, signal, ref, name, via, via_id FROM signals
   WHERE incident_id IS NOT NULL
     AND ($2::uuid IS NULL OR incident_id = $2::uuid)
     AND NOT EXISTS (SELECT 1 FROM statement_incident si WHERE si.statement_id = $1 AND si.incident_id = signals.incident_id)
     AND ($3 OR NOT EXISTS (
       SELECT 1 FROM statement_link_event e
        WHERE e.statement_id = $1 AND e.target_kind = 'INCIDENT' AND e.target_id = signals.incident_id
          AND e.action = 'SUGGESTION_REJECTED'))
   ORDER BY signal, name`;

/** Whether `name` occurs in `text` as whole words (not "PST" inside "PSTN"), ignoring case. */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/\s+/gu, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

function maxDate(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Days between two possibly imprecise, possibly open intervals; 0 when they may overlap; null when either is undated. */
export function distanceInDays(a: Dated, b: Dated): number | null {
  if ((!a.from && !a.to) || (!b.from && !b.to)) return null;
  if (a.to && b.from && a.to < b.from) return days(a.to, b.from);
  if (b.to && a.from && b.to < a.from) return days(b.to, a.from);
  return 0;
}

const dayCount = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * When a statement was said relative to an event, at the precision both are known:
 * "said 12 days after the incident started", "said 0 to 68 days after …",
 * "said on or after the day …". Null when either is undated.
 */
export function timingPhrase(said: Dated, event: Dated, verb: string): string | null {
  const what = `the incident ${verb}`;
  const lo = said.from && event.to ? days(event.to, said.from) : null;
  const hi = said.to && event.from ? days(event.from, said.to) : null;
  if (lo !== null && hi !== null) {
    if (lo === hi) return lo === 0 ? `said on the day ${what}` : lo > 0 ? `said ${dayCount(lo)} after ${what}` : `said ${dayCount(-lo)} before ${what}`;
    if (lo >= 0) return `said ${lo} to ${dayCount(hi)} after ${what}`;
    if (hi <= 0) return `said ${-hi} to ${dayCount(-lo)} before ${what}`;
    return `said between ${dayCount(-lo)} before and ${dayCount(hi)} after ${what}`;
  }
  if (lo !== null) {
    if (lo === 0) return `said on or after the day ${what}`;
    return lo > 0 ? `said at least ${dayCount(lo)} after ${what}` : `said no earlier than ${dayCount(-lo)} before ${what}`;
  }
  if (hi !== null) {
    if (hi === 0) return `said on or before the day ${what}`;
    return hi < 0 ? `said at least ${dayCount(-hi)} before ${what}` : `said at most ${dayCount(hi)} after ${what}`;
  }
  return null;
}
