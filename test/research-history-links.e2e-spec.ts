/**
 * Estimative language, the history of attributions (what was on record when), and the
 * linking workflow (who linked what, suggested links accepted or rejected).
 */
import { dataAs, gqlAs, gqlWithHeaders } from './support/gql-as';
import {
  cite, countRows, createActor, createAttribution, createIncident, createOrganization, createStatement, expectError, unknownId,
} from './mutations-helpers';
import { TestApp, startTestApp } from './support/test-app';

const ATTRIBUTION = `id confidence confidenceWords status`;

describe('estimative language: confidence as words or numbers, both stored', () => {
  let t: TestApp;
  let base: Record<string, unknown>;
  beforeAll(async () => {
    t = await startTestApp();
    const incident = await createIncident(t);
    const actor = await createActor(t);
    const party = await createOrganization(t);
    base = { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: party.id, sources: await cite(t, 'the agency assessed it') };
  });
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { ${ATTRIBUTION} } }`, { input: { ...base, ...input } });

  it.each([
    [{ confidenceWords: 'Highly likely' }, 90, 'Highly likely'],
    [{ confidenceWords: 'almost certainly' }, 90, 'almost certainly'],
    [{ confidenceWords: 'roughly even chance' }, 50, 'roughly even chance'],
    [{ confidenceWords: 'cannot rule out' }, 30, 'cannot rule out'],
    [{ confidenceWords: 'with high confidence' }, 85, 'with high confidence'],
    [{ confidenceWords: 'very-unlikely' }, 10, 'very-unlikely'],
    [{ confidence: 65 }, 65, null],
    [{ confidence: 65, confidenceWords: 'likely' }, 65, 'likely'],
  ])('%j → confidence %d, words %j', async (input, confidence, words) => {
    const res = await create(input);
    expect(res.errors).toBeUndefined();
    expect(res.data.createAttribution).toMatchObject({ confidence, confidenceWords: words });
  });

  it('refuses unknown words with BAD_USER_INPUT listing the known ones, writing nothing; on update too', async () => {
    const before = await countRows(t, 'attribution');
    const res = await create({ confidenceWords: 'fairly sure' });
    expectError(res, 'BAD_USER_INPUT', /confidenceWords: "fairly sure" is not on the estimative scale/);
    const message = res.errors![0].message;
    for (const word of ['almost certainly', 'highly likely', 'likely', 'probably', 'roughly even chance', 'unlikely', 'cannot rule out']) {
      expect(message).toContain(`"${word}"`);
    }
    expect(res.errors![0].extensions?.knownWords).toEqual(expect.arrayContaining(['likely', 'cannot rule out']));
    expect(await countRows(t, 'attribution')).toBe(before);

    const { id } = (await create({ confidenceWords: 'likely' })).data.createAttribution;
    expectError(
      await t.gql(`mutation ($id: ID!) { updateAttribution(input: { id: $id, confidenceWords: "somewhat plausible" }) { id } }`, { id }),
      'BAD_USER_INPUT',
      /"somewhat plausible" is not on the estimative scale/,
    );
    const { attribution } = await t.data(`query ($id: ID!) { attribution(id: $id) { ${ATTRIBUTION} } }`, { id });
    expect(attribution).toMatchObject({ confidence: 70, confidenceWords: 'likely' });
  });
});

describe('history: every change to an attribution is kept; asOf answers what was on record then', () => {
  let t: TestApp;
  let incident: { id: string };
  let actor: { id: string };
  let party: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    incident = await createIncident(t, { title: 'History incident' });
    actor = await createActor(t, { name: 'History Bear' });
    party = await createOrganization(t, { name: 'History Agency' });
  });
  afterAll(() => t.close());

  const HISTORY = `history { seq operation changedFields recordedAt recordedBy confidence confidenceWords status }`;
  const update = (name: string, input: Record<string, unknown>) =>
    gqlAs(t, name, `mutation ($input: UpdateAttributionInput!) { updateAttribution(input: $input) { id } }`, { input });
  const claimsAsOf = (asOf: string) => t.gql(
    `query ($id: ID!, $asOf: String) { incident(id: $id) { claims(asOf: $asOf) { actor { name } contested strongestConfidence latestConfidence asserters { name } retractions { name } } } }`,
    { id: incident.id, asOf },
  );
  const listAsOf = (asOf: string) => t.gql(
    `query ($id: ID!, $asOf: String) { attributions(asOf: $asOf, filter: { incidentId: $id }) { totalCount nodes { ${ATTRIBUTION} ${HISTORY} } } }`,
    { id: incident.id, asOf },
  );

  it('records creation, each revision and the retraction, with who and when; a change that fails or changes nothing records nothing', async () => {
    const sources = await cite(t, 'History Agency said History Bear was likely behind it');
    const { createAttribution: created } = await dataAs(t, 'alice',
      `mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { id } }`,
      { input: { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: party.id, confidenceWords: 'likely', sources } },
    );
    expect((await update('bob', { id: created.id, confidenceWords: 'highly likely' })).errors).toBeUndefined();
    expect((await update('carol', { id: created.id, status: 'RETRACTED', notes: 'Withdrawn' })).errors).toBeUndefined();
    // The same values again: no change, no revision.
    expect((await update('carol', { id: created.id, status: 'RETRACTED' })).errors).toBeUndefined();
    // A change that fails after the row was saved (unknown statement) is rolled back with its revision.
    expectError(await update('mallory', { id: created.id, confidence: 5, statementIds: [unknownId()] }), 'NOT_FOUND', /Statement ".*" does not exist/);

    const { attribution } = await t.data(`query ($id: ID!) { attribution(id: $id) { ${ATTRIBUTION} ${HISTORY} } }`, { id: created.id });
    expect(attribution).toMatchObject({ confidence: 90, confidenceWords: 'highly likely', status: 'RETRACTED' });
    expect(attribution.history.map(({ operation, changedFields, recordedBy, confidence, confidenceWords, status }: any) =>
      ({ operation, changedFields, recordedBy, confidence, confidenceWords, status }))).toEqual([
      { operation: 'CREATED', changedFields: [], recordedBy: 'alice', confidence: 70, confidenceWords: 'likely', status: 'ASSERTED' },
      { operation: 'UPDATED', changedFields: ['confidence', 'confidenceWords'], recordedBy: 'bob', confidence: 90, confidenceWords: 'highly likely', status: 'ASSERTED' },
      { operation: 'UPDATED', changedFields: ['notes', 'status'], recordedBy: 'carol', confidence: 90, confidenceWords: 'highly likely', status: 'RETRACTED' },
    ]);
    const [created1, revised, retracted] = attribution.history;

    // asOf each recorded instant: the state then (recording time, inclusive).
    expect((await listAsOf(created1.recordedAt)).data.attributions.nodes).toMatchObject([{ id: created.id, confidence: 70, status: 'ASSERTED' }]);
    expect((await listAsOf(revised.recordedAt)).data.attributions.nodes).toMatchObject([{ confidence: 90, status: 'ASSERTED' }]);
    expect((await listAsOf(retracted.recordedAt)).data.attributions.nodes).toMatchObject([{ confidence: 90, status: 'RETRACTED' }]);
    const beforeAll = new Date(new Date(created1.recordedAt).getTime() - 1).toISOString();
    expect((await listAsOf(beforeAll)).data.attributions.totalCount).toBe(0);

    expect((await claimsAsOf(revised.recordedAt)).data.incident.claims).toEqual([{
      actor: { name: 'History Bear' }, contested: false, strongestConfidence: 90, latestConfidence: 90,
      asserters: [{ name: 'History Agency' }], retractions: [],
    }]);
    expect((await claimsAsOf(retracted.recordedAt)).data.incident.claims).toEqual([{
      actor: { name: 'History Bear' }, contested: false, strongestConfidence: null, latestConfidence: null,
      asserters: [], retractions: [{ name: 'History Agency' }],
    }]);

    // Deleted: gone now, still on record before the deletion, with its whole history.
    await dataAs(t, 'dave', `mutation ($id: ID!) { deleteAttribution(id: $id) }`, { id: created.id });
    expect((await t.data(`query ($id: ID!) { attributions(filter: { incidentId: $id }) { totalCount } }`, { id: incident.id })).attributions.totalCount).toBe(0);
    expect((await claimsAsOf(new Date().toISOString())).data.incident.claims).toEqual([]);
    const then = (await listAsOf(retracted.recordedAt)).data.attributions.nodes[0];
    expect(then.status).toBe('RETRACTED');
    expect(then.history.map((h: any) => `${h.operation} by ${h.recordedBy}`)).toEqual([
      'CREATED by alice', 'UPDATED by bob', 'UPDATED by carol', 'DELETED by dave',
    ]);
  });

  it('a date asOf means the end of that day (UTC)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { createAttribution: a } = await t.data(`mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { id } }`, {
      input: { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: party.id, sources: await cite(t, 'a dated claim') },
    });
    expect((await listAsOf(today)).data.attributions.nodes.map((n: any) => n.id)).toEqual([a.id]);
    expect((await listAsOf('2020-10-13')).data.attributions.totalCount).toBe(0);
  });

  it.each(['yesterday', '2020-13-01', '2021-02-29', '2020-10-13T12:00:00', '2020-10', '13.10.2020'])(
    'refuses asOf %p (BAD_USER_INPUT) on attributions and on incident.claims',
    async (asOf) => {
      expectError(await listAsOf(asOf), 'BAD_USER_INPUT', /asOf must be a date \(2020-10-13, meaning the end of that day, UTC\) or a timestamp with a time zone/);
      const res = await claimsAsOf(asOf);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors?.[0].message).toMatch(/asOf must be a date/);
    },
  );
});

describe('linking workflow: links recorded with who and when; suggested links accepted or rejected', () => {
  let t: TestApp;
  let actor: { id: string };
  let parliament: { id: string };
  let speaker: { id: string };
  let near: { id: string }; // attributed to the actor, a month before, targeting the parliament
  let sameCountry: { id: string }; // in Norway, same month, no shared actor
  let old: { id: string }; // attributed to the actor, two years before
  let unrelated: { id: string };
  let statement: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    actor = await createActor(t, { name: 'Link Bear', aliases: [{ name: 'Frosty Link' }] });
    parliament = await createOrganization(t, { name: 'Althing Parliament', kind: 'PARLIAMENT', country: 'NO' });
    const ministry = await createOrganization(t, { name: 'Link Ministry', kind: 'MINISTRY', country: 'NO' });
    speaker = await createOrganization(t, { name: 'Link Agency', kind: 'INTELLIGENCE_AGENCY', country: 'NO' });
    near = await createIncident(t, { title: 'Near incident', started: { on: '2021-03-01' }, targets: [{ organizationId: parliament.id }] });
    sameCountry = await createIncident(t, { title: 'Same-country incident', started: { on: '2021-03' }, targets: [{ organizationId: ministry.id }] });
    old = await createIncident(t, { title: 'Old incident', started: { on: '2019' } });
    unrelated = await createIncident(t, { title: 'Unrelated incident', started: { on: '2021-03-02' } });
    for (const incident of [near, old]) await createAttribution(t, { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: speaker.id });
    statement = await createStatement(t, {
      speakerOrganizationId: speaker.id, said: { on: '2021-03-13' }, actorIds: [actor.id], countries: ['NO'],
      quote: 'The attack on the Althing Parliament was the work of Frosty Link.',
    });
  });
  afterAll(() => t.close());

  const suggest = (withinDays?: number) => t.gql(
    `query ($id: ID!, $within: Int) { suggestedLinks(statementId: $id, withinDays: $within) { incident { id title } score reasons daysApart } }`,
    { id: statement.id, within: withinDays ?? 365 },
  );
  const decide = (mutation: string, incidentId: string, name = 'test admin', statementId = statement.id) => gqlAs(
    t, name,
    `mutation ($s: ID!, $i: ID!) { ${mutation}(statementId: $s, incidentId: $i) {
       action recordedBy recordedAt reasons targetKind targetId incident { title } statement { id } } }`,
    { s: statementId, i: incidentId },
  );

  it('suggests incidents close in time sharing an actor, target, country or quoted name, ranked, with reasons', async () => {
    const res = await suggest();
    expect(res.errors).toBeUndefined();
    expect(res.data.suggestedLinks).toEqual([
      {
        incident: { id: near.id, title: 'Near incident' }, score: 9.93, daysApart: 12,
        reasons: [
          'shares actor Link Bear', "mentions 'Althing Parliament'", "mentions 'Frosty Link' (Link Bear)", 'shares country Norway',
          'said 12 days after the incident started',
        ],
      },
      {
        incident: { id: sameCountry.id, title: 'Same-country incident' }, score: 3, daysApart: 0,
        // Started "2021-03": the statement may be from 18 days before to 12 days after; no day is made up.
        reasons: ['shares country Norway', 'said between 18 days before and 12 days after the incident started'],
      },
    ]);
    // The 2019 incident is 438 days away: suggested only within a wider window.
    const wide = await suggest(1000);
    const oldSuggestion = wide.data.suggestedLinks.find((s: any) => s.incident.id === old.id);
    expect(oldSuggestion).toMatchObject({
      daysApart: 438,
      reasons: ['shares actor Link Bear', "mentions 'Frosty Link' (Link Bear)", 'said 438 to 802 days after the incident started'],
    });
    expect(wide.data.suggestedLinks.map((s: any) => s.incident.id)).not.toContain(unrelated.id);
  });

  it('reject: recorded with its reasons and the caller; not suggested again; twice is a CONFLICT', async () => {
    const res = await decide('rejectSuggestedLink', sameCountry.id, 'Erin');
    expect(res.errors).toBeUndefined();
    expect(res.data.rejectSuggestedLink).toMatchObject({
      action: 'SUGGESTION_REJECTED', recordedBy: 'Erin', targetKind: 'INCIDENT', targetId: sameCountry.id,
      reasons: ['shares country Norway', 'said between 18 days before and 12 days after the incident started'],
      incident: { title: 'Same-country incident' },
    });
    expect((await suggest()).data.suggestedLinks.map((s: any) => s.incident.id)).toEqual([near.id]);
    expectError(await decide('rejectSuggestedLink', sameCountry.id, 'Erin'), 'CONFLICT', /already rejected/);
    expect(await countRows(t, 'statement_incident', 'statement_id = $1', [statement.id])).toBe(0);
  });

  it('accept: links the statement, recording who, when and why; the link shows it', async () => {
    const res = await decide('acceptSuggestedLink', near.id, 'Frank');
    expect(res.errors).toBeUndefined();
    expect(res.data.acceptSuggestedLink).toMatchObject({ action: 'SUGGESTION_ACCEPTED', recordedBy: 'Frank', statement: { id: statement.id } });
    const { statement: s } = await t.data(`query ($id: ID!) { statement(id: $id) {
      incidents { id } links { kind targetId linkedBy linkedAt viaSuggestion reasons incident { title } actor { name } } } }`, { id: statement.id });
    expect(s.incidents).toEqual([{ id: near.id }]);
    const incidentLink = s.links.find((l: any) => l.kind === 'INCIDENT');
    expect(incidentLink).toMatchObject({
      targetId: near.id, linkedBy: 'Frank', viaSuggestion: true, incident: { title: 'Near incident' }, actor: null,
      reasons: expect.arrayContaining(['shares actor Link Bear', 'said 12 days after the incident started']),
    });
    expect(new Date(incidentLink.linkedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await suggest()).data.suggestedLinks).toEqual([]);
    expectError(await decide('acceptSuggestedLink', near.id), 'CONFLICT', /already linked to this incident/);
  });

  it('refuses unknown and malformed ids, and incidents nothing ties to the statement', async () => {
    const missing = unknownId();
    expectError(await decide('acceptSuggestedLink', missing), 'NOT_FOUND', new RegExp(`Incident "${missing}" does not exist`));
    expectError(await decide('rejectSuggestedLink', near.id, 'x', missing), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await decide('acceptSuggestedLink', 'incident-9'), 'BAD_USER_INPUT', /"incident-9" is not a valid Incident id/);
    expectError(await decide('acceptSuggestedLink', unrelated.id), 'CONFLICT', /Nothing ties this statement to that incident/);
    expectError(
      await t.gql(`query ($id: ID!) { suggestedLinks(statementId: $id) { score } }`, { id: missing }),
      'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`),
    );
    expectError(await suggest(0), 'BAD_USER_INPUT', /withinDays must be between 1 and 36500/);
  });

  it('link and unlink a statement and an attribution; every link change is recorded and queryable by caller', async () => {
    const attribution = await createAttribution(t, { incidentId: unrelated.id, actorId: actor.id, attributedByOrganizationId: speaker.id });
    const link = (mutation: string, name: string, attributionId = attribution.id) => gqlAs(
      t, name,
      `mutation ($s: ID!, $a: ID!) { ${mutation}(statementId: $s, attributionId: $a) { attributions { id } } }`,
      { s: statement.id, a: attributionId },
    );
    expect((await link('linkStatementToAttribution', 'Grace')).data.linkStatementToAttribution.attributions).toEqual([{ id: attribution.id }]);
    expect((await link('linkStatementToAttribution', 'Grace')).data.linkStatementToAttribution.attributions).toHaveLength(1);
    const { attribution: seen } = await t.data(`query ($id: ID!) { attribution(id: $id) { statements { id } } }`, { id: attribution.id });
    expect(seen.statements).toEqual([{ id: statement.id }]);
    expect((await link('unlinkStatementFromAttribution', 'Heidi')).data.unlinkStatementFromAttribution.attributions).toEqual([]);
    expectError(await link('unlinkStatementFromAttribution', 'Heidi'), 'NOT_FOUND', /Attribution linked to this statement/);
    const missing = unknownId();
    expectError(await link('linkStatementToAttribution', 'Grace', missing), 'NOT_FOUND', new RegExp(`Attribution "${missing}" does not exist`));
    expectError(await link('linkStatementToAttribution', 'Grace', 'a-1'), 'BAD_USER_INPUT', /"a-1" is not a valid Attribution id/);

    const { statementLinkEvents } = await t.data(`query ($s: ID!) {
      statementLinkEvents(filter: { statementId: $s, targetKind: ATTRIBUTION }) { totalCount nodes { action recordedBy attribution { id } } } }`,
    { s: statement.id });
    // Newest first; linking twice recorded once.
    expect(statementLinkEvents).toEqual({
      totalCount: 2,
      nodes: [
        { action: 'UNLINKED', recordedBy: 'Heidi', attribution: { id: attribution.id } },
        { action: 'LINKED', recordedBy: 'Grace', attribution: { id: attribution.id } },
      ],
    });
    const byFrank = await t.data(`{ statementLinkEvents(filter: { recordedBy: "Frank" }) { nodes { action incident { title } } } }`);
    expect(byFrank.statementLinkEvents.nodes).toEqual([{ action: 'SUGGESTION_ACCEPTED', incident: { title: 'Near incident' } }]);
  });

  it('records links made by creating or updating a statement, and by unlinking, with the caller', async () => {
    const sources = await cite(t, 'Ivan said it');
    const { createStatement: created } = await dataAs(t, 'Ivan',
      `mutation ($input: CreateStatementInput!) { createStatement(input: $input) { id } }`,
      { input: { stance: 'COMMENTS', speakerOrganizationId: speaker.id, summary: 'Ivan said it', incidentIds: [near.id], actorIds: [actor.id], sources } },
    );
    await dataAs(t, 'Judy', `mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { id } }`,
      { input: { id: created.id, incidentIds: [old.id] } });
    await dataAs(t, 'Judy', `mutation ($s: ID!, $a: ID!) { unlinkStatementFromActor(statementId: $s, actorId: $a) { id } }`, { s: created.id, a: actor.id });
    const { statement: s } = await t.data(`query ($id: ID!) { statement(id: $id) {
      linkHistory { action targetKind recordedBy incident { title } actor { name } } links { kind linkedBy incident { title } } } }`, { id: created.id });
    expect(s.linkHistory).toEqual([
      { action: 'LINKED', targetKind: 'INCIDENT', recordedBy: 'Ivan', incident: { title: 'Near incident' }, actor: null },
      { action: 'LINKED', targetKind: 'ACTOR', recordedBy: 'Ivan', incident: null, actor: { name: 'Link Bear' } },
      { action: 'LINKED', targetKind: 'INCIDENT', recordedBy: 'Judy', incident: { title: 'Old incident' }, actor: null },
      { action: 'UNLINKED', targetKind: 'INCIDENT', recordedBy: 'Judy', incident: { title: 'Near incident' }, actor: null },
      { action: 'UNLINKED', targetKind: 'ACTOR', recordedBy: 'Judy', incident: null, actor: { name: 'Link Bear' } },
    ]);
    expect(s.links).toEqual([{ kind: 'INCIDENT', linkedBy: 'Judy', incident: { title: 'Old incident' } }]);
  });

  it('records the authenticated account, whatever an X-Actor-Name header claims; no token, no link', async () => {
    const relink = (headers: Record<string, string>) => gqlWithHeaders(
      t, headers,
      `mutation ($s: ID!, $a: ID!) { linkStatementToActor(statementId: $s, actorId: $a) { id } }`,
      { s: statement.id, a: actor.id },
    );
    const unlink = () => t.gql(`mutation ($s: ID!, $a: ID!) { unlinkStatementFromActor(statementId: $s, actorId: $a) { id } }`, { s: statement.id, a: actor.id });
    const lastBy = async () => (await t.dataSource.query(`SELECT recorded_by FROM statement_link_event ORDER BY id DESC LIMIT 1`))[0].recorded_by;

    await unlink();
    expect(await lastBy()).toBe('test admin');
    const ine = await t.asAccount('Ine Søreide');
    expect((await relink({ authorization: `Bearer ${ine.token}`, 'X-Actor-Name': 'Somebody Else' })).errors).toBeUndefined();
    expect(await lastBy()).toBe('Ine Søreide');
    await unlink();
    const before = await countRows(t, 'statement_link_event');
    expectError(await relink({ 'X-Actor-Name': 'Ine Søreide' }), 'UNAUTHENTICATED', /needs an account with the contributor role/);
    expect(await countRows(t, 'statement_link_event')).toBe(before);
  });
});
