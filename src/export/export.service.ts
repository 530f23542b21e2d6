import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource, ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm';
import { ListOrder } from '../common/pagination';
import { loadLimitsConfig } from '../limits/limits-config';
import { ATTRIBUTION_ORDER, AttributionService } from '../attributions/attribution.service';
import { AttributionFilter } from '../attributions/attribution.inputs';
import { IncidentFilter, IncidentSort } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import { StatementFilter } from '../statements/statement.inputs';
import { STATEMENT_ORDER, StatementService } from '../statements/statement.service';
import { RecordEnds } from './crlf';
import { CsvAggregate, CsvColumn, citationAggregate, citations, column, dateSpan, jsonList, nameOf, timestamp } from './csv-columns';
import { inlineParameters } from './inline-parameters';

/**
 * An export: its fact table (alias `f`), the tables its names come from (LEFT JOINs), the
 * lists per fact computed set-based over the matched facts (each a CTE, LEFT JOINed by
 * `fact_id`), and its columns in order (documented in docs/csv-export.md; a test keeps the two
 * in step). A full export is a few hash joins and grouped aggregates, never a subquery per row.
 */
export interface CsvExport {
  table: string;
  aggregates: CsvAggregate[];
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
  column('targets', `coalesce(targets.list, '[]')`),
  ...citations(),
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
  ...citations(),
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
  jsonList('incident_ids', 'about_incidents.ids'),
  jsonList('actor_ids', 'about_actors.ids'),
  jsonList('countries', 'about_countries.ids'),
  timestamp('recorded_at', 'f.created_at'),
  ...citations(),
];

/** The values of a statement's link table as one sorted array per statement. */
function statementLinks(alias: string, table: string, value: string): CsvAggregate {
  return {
    alias,
    sql: `SELECT l.fact_id, array_agg(l.value) AS ids
            FROM (SELECT l.statement_id AS fact_id, l.${value} AS value FROM ${table} l JOIN matched m ON m.id = l.statement_id
                   ORDER BY l.statement_id, l.${value}) l
           GROUP BY l.fact_id`,
  };
}

export const INCIDENTS: CsvExport = {
  table: 'incident',
  aggregates: [
    {
      alias: 'targets',
      sql: `SELECT t.fact_id, json_agg(t.item)::text AS list
              FROM (SELECT t.incident_id AS fact_id,
                           json_build_object(
                             'role', t.role, 'organization_id', t.organization_id, 'organization', o.name, 'person_id', t.person_id,
                             'person', p.name, 'country', t.country_code, 'sector', t.sector) AS item
                      FROM incident_target t JOIN matched m ON m.id = t.incident_id
                      LEFT JOIN organization o ON o.id = t.organization_id
                      LEFT JOIN person p ON p.id = t.person_id
                     ORDER BY t.incident_id, t.id) t
             GROUP BY t.fact_id`,
    },
    citationAggregate('incident'),
  ],
  joins: ['LEFT JOIN campaign campaign ON campaign.id = f.campaign_id'],
  columns: INCIDENT_COLUMNS,
};
export const ATTRIBUTIONS: CsvExport = {
  table: 'attribution',
  aggregates: [citationAggregate('attribution')],
  joins: [
    'LEFT JOIN incident incident ON incident.id = f.incident_id',
    'LEFT JOIN campaign campaign ON campaign.id = f.campaign_id',
    'JOIN threat_actor actor ON actor.id = f.actor_id',
    'LEFT JOIN organization organization ON organization.id = f.attributed_by_organization_id',
    'LEFT JOIN person person ON person.id = f.attributed_by_person_id',
  ],
  columns: ATTRIBUTION_COLUMNS,
};
export const STATEMENTS: CsvExport = {
  table: 'statement',
  aggregates: [
    statementLinks('about_incidents', 'statement_incident', 'incident_id'),
    statementLinks('about_actors', 'statement_actor', 'actor_id'),
    statementLinks('about_countries', 'statement_country', 'country_code'),
    citationAggregate('statement'),
  ],
  joins: [
    'LEFT JOIN person person ON person.id = f.speaker_person_id',
    'LEFT JOIN organization organization ON organization.id = f.speaker_organization_id',
  ],
  columns: STATEMENT_COLUMNS,
};

/**
 * CSV exports of the GraphQL lists, for R, pandas and spreadsheets: the same filter (through
 * each module's own `filtered`), the same order, one row per fact. PostgreSQL writes the CSV
 * itself (`COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)`, read with pg-copy-streams), and
 * the bytes go to the response as they come, with only their record ends turned into CRLF, so
 * the API neither builds rows nor formats fields, and memory stays flat however many rows match.
 */
@Injectable()
export class ExportService {
  private readonly log = new Logger('Export');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    private readonly attributions: AttributionService,
    private readonly statements: StatementService,
  ) {}

  /** Resolves the filter first and waits for the first bytes (so a bad filter or query fails before any is sent), then streams. */
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
   * The filtered ids with their sort keys (the CTE `matched`, the module's query kept whole as
   * an inner SELECT so that its aliases and parameters are untouched), the aggregates over them,
   * and the fact table with its joins for the columns, in the list's order.
   */
  exportSql<T extends ObjectLiteral>(filtered: SelectQueryBuilder<T>, order: ListOrder, { table, aggregates, joins, columns }: CsvExport): string {
    const alias = filtered.alias;
    const keys = [...order.expressions, `${alias}.id`];
    const matched = filtered.clone().select(`${alias}.id`, 'id');
    keys.forEach((expression, i) => matched.addSelect(`(${expression})`, `sort_${i}`));
    const [innerSql, parameters] = matched.getQueryAndParameters();
    const direction = order.direction === 'DESC' ? 'DESC' : 'ASC';
    const select = `WITH matched AS MATERIALIZED (${inlineParameters(innerSql, parameters)}),
     ${aggregates.map((a) => `${a.alias} AS (${a.sql})`).join(',\n     ')}
SELECT ${columns.map((c) => `${c.sql} AS "${c.name}"`).join(',\n       ')}
  FROM matched JOIN ${table} f ON f.id = matched.id
       ${joins.join('\n       ')}
       ${aggregates.map((a) => `LEFT JOIN ${a.alias} ON ${a.alias}.fact_id = f.id`).join('\n       ')}
 ORDER BY ${keys.map((_, i) => `matched.sort_${i} ${direction}`).join(', ')}`;
    return `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`;
  }

  private async stream<T extends ObjectLiteral>(filtered: SelectQueryBuilder<T>, order: ListOrder, csvExport: CsvExport): Promise<Readable> {
    const sql = this.exportSql(filtered, order, csvExport);
    // One transaction, so that the export's own statement_timeout (EXPORT_TIMEOUT_MS) ends with it
    // and never reaches the pooled connection's next user.
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient;
    try {
      client = (await runner.connect()) as PoolClient;
      await runner.startTransaction();
      await runner.query(`SELECT set_config('statement_timeout', $1, true)`, [String(loadLimitsConfig().exportTimeoutMs)]);
    } catch (error) {
      await finishExport(runner, error);
      throw error;
    }
    const copy = client.query(copyTo(sql));
    const file = new CopyCsv(copy, {
      cancel: async () => {
        await this.dataSource.query('SELECT pg_cancel_backend($1)', [(client as PoolClient & { processID: number }).processID]);
      },
      finish: (error) => {
        if (error && !isCancel(error)) this.log.error(`CSV export failed while streaming: ${error.message}`);
        return finishExport(runner, error);
      },
    });
    await file.started;
    return file;
  }
}

/** SQLSTATE 57014: the statement was cancelled (by the export itself after a disconnect, or by its statement_timeout). */
const isCancel = (error: unknown) => (error as { code?: string } | undefined)?.code === '57014';

/**
 * Ends the export's transaction and returns its connection. When the rollback cannot be
 * done (the connection broke), the connection is released with the error, so that the pool
 * drops it rather than lend a connection in an unknown state to the next request.
 */
async function finishExport(runner: QueryRunner, error?: unknown): Promise<void> {
  let broken: unknown;
  if (runner.isTransactionActive) await runner.rollbackTransaction().catch((e: unknown) => (broken = e));
  const release = (runner as QueryRunner & { releasePostgresConnection?: (err?: unknown) => Promise<void> }).releasePostgresConnection;
  if (broken && release) await release.call(runner, broken).catch(() => undefined);
  else await runner.release().catch(() => undefined);
  void error;
}

/**
 * The CSV file as a readable stream over the COPY output, with CRLF record ends (RecordEnds).
 * `started` settles with the first bytes (the header line) or the first error, so that the
 * caller can still answer with an error status. When it is destroyed before the COPY is done
 * (the client went away, the response failed), the statement is cancelled on the server and
 * what is still in flight is read and dropped until PostgreSQL confirms, so the connection
 * goes back to the pool clean and idle; the transaction is always rolled back, and only after
 * the cancel request is done, so that it can never reach the connection's next user.
 */
class CopyCsv extends Readable {
  readonly started: Promise<void>;
  private isStarted = false;
  private copyDone = false;
  private cancelling?: Promise<void>;
  private finished?: Promise<void>;
  private readonly recordEnds = new RecordEnds();

  constructor(
    private readonly copy: Readable,
    private readonly hooks: { cancel: () => Promise<void>; finish: (error?: Error) => Promise<void> },
  ) {
    super();
    this.started = new Promise<void>((resolve, reject) => {
      copy.once('data', (chunk: Buffer) => {
        copy.pause();
        this.isStarted = true;
        this.push(this.recordEnds.convert(chunk));
        resolve();
      });
      copy.once('error', (error: Error) => this.finish(error).then(() => reject(error)));
    });
    copy.on('error', (error: Error) => {
      this.copyDone = true;
      void this.finish(error);
      // Before the first bytes the caller learns of it from `started`; after, from this stream.
      if (this.isStarted && !this.destroyed) this.destroy(error);
    });
    copy.on('end', () => {
      this.copyDone = true;
      void this.finish();
      this.push(null);
    });
  }

  _read(): void {
    if (this.copy.listenerCount('data') === 0) {
      this.copy.on('data', (chunk: Buffer) => {
        if (!this.destroyed && !this.push(this.recordEnds.convert(chunk))) this.copy.pause();
      });
    }
    this.copy.resume();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.copyDone && !this.cancelling) {
      // Drop whatever still arrives until the server acknowledges the cancel (an error) or ends the COPY.
      this.copy.removeAllListeners('data');
      this.copy.on('data', () => undefined);
      this.copy.resume();
      this.cancelling = this.hooks.cancel().catch(() => undefined);
    }
    callback(error);
  }

  private finish(error?: Error): Promise<void> {
    this.finished ??= (async () => {
      await this.cancelling;
      await this.hooks.finish(error);
    })();
    return this.finished;
  }
}
