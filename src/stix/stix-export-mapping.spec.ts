import { AttributionStatus } from '../attributions/attribution.entity';
import { DateSpanColumns } from '../common/date-span';
import { compact, spanToStix, withExtension } from './stix-extension';
import {
  ArticleRow, AttributionRow, Citation, StatementRow, actorType, articleJson, articleObject, attributionJson, attributionObject, externalReferences, identify,
  refOf, statementJson, statementObject, stixUrl,
} from './stix-export-mapping';

/**
 * The note as it was built before statementJson (an object through withExtension and compact, then JSON.stringify):
 * kept here as the reference that the hand-written text must match byte for byte.
 */
function noteAsObject(row: StatementRow): Record<string, unknown> {
  const person = row.speaker_person_id ? refOf('identity', 'person', row.speaker_person_id, row.speaker_person_stix) : undefined;
  const organization = row.speaker_organization_id
    ? refOf('identity', 'organization', row.speaker_organization_id, row.speaker_organization_stix) : undefined;
  const about = (row.refs ?? []).map((r) => refOf(r.type, r.table, r.id, r.stix)).sort();
  const said: DateSpanColumns = { from: (row.said_from as string) ?? null, to: (row.said_to as string) ?? null, text: (row.said_text as string) ?? null };
  return withExtension({
    type: 'note', spec_version: '2.1', ...identify('note', 'statement', row.id, row as never, row.stix),
    content: row.quote ?? row.summary, abstract: row.quote ? row.summary : undefined,
    authors: [row.speaker_person_name, row.speaker_organization_name].filter((n): n is string => !!n),
    created_by_ref: person ?? organization,
    object_refs: about.length ? about : [(person ?? organization)!],
    lang: row.language, external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }, {
    stance: row.stance, said: spanToStix(said), quote: row.quote, summary: row.summary, speaker_role: row.speaker_role,
    speaker_person_ref: person, speaker_organization_ref: organization,
  });
}

const citation = (over: Partial<Citation>): Citation => ({
  article: null, article_stix: null, title: null, url: null, publisher: null, excerpt: null, dataset: null, version: null,
  record_type: null, record_key: null, ...over,
});

const row = (over: Partial<StatementRow>): StatementRow => ({
  id: '00000000-0000-0000-0000-000000000010', speaker_person_id: null, speaker_person_stix: null, speaker_person_name: null,
  speaker_organization_id: null, speaker_organization_stix: null, speaker_organization_name: null, speaker_role: null,
  quote: null, summary: null, language: null, stance: 'ACCUSES', refs: null, citations: null,
  created_at: '2025-12-01T14:40:00.000Z', updated_at: '2025-12-01T14:40:00.000Z', stix: null, ...over,
});

const PERSON = '00000000-0000-0000-0000-000000000020';
const ORGANIZATION = '00000000-0000-0000-0000-000000000030';
const ARTICLE = '00000000-0000-0000-0000-000000000040';

describe('statementJson', () => {
  const cases: [string, StatementRow][] = [
    ['a quote and a summary, a person of an organization, links and an article', row({
      quote: 'We "know" who did it.\n\u2028Tab\there, é, 😀, \u0007', summary: 'Blames the GRU.', language: 'en', speaker_role: 'Minister',
      speaker_person_id: PERSON, speaker_person_name: 'Jane Doe', speaker_organization_id: ORGANIZATION, speaker_organization_name: 'Ministry',
      said_from: '2020-08-01', said_to: '2020-08-31', said_text: 'in August',
      refs: [
        { table: 'incident', id: '00000000-0000-0000-0000-000000000050', type: 'incident', stix: null },
        { table: 'country', id: 'RU', type: 'location', stix: null },
        { table: 'attribution', id: '00000000-0000-0000-0000-000000000060', type: 'opinion', stix: null },
      ],
      citations: [citation({ article: ARTICLE, title: 'A title', url: 'https://example.org/a', excerpt: 'said "so"' }),
        citation({ record_key: 'x--1', record_type: 'note', dataset: 'STIX 2.1 bundle', version: 'bundle--1' })],
    })],
    ['only a summary, an organization, no links (the speaker is what it is about)', row({
      summary: 'Denies it.', speaker_organization_id: ORGANIZATION, speaker_organization_name: 'Embassy', said_text: 'on Monday',
    })],
    ['empty strings are left out as compact leaves them out', row({
      quote: '', summary: 'S', speaker_role: '', language: '', speaker_person_id: PERSON, speaker_person_name: '',
      citations: [citation({ article: ARTICLE, publisher: 'Reuters', excerpt: '' })],
    })],
    ['imported before: the remembered id and timestamps, and its own record left out of the references', row({
      quote: 'Q', speaker_person_id: PERSON, speaker_person_stix: ['identity--11111111-1111-4111-8111-111111111111'], updated_at: '2025-12-01T14:40:00.000Z',
      stix: [{ id: 'note--22222222-2222-4222-8222-222222222222', created: '2020-01-01T00:00:00.000Z', modified: '2020-01-02T00:00:00.000Z', at: '2025-12-02T00:00:00.000Z' }],
      citations: [citation({ record_key: 'note--22222222-2222-4222-8222-222222222222', record_type: 'note', dataset: 'D', version: '1' })],
    })],
  ];

  it.each(cases)('writes what JSON.stringify of the object would: %s', (_name, statement) => {
    expect(statementJson(statement)).toBe(JSON.stringify(noteAsObject(statement)));
    expect(statementObject(statement)).toEqual(noteAsObject(statement));
    // As the export's SQL reads it: quote and summary as JSON text already (to_json), not as text.
    const json = (v: string | null | undefined) => (v == null ? null : JSON.stringify(v));
    const asRead = { ...statement, quote: undefined, summary: undefined, quote_json: json(statement.quote), summary_json: json(statement.summary) };
    expect(statementJson(asRead)).toBe(JSON.stringify(noteAsObject(statement)));
  });
});

/** The claim as it was built before attributionJson: the reference for its text. */
function claimAsObject(row: AttributionRow): Record<string, unknown> {
  const subject = row.incident_id
    ? refOf('incident', 'incident', row.incident_id, row.subject_stix)
    : refOf('campaign', 'campaign', row.campaign_id!, row.subject_stix);
  const actor = refOf(actorType(row.actor_kind), 'threat_actor', row.actor_id, row.actor_stix);
  const organization = row.attributed_by_organization_id
    ? refOf('identity', 'organization', row.attributed_by_organization_id, row.organization_stix) : undefined;
  const person = row.attributed_by_person_id ? refOf('identity', 'person', row.attributed_by_person_id, row.person_stix) : undefined;
  const span: DateSpanColumns = { from: (row.attributed_from as string) ?? null, to: (row.attributed_to as string) ?? null, text: (row.attributed_text as string) ?? null };
  const ext = {
    attributed: spanToStix(span), confidence_words: row.confidence_words, bases: row.bases, claim_status: row.status, notes: row.notes,
    attributed_by_person_ref: organization ? person : undefined,
    attributing_country_code: row.attributing_country_code, coded_type: row.coded_type, coded_basis: row.coded_basis,
  };
  const references = externalReferences(row.citations, (row.stix ?? []).map((s) => s.id));
  if (row.status === AttributionStatus.DENIED || row.status === AttributionStatus.DISPUTED) {
    const contested = (row.contested ?? []).map((c) => refOf('relationship', 'attribution', c.id, c.stix)).sort();
    return withExtension({
      type: 'opinion', spec_version: '2.1', ...identify('opinion', 'attribution', row.id, row as never, row.stix),
      created_by_ref: organization ?? person, authors: row.party_name ? [row.party_name] : undefined,
      opinion: row.status === AttributionStatus.DENIED ? 'strongly-disagree' : 'disagree',
      explanation: row.notes, confidence: row.confidence ?? undefined,
      object_refs: contested.length ? contested : [subject, actor], external_references: references,
    }, { ...ext, subject_ref: subject, actor_ref: actor });
  }
  return withExtension({
    type: 'relationship', spec_version: '2.1', ...identify('relationship', 'attribution', row.id, row as never, row.stix),
    relationship_type: 'attributed-to', source_ref: subject, target_ref: actor,
    created_by_ref: organization ?? person, confidence: row.confidence ?? undefined,
    start_time: row.attributed_from ? `${row.attributed_from as string}T00:00:00.000Z` : undefined, description: row.notes,
    external_references: references,
  }, ext);
}

const claim = (over: Partial<AttributionRow>): AttributionRow => ({
  id: '00000000-0000-0000-0000-000000000070', incident_id: '00000000-0000-0000-0000-000000000050', campaign_id: null, subject_stix: null,
  actor_id: '00000000-0000-0000-0000-000000000080', actor_kind: 'APT_GROUP', actor_stix: null,
  attributed_by_organization_id: null, organization_stix: null, attributed_by_person_id: null, person_stix: null, party_name: null,
  confidence: null, confidence_words: null, bases: [], status: 'ASSERTED', notes: null,
  attributing_country_code: null, coded_type: null, coded_basis: null, contested: null, citations: null,
  created_at: '2025-12-01T14:40:00.000Z', updated_at: '2025-12-01T14:40:00.000Z', stix: null, ...over,
});

describe('attributionJson', () => {
  const cases: [string, AttributionRow][] = [
    ['an asserted claim by an organization and a person, with everything', claim({
      attributed_by_organization_id: ORGANIZATION, attributed_by_person_id: PERSON, party_name: 'PST', confidence: 0, confidence_words: 'likely',
      bases: ['TECHNICAL', 'INTELLIGENCE'], notes: 'Said "likely".', attributed_from: '2020-10-13', attributed_to: '2020-10-13', attributed_text: 'on 13 October',
      citations: [citation({ article: ARTICLE, title: 'T', url: 'https://example.org/t', excerpt: 'E' })],
    })],
    ['a claim coded by a dataset without a party, about a campaign, of a state', claim({
      incident_id: null, campaign_id: '00000000-0000-0000-0000-000000000090', actor_kind: 'STATE', status: 'RETRACTED', confidence: 85,
      attributing_country_code: 'US', coded_type: 'Attribution', coded_basis: 'Political', notes: '',
    })],
    ['a denial of the claims it contests', claim({
      status: 'DENIED', attributed_by_person_id: PERSON, party_name: 'Embassy spokesman', notes: 'Nonsense.',
      contested: [{ id: '00000000-0000-0000-0000-000000000071', stix: null }, { id: '00000000-0000-0000-0000-000000000072', stix: null }],
    })],
    ['a dispute with no claim on record (the incident and the actor instead), imported before', claim({
      status: 'DISPUTED', actor_kind: 'MILITARY_UNIT', attributed_by_organization_id: ORGANIZATION, confidence: 40,
      stix: [{ id: 'opinion--33333333-3333-4333-8333-333333333333', created: '2020-01-01T00:00:00.000Z', modified: '2020-01-02T00:00:00.000Z', at: '2025-12-02T00:00:00.000Z' }],
    })],
  ];

  it.each(cases)('writes what JSON.stringify of the object would: %s', (_name, row) => {
    expect(attributionJson(row)).toBe(JSON.stringify(claimAsObject(row)));
    expect(attributionObject(row)).toEqual(claimAsObject(row));
  });
});

describe('stixUrl', () => {
  it('keeps a URI as written, and writes what RFC 3986 does not allow percent-encoded', () => {
    expect(stixUrl('https://attack.mitre.org/groups/G0007')).toBe('https://attack.mitre.org/groups/G0007');
    // Both from MISP's galaxy: a trailing space, and a | in the fragment.
    expect(stixUrl('https://www.fireeye.com/blog/triton.html ')).toBe('https://www.fireeye.com/blog/triton.html');
    expect(stixUrl('https://catalyst.prodaft.com/public/report/lucid/overview#paragraph-1055|388'))
      .toBe('https://catalyst.prodaft.com/public/report/lucid/overview#paragraph-1055%7C388');
    expect(stixUrl('https://example.org/a b/100%')).toBe('https://example.org/a%20b/100%25');
    expect(stixUrl('https://例え.jp/パス')).toBe('https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9');
  });

  it('gives no url for what is no absolute URL (the caller keeps it as text)', () => {
    for (const address of ['www.example.org/report', 'see the annex', '', null]) expect(stixUrl(address)).toBeUndefined();
  });
});

/** The report as it was built before articleJson: the reference for its text. */
function reportAsObject(row: ArticleRow): Record<string, unknown> | null {
  const refs = (row.cited_by ?? []).map((r) => refOf(r.type, r.table, r.id, r.stix)).sort();
  if (!row.published_from || refs.length === 0) return null;
  const published: DateSpanColumns = { from: (row.published_from as string) ?? null, to: (row.published_to as string) ?? null, text: (row.published_text as string) ?? null };
  return withExtension({
    type: 'report', spec_version: '2.1', ...identify('report', 'source_article', row.id, row as never, row.stix),
    name: row.title ?? row.url ?? 'source article', published: `${row.published_from as string}T00:00:00.000Z`,
    report_types: ['threat-report'], object_refs: [...new Set(refs)], lang: row.language,
    external_references: row.url ? [compact({ source_name: row.publisher ?? row.title ?? 'source', url: stixUrl(row.url), description: stixUrl(row.url) ? undefined : row.url })] : undefined,
  }, { published_span: spanToStix(published), publisher: row.publisher, article_authors: row.authors });
}

const article = (over: Partial<ArticleRow>): ArticleRow => ({
  id: ARTICLE, title: 'A "title"', url: 'https://example.org/a?b="c"', publisher: 'Reuters', authors: ['Jane Doe', 'Ola Nordmann'], language: 'en',
  published_from: '2020-10-13', published_to: '2020-10-13', published_text: '13 October 2020',
  cited_by: [
    { table: 'statement', id: '00000000-0000-0000-0000-000000000010', type: 'note', stix: null },
    { table: 'incident', id: '00000000-0000-0000-0000-000000000050', type: 'incident', stix: null },
    { table: 'incident', id: '00000000-0000-0000-0000-000000000050', type: 'incident', stix: null },
  ],
  created_at: '2025-12-01T14:40:00.000Z', updated_at: '2025-12-01T14:40:00.000Z', stix: null, ...over,
});

describe('articleJson', () => {
  const cases: [string, ArticleRow][] = [
    ['a dated article with everything, cited twice by one fact', article({})],
    ['no URL, no publisher, no authors, no language, a month', article({
      url: null, publisher: null, authors: [], language: null, published_from: '2020-10-01', published_to: '2020-10-31', published_text: null,
    })],
    ['empty strings are left out as compact leaves them out', article({ publisher: '', language: '', published_text: '', published_to: null })],
    ['imported before: the remembered id and timestamps', article({
      stix: [{ id: 'report--44444444-4444-4444-8444-444444444444', created: '2020-01-01T00:00:00.000Z', modified: '2020-01-02T00:00:00.000Z', at: '2025-12-02T00:00:00.000Z' }],
      cited_by: [{ table: 'statement', id: '00000000-0000-0000-0000-000000000010', type: 'note', stix: ['note--22222222-2222-4222-8222-222222222222'] }],
    })],
  ];

  it.each(cases)('writes what JSON.stringify of the object would: %s', (_name, row) => {
    expect(articleJson(row)).toBe(JSON.stringify(reportAsObject(row)));
    expect(articleObject(row)).toEqual(reportAsObject(row));
  });

  it('writes no report for an article without a date or without a fact citing it', () => {
    expect(articleJson(article({ published_from: null }))).toBeNull();
    expect(articleJson(article({ cited_by: [] }))).toBeNull();
    expect(articleObject(article({ cited_by: null }))).toBeNull();
  });
});
