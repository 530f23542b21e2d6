import { jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import { Role } from '../src/auth/role';
import { TestApp, startTestApp } from './support/test-app';

/** The CSV exports, parsed with a CSV library, against the GraphQL lists for the same filter, on the founding articles. */
describe('CSV exports for researchers', () => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    origin = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => t?.close());

  async function download(path: string): Promise<{ status: number; type: string | null; text: string; bytes: Buffer }> {
    const response = await fetch(`${origin}${path}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get('content-type'), text: bytes.toString('utf8'), bytes };
  }

  /** Parsed strictly as RFC 4180 (CRLF records, doubled quotes), each row an object by header. */
  async function rows(path: string): Promise<Record<string, string>[]> {
    const file = await download(path);
    expect(file.status).toBe(200);
    expect(file.type).toBe('text/csv; charset=utf-8; header=present');
    return parse(file.text, { columns: true, record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false });
  }

  const span = (row: Record<string, string>, name: string) => ({
    from: row[`${name}_from`] || null,
    to: row[`${name}_to`] || null,
    precision: row[`${name}_precision`],
    display: row[`${name}_display`] || null,
    text: row[`${name}_text`] || null,
  });
  const citationsOf = (row: Record<string, string>) =>
    (JSON.parse(row.citations) as { source_article_id: string; title: string; excerpt?: string | null }[]).map((c) => ({
      article: { id: c.source_article_id, title: c.title },
      excerpt: c.excerpt ?? null,
    }));
  const DATE_SPAN = 'from to precision display text';

  it('exports the attributions of a filter as GraphQL lists them: same rows, same order, with their citations', async () => {
    const filter = { actor: 'Russia', includeSubordinateActors: true };
    const { attributions } = await t.data(
      `query($filter: AttributionFilter) {
        attributions(filter: $filter, first: 200) {
          totalCount
          nodes {
            id status confidence confidenceWords notes bases createdAt
            actor { id name } incident { id title }
            attributedByOrganization { id name } attributedByPerson { id name }
            attributed { ${DATE_SPAN} }
            citations { excerpt article { id title } }
          }
        }
      }`,
      { filter },
    );
    const csv = await rows('/export/attributions.csv?actor=Russia&includeSubordinateActors=true');
    expect(attributions.totalCount).toBe(5);
    expect(csv).toHaveLength(attributions.totalCount);
    expect(
      csv.map((row) => ({
        id: row.id,
        status: row.status,
        confidence: row.confidence === '' ? null : Number(row.confidence),
        confidenceWords: row.confidence_words || null,
        notes: row.notes || null,
        bases: JSON.parse(row.bases),
        createdAt: row.recorded_at,
        actor: { id: row.actor_id, name: row.actor },
        incident: row.incident_id ? { id: row.incident_id, title: row.incident } : null,
        attributedByOrganization: row.attributed_by_organization_id
          ? { id: row.attributed_by_organization_id, name: row.attributed_by_organization } : null,
        attributedByPerson: row.attributed_by_person_id ? { id: row.attributed_by_person_id, name: row.attributed_by_person } : null,
        attributed: span(row, 'attributed'),
        citations: citationsOf(row),
      })),
    ).toEqual(attributions.nodes);
    expect(csv.every((row) => Number(row.citation_count) === JSON.parse(row.citations).length && row.citation_count !== '0')).toBe(true);
    // Without the subordinates, only the claims naming Russia itself.
    const own = await rows('/export/attributions.csv?actor=Russia');
    const { attributions: ownClaims } = await t.data(`{ attributions(filter: { actor: "Russia" }) { nodes { id actor { name } } } }`);
    expect(own.map((r) => [r.id, r.actor])).toEqual(ownClaims.nodes.map((n: { id: string; actor: { name: string } }) => [n.id, n.actor.name]));
    expect(own.length).toBeLessThan(csv.length);
  });

  it('exports incidents with the incident filter, in the list\'s order, with targets and sources', async () => {
    const { incidents } = await t.data(`{
      incidents(first: 200) {
        nodes {
          id title summary types techniqueIds campaign { id name }
          started { ${DATE_SPAN} } ended { ${DATE_SPAN} } disclosed { ${DATE_SPAN} }
          targets { role organization { name } country { code } }
          sources { id title }
        }
      }
    }`);
    const csv = await rows('/export/incidents.csv');
    expect(
      csv.map((row) => ({
        id: row.id,
        title: row.title,
        summary: row.summary || null,
        types: JSON.parse(row.types),
        techniqueIds: JSON.parse(row.technique_ids),
        campaign: row.campaign_id ? { id: row.campaign_id, name: row.campaign } : null,
        started: span(row, 'started'),
        ended: span(row, 'ended'),
        disclosed: span(row, 'disclosed'),
        targets: JSON.parse(row.targets).map((target: { role: string; organization: string | null; country: string | null; organization_id: string | null }) => ({
          role: target.role,
          organization: target.organization_id ? { name: target.organization } : null,
          country: target.country ? { code: target.country } : null,
        })),
        sources: citationsOf(row).map((c) => c.article),
      })),
    ).toEqual(incidents.nodes);
    const norway = await rows('/export/incidents.csv?targetCountry=Norway');
    expect(norway.map((r) => r.title)).toEqual(["Brute-force intrusion into the Storting's email"]);
    const byTitle = await rows('/export/incidents.csv?sort=TITLE&direction=ASC');
    const { incidents: sorted } = await t.data(`{ incidents(sort: { field: TITLE, direction: ASC }) { nodes { id } } }`);
    expect(byTitle.map((r) => r.id)).toEqual(sorted.nodes.map((n: { id: string }) => n.id));
  });

  it('exports statements with their quotes verbatim (commas, quotes, non-ASCII) and their citations', async () => {
    const { statements } = await t.data(`{
      statements(filter: { speakerRole: "foreign minister" }, first: 200) {
        nodes {
          id quote summary stance speakerRole language
          speakerPerson { id name } speakerOrganization { id name }
          said { ${DATE_SPAN} }
          incidents { id }
          citations { excerpt article { id title } }
        }
      }
    }`);
    const csv = await rows('/export/statements.csv?speakerRole=foreign%20minister');
    expect(csv).toHaveLength(3);
    expect(
      csv.map((row) => ({
        id: row.id,
        quote: row.quote || null,
        summary: row.summary || null,
        stance: row.stance,
        speakerRole: row.speaker_role || null,
        language: row.language || null,
        speakerPerson: row.speaker_person_id ? { id: row.speaker_person_id, name: row.speaker_person } : null,
        speakerOrganization: row.speaker_organization_id ? { id: row.speaker_organization_id, name: row.speaker_organization } : null,
        said: span(row, 'said'),
        incidents: JSON.parse(row.incident_ids).map((id: string) => ({ id })),
        citations: citationsOf(row),
      })),
    ).toEqual(statements.nodes);
    // The raw bytes: RFC 4180 quoting of a quote with a comma, CRLF record ends, UTF-8 without a byte-order mark.
    const file = await download('/export/statements.csv?speakerRole=foreign%20minister');
    expect(file.bytes.subarray(0, 3).toString('hex')).not.toBe('efbbbf');
    expect(file.text.startsWith('id,speaker_person_id,')).toBe(true);
    expect(file.text.endsWith('\r\n')).toBe(true);
    expect(file.text).toContain('"It\'s enough to see which candidates, Marine Le Pen or Francois Fillon,');
    expect(file.text).toContain('Ine Eriksen Søreide');
    expect(file.bytes.includes(Buffer.from('Søreide', 'utf8'))).toBe(true);
  });

  it('lists the dataset records a fact was imported from beside its articles, as GraphQL does', async () => {
    const before = await rows('/export/attributions.csv?actor=Russia');
    const claim = before[0];
    const [{ id: recordId }] = await t.dataSource.query(
      `WITH d AS (INSERT INTO dataset (name, version) VALUES ('EuRepoC', '2024-05') RETURNING id)
       INSERT INTO dataset_record (dataset_id, record_type, record_key, fields)
       SELECT d.id, 'attribution', '42', '{"attribution_basis": "Attribution by receiver government"}' FROM d RETURNING id::text`,
    );
    await t.dataSource.query(
      `INSERT INTO citation (attribution_id, incident_id, dataset_record_id, fields)
       VALUES ($1::uuid, NULL, $3::uuid, '{attribution_basis}'), (NULL, $2::uuid, $3::uuid, '{}')`,
      [claim.id, claim.incident_id, recordId],
    );
    const record = { dataset_record_id: recordId, dataset: 'EuRepoC', version: '2024-05', record_type: 'attribution', record_key: '42' };

    const after = (await rows('/export/attributions.csv?actor=Russia')).find((row) => row.id === claim.id)!;
    const cited = JSON.parse(after.citations);
    // The articles as before, then the record, with the fields of it the claim came from.
    expect(cited).toEqual([...JSON.parse(claim.citations), { ...record, fields: ['attribution_basis'] }]);
    expect(Number(after.citation_count)).toBe(Number(claim.citation_count) + 1);
    const { attribution } = await t.data(`query($id: ID!) { attribution(id: $id) { citations { fields article { id } } } }`, { id: claim.id });
    expect(attribution.citations.map((c: { article: { id: string } | null }) => c.article?.id ?? null))
      .toEqual(cited.map((c: { source_article_id?: string }) => c.source_article_id ?? null));

    const incident = (await rows('/export/incidents.csv')).find((row) => row.id === claim.incident_id)!;
    expect(JSON.parse(incident.citations).at(-1)).toEqual({ ...record, fields: [] });
  });

  it('refuses a bad filter with 400 (or 404 for an unknown actor) and a message that says what is wrong', async () => {
    const cases: [string, number, RegExp][] = [
      ['/export/attributions.csv?minConfidence=high', 400, /^minConfidence must be a number, got "high"$/],
      ['/export/attributions.csv?minConfidence=101', 400, /minConfidence must not be greater than 100/],
      ['/export/attributions.csv?status=MAYBE', 400, /status must be one of the following values/],
      ['/export/attributions.csv?incidentId=42', 400, /incidentId must be a UUID/],
      ['/export/attributions.csv?actr=APT28', 400, /Unknown parameter "actr"; this export takes incidentId, actor,/],
      ['/export/attributions.csv?actor=APT28&actor=GRU', 400, /given more than once/],
      ['/export/incidents.csv?targetCountry=Atlantis', 400, /Atlantis/],
      ['/export/incidents.csv?occurredFrom=2021&occurredTo=2020', 400, /occurredFrom \(2021\) is after filter.occurredTo/],
      ['/export/incidents.csv?sort=LOUDEST', 400, /field must be one of the following values/],
      ['/export/statements.csv?actor=Cozy%20Koala', 404, /ThreatActor "Cozy Koala" does not exist/],
    ];
    for (const [path, status, message] of cases) {
      const response = await download(path);
      expect({ path, status: response.status }).toEqual({ path, status });
      const body = JSON.parse(response.text);
      expect(body.error.message).toMatch(message);
      expect(body.error.code).toBe(status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT');
    }
  });
  /** The bytes as records: split at CRLF outside quoted fields (the one place a record may end). */
  function records(text: string): string[] {
    const out: string[] = [];
    let quoted = false;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '"') quoted = !quoted;
      else if (text[i] === '\n' && !quoted) {
        expect(text[i - 1]).toBe('\r');
        out.push(text.slice(from, i - 1));
        from = i + 1;
      }
    }
    expect(from).toBe(text.length);
    return out;
  }

  it('is RFC 4180 as PostgreSQL writes it: CRLF record ends, quoted line breaks kept as they are, NULL empty, "" an empty text', async () => {
    const [{ id: campaignId }] = await t.dataSource.query(`INSERT INTO campaign (name) VALUES ('CSV format check') RETURNING id::text`);
    const texts = [
      'He said "no", then left',
      'first line\nsecond line\r\nthird line',
      'Søreide — 東京 🛰️, naïve',
      'C:\\temp\\"x"',
    ];
    const spans: [string, string | null, string | null][] = [
      ['day', '2020-08-24', '2020-08-24'],
      ['month (leap February)', '2020-02-01', '2020-02-29'],
      ['year', '2019-01-01', '2019-12-31'],
      ['range', '2020-08-24', '2020-10-31'],
      ['open end', '2019-01-01', null],
      ['open start', null, '2021-06-30'],
      ['unknown', null, null],
      ['a month long but not a calendar month', '2020-01-15', '2020-02-14'],
    ];
    for (const [index, [label, from, to]] of spans.entries()) {
      await t.dataSource.query(
        `INSERT INTO incident (title, summary, started_from, started_to, started_text, types, campaign_id)
         VALUES ($1, $2, $3, $4, $5, '{INTRUSION}', $6)`,
        [`Format check: ${label}`, texts[index % texts.length], from, to, index === 0 ? '' : null, campaignId],
      );
    }

    const file = await download(`/export/incidents.csv?campaignId=${campaignId}`);
    expect(file.status).toBe(200);
    const lines = records(file.text);
    expect(lines[0]).toBe(
      'id,title,summary,started_from,started_to,started_precision,started_display,started_text,ended_from,ended_to,ended_precision,' +
        'ended_display,ended_text,disclosed_from,disclosed_to,disclosed_precision,disclosed_display,disclosed_text,types,technique_ids,' +
        'campaign_id,campaign,targets,citation_count,citations',
    );
    expect(lines).toHaveLength(1 + spans.length);
    // Quotes doubled inside a quoted field; the line breaks of the text exactly as stored (LF stays LF, CRLF stays CRLF).
    expect(file.text).toContain('"He said ""no"", then left"');
    expect(file.text).toContain('"first line\nsecond line\r\nthird line"');
    expect(file.text).toContain('"C:\\temp\\""x"""');
    expect(file.bytes.includes(Buffer.from('Søreide — 東京 🛰️, naïve', 'utf8'))).toBe(true);
    // NULL is an empty field; an empty text (the day's started_text) is "", so the two stay apart.
    const day = lines.find((line) => line.includes('Format check: day'))!;
    expect(day).toContain(',2020-08-24,2020-08-24,DAY,2020-08-24,"",,,UNKNOWN,,,,,UNKNOWN,,,"[""INTRUSION""]",[],');

    // Parsed, every value is what GraphQL says, the computed precision and display included.
    const csv = parse(file.text, { columns: true, record_delimiter: '\r\n', relax_quotes: false }) as Record<string, string>[];
    const { incidents } = await t.data(
      `query($id: ID) { incidents(filter: { campaignId: $id }, first: 50) { nodes { id title summary started { ${DATE_SPAN} } } } }`,
      { id: campaignId },
    );
    expect(csv.map((row) => ({ id: row.id, title: row.title, summary: row.summary, started: span(row, 'started') }))).toEqual(
      incidents.nodes.map((n: { started: { text: string | null } }) => ({ ...n, started: { ...n.started, text: n.started.text || null } })),
    );
    expect(csv.map((row) => `${row.started_precision} ${row.started_display}`).sort()).toEqual(
      [
        'DAY 2020-08-24', 'MONTH 2020-02', 'YEAR 2019', 'RANGE 2020-08-24/2020-10-31', 'RANGE 2019-01-01/..',
        'RANGE ../2021-06-30', 'UNKNOWN ', 'RANGE 2020-01-15/2020-02-14',
      ].sort(),
    );
  });

  it('writes filter values into the COPY statement as escaped literals: quotes and backslashes are data, not SQL', async () => {
    const hostile = `foreign minister' OR true; --\\`;
    const { statements } = await t.data(`query($r: String) { statements(filter: { speakerRole: $r }) { totalCount } }`, { r: hostile });
    const csv = await rows(`/export/statements.csv?speakerRole=${encodeURIComponent(hostile)}`);
    expect(statements.totalCount).toBe(0);
    expect(csv).toHaveLength(0);
    const search = `Storting's \\ "email"`;
    const searched = await rows(`/export/incidents.csv?search=${encodeURIComponent(search)}`);
    const { incidents } = await t.data(`query($s: String) { incidents(filter: { search: $s }) { nodes { id } } }`, { s: search });
    expect(incidents.nodes.length).toBeGreaterThan(0);
    expect(searched.map((r) => r.id)).toEqual(incidents.nodes.map((n: { id: string }) => n.id));
    const nul = await download(`/export/statements.csv?speakerRole=${encodeURIComponent('minister\0')}`);
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.text).error.code).toBe('BAD_USER_INPUT');
  });

  it('answers an export that runs past EXPORT_TIMEOUT_MS before its first row with QUERY_TIMEOUT, never PostgreSQL\'s text', async () => {
    const saved = process.env.EXPORT_TIMEOUT_MS;
    process.env.EXPORT_TIMEOUT_MS = '1';
    try {
      // 1 ms is less than sorting the statements and aggregating their citations and links takes.
      const response = await download('/export/statements.csv');
      expect(response.status).toBe(503);
      expect(JSON.parse(response.text)).toEqual({ error: { message: 'A database query ran past the statement time limit', code: 'QUERY_TIMEOUT' } });
    } finally {
      if (saved === undefined) delete process.env.EXPORT_TIMEOUT_MS;
      else process.env.EXPORT_TIMEOUT_MS = saved;
    }
    // The connection went back to the pool without that limit: the next export runs whole.
    expect((await rows('/export/statements.csv')).length).toBeGreaterThan(0);
  });

  it('cancels the statement when the client goes away, and the connection goes back to the pool idle', async () => {
    // Enough rows (about 24 MB of CSV) that PostgreSQL is still writing when the client stops reading.
    for (let batch = 0; batch < 6; batch++) {
      await t.dataSource.query(
        `INSERT INTO incident (title, summary) SELECT 'Bulk ' || n, repeat('x', 8000) FROM generate_series($1::int * 500 + 1, $1::int * 500 + 500) AS n`,
        [batch],
      );
    }
    // Watched from a connection of its own: a query through the app's pool could be given the very
    // connection the export has just returned, and would then see itself instead of an idle backend.
    const observer = new Client({ connectionString: t.databaseUrl });
    await observer.connect();
    const backend = async (condition: string, value: unknown) =>
      (await observer.query(
        `SELECT pid, state, query FROM pg_stat_activity WHERE datname = current_database() AND ${condition} AND pid <> pg_backend_pid()`,
        [value],
      )).rows as { pid: number; state: string; query: string }[];
    const sent: string[] = [];
    const query = t.dataSource.query.bind(t.dataSource);
    const spy = jest.spyOn(t.dataSource, 'query').mockImplementation((...args: Parameters<typeof query>) => {
      sent.push(args[0]);
      return query(...args);
    });
    try {
      const abort = new AbortController();
      const response = await fetch(`${origin}/export/incidents.csv`, { signal: abort.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // PostgreSQL is blocked writing to the API, which waits for the client.
      const [running, ...others] = await backend(`query LIKE 'COPY (%' AND state = $1`, 'active');
      expect({ running: Boolean(running), others }).toEqual({ running: true, others: [] });
      abort.abort();
      let after = await backend('pid = $1', running.pid);
      for (let tries = 0; tries < 50 && !(after[0]?.state === 'idle' && after[0].query === 'ROLLBACK'); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await backend('pid = $1', running.pid);
      }
      // The statement was cancelled, its transaction rolled back, and the connection is idle in the pool.
      expect(sent.filter((sql) => sql.includes('pg_cancel_backend'))).toHaveLength(1);
      expect(after.map((b) => [b.state, b.query])).toEqual([['idle', 'ROLLBACK']]);
    } finally {
      spy.mockRestore();
      await observer.end();
    }
    await t.dataSource.query(`DELETE FROM incident WHERE title LIKE 'Bulk %'`);
    expect((await rows('/export/incidents.csv?targetCountry=Norway')).map((r) => r.title)).toEqual(["Brute-force intrusion into the Storting's email"]);
  });

  describe('with PUBLIC_READ off', () => {
    let closed: TestApp;
    let closedOrigin: string;
    beforeAll(async () => {
      closed = await startTestApp({ publicRead: false });
      closedOrigin = (await closed.app.getUrl()).replace('[::1]', '127.0.0.1');
    });
    afterAll(async () => closed?.close());

    /** A download refused without a token and with a forged one; what a reader's token gets. */
    async function readerGets(path: string): Promise<globalThis.Response> {
      const get = (headers: Record<string, string> = {}) => fetch(`${closedOrigin}${path}`, { headers });
      const anonymous = await get();
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/PUBLIC_READ is off/) });
      const forged = await get({ authorization: 'Bearer not-a-token' });
      expect(forged.status).toBe(401);
      expect((await forged.json()).error.code).toBe('UNAUTHENTICATED');
      const reader = await closed.as(Role.Reader);
      return get({ authorization: `Bearer ${reader.token}` });
    }

    it('needs a valid token, as a GraphQL read does', async () => {
      const allowed = await readerGets('/export/attributions.csv');
      expect(allowed.status).toBe(200);
      // An empty database: the header line only.
      expect(await allowed.text()).toBe(
        'id,incident_id,incident,campaign_id,campaign,actor_id,actor,attributed_by_organization_id,attributed_by_organization,' +
          'attributed_by_person_id,attributed_by_person,attributed_from,attributed_to,attributed_precision,attributed_display,' +
          'attributed_text,status,confidence,confidence_words,bases,notes,recorded_at,citation_count,citations\r\n',
      );
    });

    it('holds the STIX download (GET /stix/bundle) to the same rule', async () => {
      const allowed = await readerGets('/stix/bundle');
      expect(allowed.status).toBe(200);
      expect((await allowed.json()).type).toBe('bundle');
    });
  });
});
