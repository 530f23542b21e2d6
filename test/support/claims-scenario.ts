/**
 * Deterministic generated scenarios with many claims: incidents, the parties that
 * accuse, deny, dispute or retract, actors in a hierarchy, vague dates with many ties,
 * estimative words, and articles whose bodies quote every claim (some with no-break
 * spaces). The same seed always gives the same scenario; it loads through loadSeed.
 */
import { ThreatActorKind } from '../../src/actors/threat-actor.entity';
import { AttributionStatus } from '../../src/attributions/attribution.entity';
import { DateSpanInput } from '../../src/common/date-span';
import { TargetRole } from '../../src/incidents/incident-target.entity';
import { OrganizationKind } from '../../src/organizations/organization.entity';
import { SeedData } from '../../src/seed/founding-articles';
import { Stance } from '../../src/statements/statement.entity';
import { seededRandom as random } from './random';


export interface ScenarioOptions {
  seed: number;
  incidents: number;
  claimsPerIncident: number;
}

const WORDS = [undefined, undefined, 'likely', 'highly likely', 'almost certainly', 'roughly even chance', 'unlikely', 'cannot rule out', 'probably'];
const COUNTRIES = ['NO', 'FR', 'DE', 'EE', 'US'];

export function generateScenario({ seed, incidents, claimsPerIncident }: ScenarioOptions): SeedData {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const p = `S${seed}`;
  const data: SeedData = { articles: [], organizations: [], people: [], actors: [], campaigns: [], incidents: [], statements: [], attributions: [] };

  // A hierarchy: one state, two agencies, four groups (parents first, as loadSeed needs).
  data.actors.push({ key: `${p}:actor:state`, name: `${p} State`, kind: ThreatActorKind.STATE, country: 'RU', aliases: [] });
  for (const agency of [0, 1]) {
    data.actors.push({
      key: `${p}:actor:agency${agency}`, name: `${p} Agency ${agency}`, kind: ThreatActorKind.INTELLIGENCE_AGENCY,
      parent: `${p}:actor:state`, aliases: [],
    });
  }
  for (const group of [0, 1, 2, 3]) {
    data.actors.push({
      key: `${p}:actor:group${group}`, name: `${p} Group ${group}`, kind: ThreatActorKind.APT_GROUP,
      parent: `${p}:actor:agency${group % 2}`, aliases: [{ name: `${p} Bear ${group}`, source: 'scenario' }],
    });
  }
  const actorKeys = data.actors.map((a) => a.key);

  const parties = Array.from({ length: 6 }, (_, i) => ({
    key: `${p}:org:${i}`, name: `${p} Party ${i}`, kind: i === 5 ? OrganizationKind.EMBASSY : OrganizationKind.GOVERNMENT,
    country: COUNTRIES[i % COUNTRIES.length],
  }));
  data.organizations.push(...parties);
  const victims = Array.from({ length: incidents }, (_, i) => ({
    key: `${p}:victim:${i}`, name: `${p} Victim ${i}`, kind: OrganizationKind.PARLIAMENT, country: COUNTRIES[i % COUNTRIES.length],
  }));
  data.organizations.push(...victims);

  for (let i = 0; i < incidents; i++) {
    const year = 2015 + Math.floor(next() * 8);
    const month = 1 + Math.floor(next() * 12);
    const day = 1 + Math.floor(next() * 28);
    const mm = String(month).padStart(2, '0');
    const started: DateSpanInput = pick([{ on: `${year}-${mm}-${String(day).padStart(2, '0')}` }, { on: `${year}-${mm}` }, { on: `${year}` }]);
    const incidentKey = `${p}:incident:${i}`;
    const articleKey = `${p}:article:${i}`;
    const sentences: string[] = [`${p} Victim ${i} was attacked.`];

    for (let j = 0; j < claimsPerIncident; j++) {
      const party = pick(parties);
      const actor = pick(actorKeys);
      const status = pick([
        AttributionStatus.ASSERTED, AttributionStatus.ASSERTED, AttributionStatus.ASSERTED,
        AttributionStatus.DENIED, AttributionStatus.DISPUTED, AttributionStatus.RETRACTED,
      ]);
      const words = status === AttributionStatus.ASSERTED ? pick(WORDS) : undefined;
      // Few distinct months after the start, so many claims share an equally vague date.
      const claimYear = year + Math.floor(next() * 2);
      const attributed: DateSpanInput = pick([{ on: `${claimYear}-06` }, { on: `${claimYear}-11` }, { on: `${claimYear}` }, {}]);
      const verb = status === AttributionStatus.ASSERTED ? 'blamed' : status === AttributionStatus.RETRACTED ? 'withdrew its blame of' : 'rejected blaming';
      const actorName = data.actors.find((a) => a.key === actor)!.name;
      // Some bodies carry no-break spaces, as copied articles do; the excerpt uses plain ones.
      const space = next() < 0.3 ? '\u00a0' : ' ';
      const sentence = `Claim ${i}.${j}: ${party.name}${space}${verb} ${actorName}${words ? ` (${words})` : ''} for the attack on ${p} Victim ${i}.`;
      sentences.push(sentence);
      const excerpt = sentence.replace(/\u00a0/g, ' ');
      const statementKey = `${p}:statement:${i}.${j}`;
      data.statements.push({
        key: statementKey, article: articleKey, excerpt, speakerOrganization: party.key, said: attributed,
        summary: `${verb} ${actorName}`, stance: status === AttributionStatus.ASSERTED ? Stance.ACCUSES : Stance.DENIES,
        incidents: [incidentKey], actors: [actor], countries: [party.country],
      });
      data.attributions.push({
        key: `${p}:attribution:${i}.${j}`, incident: incidentKey, actor, byOrganization: party.key, attributed,
        confidenceWords: words, bases: [], status, statements: [statementKey], sources: [{ article: articleKey, excerpt }],
      });
    }
    data.articles.push({ key: articleKey, title: `${p} report ${i}`, section: 'Scenario', body: sentences.join('\n\n'), language: 'en' });
    data.incidents.push({
      key: incidentKey, title: `${p} attack on Victim ${i}`, summary: `Generated incident ${i}.`, started, types: [], techniqueIds: [],
      articles: [articleKey], targets: [{ role: TargetRole.VICTIM, organization: `${p}:victim:${i}` }],
    });
  }
  return data;
}
