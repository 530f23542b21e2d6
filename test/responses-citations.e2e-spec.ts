/**
 * Responses and citations on the founding seed: the French Defense Council's planned meeting,
 * APT28's tie to GRU as PST states it, statement quotes checked against the cited body, and the
 * response mutations with their error cases.
 */
import { seedId } from '../src/seed/seed';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

const MACRON = seedId('incident:macron-campaign-2017');
const FRANCE = seedId('article:france-denounces-cyberattacks');
const NORWAY = seedId('article:norway-accuses-russian-hackers');
const RESPONSE_FIELDS = `id kind codedType responded { display text } responderOrganization { name } responderCountry { code }
  incident { title } citations { kind excerpt fields article { title retrieved } record { recordKey } }`;

describe('responses and citations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  it('the founding seed records the French Defense Council\'s planned special meeting, citing its excerpt', async () => {
    const { incident } = await t.data(`query($id: ID!) { incident(id: $id) {
      responses { totalCount nodes { ${RESPONSE_FIELDS} } }
      timeline { nodes { kind response { kind } citations { excerpt } } } } }`, { id: MACRON });
    expect(incident.responses.totalCount).toBe(1);
    const [response] = incident.responses.nodes;
    expect(response).toMatchObject({
      kind: 'EXECUTIVE_OR_LEGISLATIVE', codedType: null, responded: { display: '2017', text: 'planned next week' },
      responderOrganization: { name: 'French Defense Council' }, responderCountry: { code: 'FR' },
      citations: [{
        kind: 'ARTICLE', fields: [], record: null, article: { title: 'France denounces cyberattacks blamed on Moscow', retrieved: true },
        excerpt: 'A special meeting of the French Defense Council is planned next week to strengthen measures to protect against this kind of threat.',
      }],
    });
    const entries = incident.timeline.nodes.filter((e: { kind: string }) => e.kind === 'RESPONSE');
    expect(entries).toEqual([{ kind: 'RESPONSE', response: { kind: 'EXECUTIVE_OR_LEGISLATIVE' }, citations: [response.citations[0] && { excerpt: response.citations[0].excerpt }] }]);

    const { country } = await t.data(`{ country(nameOrCode: "France") { responses { nodes { id } } } }`);
    expect(country.responses.nodes).toEqual([{ id: response.id }]);
    const { responses } = await t.data(`{ responses(filter: { kinds: [EXECUTIVE_OR_LEGISLATIVE], respondedFrom: "2017", respondedTo: "2017-12" }) { totalCount } }`);
    expect(responses.totalCount).toBe(1);
    const none = await t.data(`{ responses(filter: { respondedFrom: "2018" }) { totalCount } }`);
    expect(none.responses.totalCount).toBe(0);
  });

  it('APT28 has ties to GRU (not a unit of it), as PST says, with the passage that says so', async () => {
    const { threatActorByName } = await t.data(`{ threatActorByName(name: "Fancy Bear") {
      name parentTie parent { name parentTie parentTieCitations { excerpt } } parentTieCitations { kind excerpt article { title } } } }`);
    expect(threatActorByName).toEqual({
      name: 'APT28', parentTie: 'HAS_TIES_TO',
      parent: { name: 'GRU', parentTie: 'UNIT_OF', parentTieCitations: [{ excerpt: "GRU, Russia's military intelligence agency" }] },
      parentTieCitations: [{
        kind: 'ARTICLE', article: { title: 'Norway accuses Russian hackers of parliament attack' },
        excerpt: "This actor has ties to GRU, Russia's military intelligence agency.",
      }],
    });
  });

  it('incidents list their articles among their citations', async () => {
    const { incident } = await t.data(`query($id: ID!) { incident(id: $id) { citations { kind article { id } excerpt } } }`, { id: MACRON });
    expect(incident.citations).toEqual([{ kind: 'ARTICLE', article: { id: FRANCE }, excerpt: null }]);
  });

  it('refuses a statement quote that is not in the cited article (BAD_USER_INPUT), accepts one that is', async () => {
    const { organizations } = await t.data(`{ organizations(filter: { search: "PST" }) { nodes { id } } }`);
    const create = (quote: string) => t.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { id quote } }`, {
      input: {
        speakerOrganizationId: organizations.nodes[0].id, stance: 'ACCUSES', quote,
        sources: [{ sourceArticleId: NORWAY, excerpt: 'This actor has ties to GRU' }],
      },
    });
    const madeUp = await create('The GRU ordered the attack on the Storting');
    expect(errorCodes(madeUp)).toEqual(['BAD_USER_INPUT']);
    expect(madeUp.errors![0].message).toContain('does not occur in any cited article');
    const real = await create('this actor has ties to GRU');
    expect(real.errors).toBeUndefined();
  });

  it('creates, updates and deletes a response; refuses one without a responder, a subject or a real excerpt', async () => {
    const { organizations } = await t.data(`{ organizations(filter: { search: "Government of France" }) { nodes { id } } }`);
    const input = {
      responderOrganizationId: organizations.nodes[0].id, kind: 'STATEMENT', incidentId: MACRON, responded: { on: '2017', text: 'Wednesday' },
      sources: [{ sourceArticleId: FRANCE, excerpt: 'France warned Russia Wednesday against meddling in the elections' }],
    };
    const created = await t.data(`mutation($input: CreateResponseInput!) { createResponse(input: $input) { ${RESPONSE_FIELDS} } }`, { input });
    expect(created.createResponse.citations).toHaveLength(1);
    const id = created.createResponse.id;
    const updated = await t.data(`mutation($input: UpdateResponseInput!) { updateResponse(input: $input) { kind codedSubtype } }`, {
      input: { id, kind: 'DIPLOMATIC', codedSubtype: 'Warning' },
    });
    expect(updated.updateResponse).toEqual({ kind: 'DIPLOMATIC', codedSubtype: 'Warning' });

    const bad = async (change: Record<string, unknown>) =>
      errorCodes(await t.gql(`mutation($input: CreateResponseInput!) { createResponse(input: $input) { id } }`, { input: { ...input, ...change } }));
    expect(await bad({ responderOrganizationId: null })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ incidentId: null })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ sources: [{ sourceArticleId: FRANCE, excerpt: 'France declared war' }] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ incidentId: '00000000-0000-4000-8000-000000000000' })).toEqual(['NOT_FOUND']);

    expect((await t.data(`mutation($id: ID!) { deleteResponse(id: $id) }`, { id })).deleteResponse).toBe(id);
    const gone = await t.gql(`query($id: ID!) { response(id: $id) { id } }`, { id });
    expect(gone.data?.response).toBeNull();
    expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
  });
});
