import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import { Readable, Transform, pipeline } from 'node:stream';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ListOrder } from '../common/pagination';
import { loadLimitsConfig } from '../limits/limits-config';
import { ATTRIBUTION_ORDER, AttributionService } from '../attributions/attribution.service';
import { AttributionFilter } from '../attributions/attribution.inputs';
import { IncidentFilter, IncidentSort } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import { StatementFilter } from '../statements/statement.inputs';
import { STATEMENT_ORDER, StatementService } from '../statements/statement.service';
import { CsvColumn, citations, column, dateSpan, jsonList, nameOf, timestamp } from './csv-columns';

/**
 * An export: its fact table (alias `f`), the tables its names come from (LEFT JOINs, so that a
 * full export is a few hash joins rather than a lookup per row and column), and its columns in
 * order (documented in docs/csv-export.md; a test keeps the two in step).
 */
interface CsvExport {
  table: string;
  joins: string[];
  columns: CsvColumn[];
}

export const INCIDENT_COLUMNS: CsvColumn[] = [
  column('id', 'f.id'),
  column('title', 'f.title'),
  column('summary', 'f.summary'),
  ...dateSpan('started', 'f.started'),
  ...dateSpan('ended', 'f.ended'),
  ...dateSpan('disclosed', 'f.disclosed'),
  jsonList('types', 'f.types'),
  jsonList('technique_ids', 'f.technique_ids'),
  column('campaign_id', 'f.campaign_id'),
  nameOf('campaign', 'campaign'),
  column(
    'targets',
    `(SELECT coalesce(json_agg(json_build_object(
        'role', t.role, 'organization_id', t.organization_id, 'organization', o.name, 'person_id', t.person_id, 'person', p.name,
        'country', t.country_code, 'sector', t.sector) ORDER BY t.id), '[]'::json)::text
      FROM incident_target t LEFT JOIN organization o ON o.id = t.organization_id LEFT JOIN person p ON p.id = t.person_id
      WHERE t.incident_id = f.id)`,
  ),
  ...citations('incident'),
];

export const ATTRIBUTION_COLUMNS: CsvColumn[] = [
  column('id', 'f.id'),
  column('incident_id', 'f.incident_id'),
  column('incident', 'incident.title'),
  column('campaign_id', 'f.campaign_id'),
  nameOf('campaign', 'campaign'),
  column('actor_id', 'f.actor_id'),
  nameOf('actor', 'actor'),
  column('attributed_by_organization_id', 'f.attributed_by_organization_id'),
  nameOf('attributed_by_organization', 'organization'),
  column('attributed_by_person_id', 'f.attributed_by_person_id'),
  nameOf('attributed_by_person', 'person'),
  ...dateSpan('attributed', 'f.attributed'),
  column('status', 'f.status'),
  column('confidence', 'f.confidence'),
  column('confidence_words', 'f.confidence_words'),
  jsonList('bases', 'f.bases'),
  column('notes', 'f.notes'),
  timestamp('recorded_at', 'f.created_at'),
  ...citations('attribution'),
];

export const STATEMENT_COLUMNS: CsvColumn[] = [
  column('id', 'f.id'),
  column('speaker_person_id', 'f.speaker_person_id'),
  nameOf('speaker_person', 'person'),
  column('speaker_organization_id', 'f.speaker_organization_id'),
  nameOf('speaker_organization', 'organization'),
  column('speaker_role', 'f.speaker_role'),
  ...dateSpan('said', 'f.said'),
  column('stance', 'f.stance'),
  column('quote', 'f.quote'),
  column('summary', 'f.summary'),
  column('language', 'f.language'),
  jsonList('incident_ids', '(SELECT array_agg(l.incident_id ORDER BY l.incident_id) FROM statement_incident l WHERE l.statement_id = f.id)'),
  jsonList('actor_ids', '(SELECT array_agg(l.actor_id ORDER BY l.actor_id) FROM statement_actor l WHERE l.statement_id = f.id)'),
  jsonList('countries', '(SELECT array_agg(l.country_code ORDER BY l.country_code) FROM statement_country l WHERE l.statement_id = f.id)'),
  timestamp('recorded_at', 'f.created_at'),
  ...citations('statement'),
];

const INCIDENTS: CsvExport = {
  table: 'incident',
  joins: ['LEFT JOIN campaign campaign ON campaign.id = f.campaign_id'],
  columns: INCIDENT_COLUMNS,
};
const ATTRIBUTIONS: CsvExport = {
  table: 'attribution',
  joins: [
    'LEFT JOIN incident incident ON incident.id = f.incident_id',
    'LEFT JOIN campaign campaign ON campaign.id = f.campaign_id',
    'JOIN threat_actor actor ON actor.id = f.actor_id',
    'LEFT JOIN organization organization ON organization.id = f.attributed_by_organization_id',
    'LEFT JOIN person person ON person.id = f.attributed_by_person_id',
  ],
  columns: ATTRIBUTION_COLUMNS,
};
const STATEMENTS: CsvExport = {
  table: 'statement',
  joins: [
    'LEFT JOIN person person ON person.id = f.speaker_person_id',
    'LEFT JOIN organization organization ON organization.id = f.speaker_organization_id',
  ],
  columns: STATEMENT_COLUMNS,
};

/**
 * CSV exports of the GraphQL lists, for R, pandas and spreadsheets: the same filter (through
 * each module's own `filtered`), the same order, one row per fact, streamed from a PostgreSQL
 * cursor (pg-query-stream) through csv-stringify, so memory stays flat however many rows match.
 */
@Injectable()
export class ExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    private readonly attributions: AttributionService,
    private readonly statements: StatementService,
  ) {}

  /** Resolves the filter first (so a bad one fails before any byte is sent), then streams. */
  async incidentsCsv(filter: IncidentFilter | undefined, sort: IncidentSort | undefined): Promise<Readable> {
    const order = this.incidents.order(filter, sort);
    return this.stream(await this.incidents.filtered(filter), order, INCIDENTS);
  }

  async attributionsCsv(filter: AttributionFilter | undefined): Promise<Readable> {
    return this.stream(await this.attributions.filtered(filter), ATTRIBUTION_ORDER, ATTRIBUTIONS);
  }

  async statementsCsv(filter: StatementFilter | undefined): Promise<Readable> {
    return this.stream(await this.statements.filtered(filter), STATEMENT_ORDER, STATEMENTS);
  }

  /**
   * The filtered ids with their sort keys, joined back to the fact table (`f`) and its joins for the columns.
   * Keeping the module's query as an inner SELECT leaves its aliases and parameters untouched.
   */
  private async stream<T extends ObjectLiteral>(
    filtered: SelectQueryBuilder<T>,
    order: ListOrder,
    { table, joins, columns }: CsvExport,
  ): Promise<Readable> {
    const alias = filtered.alias;
    const keys = [...order.expressions, `${alias}.id`];
    const matched = filtered.clone().select(`${alias}.id`, 'id');
    keys.forEach((expression, i) => matched.addSelect(`(${expression})`, `sort_${i}`));
    const [innerSql, parameters] = matched.getQueryAndParameters();
    const direction = order.direction === 'DESC' ? 'DESC' : 'ASC';
    const selected = columns.filter((c) => c.sql);
    const sql = `SELECT ${selected.map((c) => `${c.sql} AS "${c.name}"`).join(',\n       ')}
      FROM (${innerSql}) matched JOIN ${table} f ON f.id = matched.id
           ${joins.join('\n           ')}
     ORDER BY ${keys.map((_, i) => `matched.sort_${i} ${direction}`).join(', ')}`;

    // One transaction, so that the export's own statement_timeout (EXPORT_TIMEOUT_MS) ends with it
    // and never reaches the pooled connection's next user.
    const runner = this.dataSource.createQueryRunner();
    const finish = () => runner.rollbackTransaction().catch(() => undefined).finally(() => runner.release().catch(() => undefined));
    let rows: Readable;
    try {
      await runner.startTransaction();
      await runner.query(`SELECT set_config('statement_timeout', $1, true)`, [String(loadLimitsConfig().exportTimeoutMs)]);
      rows = (await runner.stream(sql, parameters)) as unknown as Readable;
    } catch (error) {
      await finish();
      throw error;
    }
    const toRecord = new Transform({
      objectMode: true,
      transform(row: Record<string, unknown>, _encoding, done) {
        done(null, columns.map((c) => (c.compute ? c.compute(row) : row[c.name])));
      },
    });
    // RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break, quotes doubled.
    const csv = stringify({ header: true, columns: columns.map((c) => c.name), record_delimiter: 'windows' });
    // However it ends (done, failed, or the client went away), the cursor is closed and the connection returned.
    return pipeline(rows, toRecord, csv, () => void finish());
  }
}
