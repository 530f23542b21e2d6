import { seedId } from '../src/seed/seed';
import { TestApp, startTestApp } from './support/test-app';

/** The five questions of the founding brief, each one GraphQL query on the seeded data. */
describe('the five questions, on the founding articles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  it('1. which incidents APT28 was accused of, under any of its names, by whom and how confidently', async () => {
    for (const name of ['Fancy Bear', 'fancy-bear', 'FANCY BEAR', 'apt 28']) {
      const { threatActorByName: actor } = await t.data(
        `query ($name: String!) {
           threatActorByName(name: $name) {
             name
             attributions {
               totalCount
               nodes {
                 status confidence confidenceWords bases notes
                 incident { title }
                 attributedByOrganization { name }
                 attributedByPerson { name }
               }
             }
           }
         }`,
        { name },
      );
      expect(actor.name).toBe('APT28');
      expect(actor.attributions.totalCount).toBe(1);
      expect(actor.attributions.nodes).toEqual([
        {
          status: 'ASSERTED',
          confidence: 70,
          confidenceWords: 'likely',
          bases: ['INVESTIGATION'],
          notes: 'The investigation has however not yielded enough elements to bring charges.',
          incident: { title: "Brute-force intrusion into the Storting's email" },
          attributedByOrganization: { name: 'PST' },
          attributedByPerson: null,
        },
      ]);
    }
  });

  it('2. which incidents targeted Norway, and to which actors they were attributed', async () => {
    const { incidents } = await t.data(`{
      incidents(filter: { targetCountry: "Norway" }) {
        totalCount
        nodes {
          title
          techniqueIds
          targets { organization { name country { code } } }
          attributions { nodes { status actor { name } attributedByOrganization { name } attributedByPerson { name } } }
        }
      }
    }`);
    expect(incidents.totalCount).toBe(1);
    const [storting] = incidents.nodes;
    expect(storting.title).toBe("Brute-force intrusion into the Storting's email");
    expect(storting.techniqueIds).toEqual(['T1110']);
    expect(storting.targets).toEqual([{ organization: { name: 'Storting', country: { code: 'NO' } } }]);
    const claims = storting.attributions.nodes.map(
      (a: any) => `${a.attributedByPerson?.name ?? a.attributedByOrganization.name} ${a.status} ${a.actor.name}`,
    );
    expect(claims.sort()).toEqual([
      'Embassy of Russia in Norway DENIED Russian Federation',
      'Ine Eriksen Søreide ASSERTED Russian Federation',
      'PST ASSERTED APT28',
    ]);
    // The same question by ISO code gives the same answer; France's incidents are not in it.
    const byCode = await t.data(`{ incidents(filter: { targetCountry: "NO" }) { nodes { title } } }`);
    expect(byCode.incidents.nodes).toEqual([{ title: storting.title }]);
  });

  it('3. who said what about the Storting intrusion, in date order, with stance and source article', async () => {
    const { incident } = await t.data(
      `query ($id: ID!) {
         incident(id: $id) {
           started { display precision text }
           statements {
             nodes {
               said { display precision text }
               stance quote summary
               speakerPerson { name role }
               speakerOrganization { name }
               sources { excerpt article { title } }
             }
           }
         }
       }`,
      { id: seedId('incident:storting-2020') },
    );
    expect(incident.started).toEqual({ display: '2020-08-24', precision: 'DAY', text: 'August 24th' });
    const who = incident.statements.nodes.map((s: any) => [s.speakerPerson?.name ?? s.speakerOrganization.name, s.stance, s.said.display]);
    expect(who).toEqual([
      ['Storting', 'CONFIRMS', '2020-08-24/..'],
      ['Ine Eriksen Søreide', 'ACCUSES', '2020-08-24/2020-10-31'],
      ['Embassy of Russia in Norway', 'DENIES', '2020-10'],
      ['PST', 'ACCUSES', '2020-10-01/2020-12-31'],
    ]);
    const embassy = incident.statements.nodes[2];
    expect(embassy.quote).toBe('We consider this a serious and wilful provocation, destructive for bilateral relations');
    expect(embassy.said.precision).toBe('MONTH');
    for (const statement of incident.statements.nodes) {
      expect(statement.sources).toHaveLength(1);
      expect(statement.sources[0].article.title).toBe('Norway accuses Russian hackers of parliament attack');
      expect(statement.sources[0].excerpt.length).toBeGreaterThan(20);
    }
  });

  it('4. which actors sit under the GRU, and which incidents are attributed to any of them', async () => {
    const { threatActorByName: gru } = await t.data(`{
      threatActorByName(name: "GRU") {
        parent { name }
        descendants { name }
        own: incidents { nodes { title } }
        incidents(includeSubordinates: true) { nodes { title attributions { nodes { actor { name } attributedByOrganization { name } } } } }
      }
    }`);
    expect(gru.parent).toEqual({ name: 'Russian Federation' });
    expect(gru.descendants).toEqual([{ name: 'APT28' }]);
    expect(gru.own.nodes).toEqual([]); // nobody attributed anything to the GRU itself
    expect(gru.incidents.nodes.map((i: any) => i.title)).toEqual(["Brute-force intrusion into the Storting's email"]);
    // The same through the incident list filter.
    const { incidents, direct } = await t.data(`{
      incidents(filter: { actor: "GRU", includeSubordinateActors: true }) { nodes { title } }
      direct: incidents(filter: { actor: "GRU" }) { totalCount }
    }`);
    expect(incidents.nodes).toEqual([{ title: "Brute-force intrusion into the Storting's email" }]);
    expect(direct.totalCount).toBe(0);
  });

  it('5. which statements foreign ministers made, and about which incidents', async () => {
    const { statements } = await t.data(`{
      statements(filter: { speakerRole: "foreign minister" }) {
        totalCount
        nodes { speakerPerson { name country { code } } stance said { display text } incidents { title } }
      }
    }`);
    expect(statements.totalCount).toBe(3);
    expect(
      statements.nodes.map((s: any) => [s.speakerPerson.name, s.stance, s.incidents.map((i: any) => i.title)]),
    ).toEqual([
      ['Jean-Marc Ayrault', 'WARNS', ['Hacking of US Democratic Party emails']],
      ['Jean-Marc Ayrault', 'CONDEMNS', ["Cyberattacks on Emmanuel Macron's campaign website and email servers"]],
      ['Ine Eriksen Søreide', 'ACCUSES', ["Brute-force intrusion into the Storting's email"]],
    ]);
  });
});
