import { ActorTie, ThreatActorKind } from '../actors/threat-actor.entity';
import { AttributionBasis, AttributionStatus } from '../attributions/attribution.entity';
import { DateSpanInput } from '../common/date-span';
import { TargetRole } from '../incidents/incident-target.entity';
import { IncidentType } from '../incidents/incident.entity';
import { OrganizationKind } from '../organizations/organization.entity';
import { ResponseKind } from '../responses/response.entity';
import { Stance } from '../statements/statement.entity';
import { FRANCE_ARTICLE_BODY, NORWAY_ARTICLE_BODY } from './founding-articles.text';

/**
 * The knowledge in the two founding articles, written down as the articles give it.
 * Rules followed: no date, actor, link or confidence the text does not give; vague
 * dates kept as intervals with the original words ("Sunday", "in October", "later");
 * "Moscow" and "Russian intelligence" are not narrowed to a named unit.
 * The years 2016, 2017 and 2020 are the ones the project's founding brief gives for
 * these events; the articles themselves say "earlier this year" and give no year.
 * Keys are stable: they become the rows' ids, so loading twice changes nothing.
 */
export interface SeedData {
  articles: { key: string; title: string; section: string; body: string; language: string }[];
  organizations: { key: string; name: string; kind: OrganizationKind; country: string | null; sector?: string; description?: string }[];
  people: { key: string; name: string; role: string; organization?: string; country: string }[];
  actors: {
    key: string; name: string; kind: ThreatActorKind; country?: string; sponsorCountry?: string;
    parent?: string; description?: string; aliases: { name: string; source: string }[];
    /** What the article says ties the actor to its parent, and the passage that says it. */
    parentTie?: { tie: ActorTie; article: string; excerpt: string };
  }[];
  campaigns: { key: string; name: string; description: string; started: DateSpanInput }[];
  incidents: {
    key: string; title: string; summary: string; started?: DateSpanInput; disclosed?: DateSpanInput;
    types: IncidentType[]; techniqueIds: string[]; campaign?: string; articles: string[];
    targets: { role: TargetRole; organization?: string; person?: string; country?: string }[];
  }[];
  statements: {
    key: string; article: string; excerpt: string; speakerPerson?: string; speakerOrganization?: string;
    speakerRole?: string; said?: DateSpanInput; quote?: string; summary?: string; stance: Stance;
    incidents: string[]; actors: string[]; countries: string[];
  }[];
  attributions: {
    key: string; incident: string; actor: string; byOrganization?: string; byPerson?: string;
    attributed?: DateSpanInput; confidenceWords?: string; bases: AttributionBasis[];
    status: AttributionStatus; notes?: string; statements: string[];
    /** The articles and exact passages that report the claim (at least one). */
    sources: { article: string; excerpt: string }[];
  }[];
  responses?: {
    key: string; incident: string; responderOrganization: string; responderCountry: string; responded: DateSpanInput;
    kind: ResponseKind; description: string; article: string; excerpt: string;
  }[];
}

const FRANCE = 'article:france-denounces-cyberattacks';
const NORWAY = 'article:norway-accuses-russian-hackers';
const ARTICLE_1 = 'Article "France denounces cyberattacks blamed on Moscow"';
const ARTICLE_2 = 'Article "Norway accuses Russian hackers of parliament attack"';

export const FOUNDING_ARTICLES: SeedData = {
  articles: [
    { key: FRANCE, title: 'France denounces cyberattacks blamed on Moscow', section: 'Hacking', body: FRANCE_ARTICLE_BODY, language: 'en' },
    { key: NORWAY, title: 'Norway accuses Russian hackers of parliament attack', section: 'Hacking', body: NORWAY_ARTICLE_BODY, language: 'en' },
  ],

  organizations: [
    { key: 'org:macron-campaign', name: "Emmanuel Macron's presidential campaign", kind: OrganizationKind.POLITICAL_CAMPAIGN, country: 'FR', sector: 'Political party',
      description: 'Campaign of the pro-Europe candidate Emmanuel Macron in the French presidential election.' },
    { key: 'org:france-government', name: 'Government of France', kind: OrganizationKind.GOVERNMENT, country: 'FR', sector: 'Government' },
    { key: 'org:us-intelligence', name: 'US intelligence agencies', kind: OrganizationKind.INTELLIGENCE_AGENCY, country: 'US', sector: 'Government',
      description: 'As the source names them, without naming an agency.' },
    { key: 'org:us-democratic-party', name: 'Democratic Party', kind: OrganizationKind.POLITICAL_PARTY, country: 'US', sector: 'Political party' },
    { key: 'org:storting', name: 'Storting', kind: OrganizationKind.PARLIAMENT, country: 'NO', sector: 'Government', description: "Norway's parliament." },
    { key: 'org:pst', name: 'PST', kind: OrganizationKind.INTELLIGENCE_AGENCY, country: 'NO', sector: 'Government',
      description: "Norway's domestic spy agency; the source also calls it the Norwegian intelligence agency." },
    { key: 'org:norway-government', name: 'Government of Norway', kind: OrganizationKind.GOVERNMENT, country: 'NO', sector: 'Government' },
    { key: 'org:france-defense-council', name: 'French Defense Council', kind: OrganizationKind.GOVERNMENT, country: 'FR', sector: 'Government' },
    { key: 'org:russia-embassy-norway', name: 'Embassy of Russia in Norway', kind: OrganizationKind.EMBASSY, country: 'RU', sector: 'Diplomacy',
      description: "Russia's embassy in Norway." },
  ],

  people: [
    { key: 'person:ayrault', name: 'Jean-Marc Ayrault', role: 'Foreign Minister', organization: 'org:france-government', country: 'FR' },
    { key: 'person:macron', name: 'Emmanuel Macron', role: 'Presidential candidate', organization: 'org:macron-campaign', country: 'FR' },
    { key: 'person:merkel', name: 'Angela Merkel', role: 'Chancellor', country: 'DE' },
    { key: 'person:soreide', name: 'Ine Eriksen Søreide', role: 'Foreign Minister', organization: 'org:norway-government', country: 'NO' },
  ],

  actors: [
    { key: 'actor:russia', name: 'Russian Federation', kind: ThreatActorKind.STATE, country: 'RU',
      description: 'The Russian state, as accused by officials ("Moscow", "Russia") without naming a unit.',
      aliases: [{ name: 'Russia', source: ARTICLE_1 }, { name: 'Moscow', source: ARTICLE_1 }] },
    { key: 'actor:gru', name: 'GRU', kind: ThreatActorKind.INTELLIGENCE_AGENCY, country: 'RU', sponsorCountry: 'RU', parent: 'actor:russia',
      description: "Russia's military intelligence agency.", aliases: [],
      parentTie: { tie: ActorTie.UNIT_OF, article: NORWAY, excerpt: "GRU, Russia's military intelligence agency" } },
    { key: 'actor:apt28', name: 'APT28', kind: ThreatActorKind.APT_GROUP, country: 'RU', sponsorCountry: 'RU', parent: 'actor:gru',
      description: 'A cyber actor with ties to GRU (PST); "a group regularly accused of attacks including on the US election".',
      aliases: [{ name: 'Fancy Bear', source: ARTICLE_2 }],
      // PST says "has ties to", not "is a unit of": the tie is recorded as the source states it.
      parentTie: { tie: ActorTie.HAS_TIES_TO, article: NORWAY, excerpt: "This actor has ties to GRU, Russia's military intelligence agency." } },
    { key: 'actor:russian-intelligence', name: 'Russian intelligence', kind: ThreatActorKind.INTELLIGENCE_AGENCY, country: 'RU', sponsorCountry: 'RU',
      parent: 'actor:russia', description: 'As US intelligence agencies name it, without naming a service.', aliases: [] },
  ],

  campaigns: [
    { key: 'campaign:pst-since-2019', name: 'Broader national and international campaign (PST)',
      description: 'PST: the Storting network operation "was part of a broader national and international campaign that has been going on since at least 2019".',
      started: { to: '2019', text: 'since at least 2019' } },
  ],

  incidents: [
    { key: 'incident:macron-campaign-2017', title: "Cyberattacks on Emmanuel Macron's campaign website and email servers",
      summary: 'A flurry of cyberattacks on the campaign website and email servers of Emmanuel Macron over the past month, during the French presidential campaign.',
      started: { on: '2017', text: 'over the past month' }, types: [], techniqueIds: [], articles: [FRANCE],
      targets: [{ role: TargetRole.VICTIM, organization: 'org:macron-campaign' }, { role: TargetRole.VICTIM, person: 'person:macron' }] },
    { key: 'incident:us-democratic-party-2016', title: 'Hacking of US Democratic Party emails',
      summary: "Democratic Party emails were hacked, embarrassing Trump's rival Hillary Clinton, during the US electoral campaign.",
      started: { on: '2016', text: 'the US electoral campaign' }, types: [IncidentType.INTRUSION], techniqueIds: [], articles: [FRANCE],
      targets: [{ role: TargetRole.VICTIM, organization: 'org:us-democratic-party' }] },
    { key: 'incident:storting-2020', title: "Brute-force intrusion into the Storting's email",
      summary: 'A "vast" cyberattack gained access to the emails of some MPs and parliamentary employees; using a brute force attack, the hackers were able to download "sensitive" information.',
      started: { on: '2020-08-24', text: 'August 24th' }, disclosed: { from: '2020-08-24', text: 'officials announced at the time' },
      types: [IncidentType.INTRUSION, IncidentType.CREDENTIAL_ATTACK, IncidentType.DATA_THEFT], techniqueIds: ['T1110'],
      campaign: 'campaign:pst-since-2019', articles: [NORWAY],
      targets: [{ role: TargetRole.VICTIM, organization: 'org:storting' }] },
  ],

  // In the order the events happened as far as the articles tell; that order breaks ties between equally vague dates.
  statements: [
    { key: 'statement:macron-spokesman', article: FRANCE, speakerOrganization: 'org:macron-campaign', speakerRole: 'A spokesman for Macron',
      said: { on: '2017', text: 'before Wednesday (France warned Russia after it)' },
      summary: 'Accused Moscow of being behind a flurry of cyberattacks on his campaign website and email servers over the past month.',
      stance: Stance.ACCUSES, incidents: ['incident:macron-campaign-2017'], actors: ['actor:russia'], countries: ['RU'],
      excerpt: 'A spokesman for Macron, who is currently riding high in the polls, has accused Moscow of being behind a flurry of cyberattacks on his campaign website and email servers over the past month.' },
    { key: 'statement:ayrault-parliament', article: FRANCE, speakerPerson: 'person:ayrault', speakerRole: 'Foreign Minister',
      said: { on: '2017', text: 'earlier this week, to French parliament' },
      quote: 'After what happened inthe United States, it is our responsibility to take all steps necessary to ensure that the integrity of our democratic process is fully respected',
      stance: Stance.WARNS, incidents: ['incident:us-democratic-party-2016'], actors: [], countries: ['US', 'FR'],
      excerpt: 'Earlier this week, Ayrault told French parliament: “After what happened inthe United States, it is our responsibility to take all steps necessary to ensure that the integrity of our democratic process is fully respected”.' },
    { key: 'statement:france-warns-russia', article: FRANCE, speakerOrganization: 'org:france-government',
      said: { on: '2017', text: 'Wednesday' },
      summary: 'France warned Russia against meddling in the elections.',
      stance: Stance.WARNS, incidents: ['incident:macron-campaign-2017'], actors: ['actor:russia'], countries: ['RU', 'FR'],
      // The copy has no-break spaces around Wednesday; excerpts are kept byte for byte.
      excerpt: 'France warned Russia\u00a0Wednesday\u00a0against meddling in the elections, after a spokesman for Macron — the 39-year-old centrist former economy minister — pointed the finger of blame at Moscow.' },
    { key: 'statement:ayrault-jdd', article: FRANCE, speakerPerson: 'person:ayrault', speakerRole: 'Foreign Minister',
      said: { on: '2017', text: 'Sunday, in an interview with Journal du Dimanche' },
      quote: "It's enough to see which candidates, Marine Le Pen or Francois Fillon, Russia expresses preference for in the French electoral campaign. Whereas Emmanuel Macron, who is pro-Europe, is being targeted by cyberattacks. This form of interference in French democratic life is unacceptable and I denounce it.",
      summary: 'Suspected Russian cyberattacks on the French presidential campaign are "unacceptable"; it is clear that Macron is being targeted.',
      stance: Stance.CONDEMNS, incidents: ['incident:macron-campaign-2017'], actors: ['actor:russia'], countries: ['RU', 'FR'],
      excerpt: 'Suspected Russian cyberattacks on the French presidential campaign are "unacceptable", France\'s foreign minister said Sunday, adding it was clear that pro-Europe candidate Emmanuel Macron was being targeted.' },
    { key: 'statement:us-intelligence', article: FRANCE, speakerOrganization: 'org:us-intelligence',
      said: { text: 'already, before the article' },
      summary: "Accused Russian intelligence of hacking Democratic Party emails that embarrassed Trump's rival Hillary Clinton.",
      stance: Stance.ACCUSES, incidents: ['incident:us-democratic-party-2016'], actors: ['actor:russian-intelligence'], countries: ['RU', 'US'],
      excerpt: "US intelligence agencies had already accused Russian intelligence of hacking Democratic Party emails that embarrassed Trump's rival Hillary Clinton." },
    { key: 'statement:merkel', article: FRANCE, speakerPerson: 'person:merkel', speakerRole: 'German Chancellor',
      summary: "Voiced fears that Moscow could try to influence Germany's general election in September through cyberattacks or disinformation.",
      stance: Stance.WARNS, incidents: [], actors: ['actor:russia'], countries: ['DE', 'RU'],
      excerpt: 'German Chancellor Angela Merkel, whose country will hold a general election in September, has also voiced fears that Moscow could try to influence the vote through cyberattacks or disinformation.' },
    { key: 'statement:storting-officials', article: NORWAY, speakerOrganization: 'org:storting', speakerRole: 'officials',
      said: { from: '2020-08-24', text: 'at the time' },
      summary: 'Announced that a "vast" cyberattack on August 24th gained access to the emails of some MPs and parliamentary employees, without speculating on the identity of the attackers.',
      stance: Stance.CONFIRMS, incidents: ['incident:storting-2020'], actors: [], countries: ['NO'],
      excerpt: 'A “vast” cyberattack on August 24th gained access to the emails of some MPs and parliamentary employees, officials announced at the time, without speculating on the identity of the attackers.' },
    { key: 'statement:soreide', article: NORWAY, speakerPerson: 'person:soreide', speakerRole: 'Norwegian Foreign Minister',
      said: { from: '2020-08-24', to: '2020-10-31', text: 'later (after the attack, before the embassy replied in October)' },
      summary: 'Accused Russia of being behind the attack.',
      stance: Stance.ACCUSES, incidents: ['incident:storting-2020'], actors: ['actor:russia'], countries: ['RU', 'NO'],
      excerpt: 'Norwegian Foreign Minister Ine Eriksen Søreide later accused Russia of being behind the attack, and PST investigators have now strengthened her claims.' },
    { key: 'statement:russia-embassy', article: NORWAY, speakerOrganization: 'org:russia-embassy-norway',
      said: { on: '2020-10', text: 'in October, on its Facebook page' },
      quote: 'We consider this a serious and wilful provocation, destructive for bilateral relations',
      summary: "Lambasted Eriksen Søreide's accusation as \"unacceptable\".",
      stance: Stance.DENIES, incidents: ['incident:storting-2020'], actors: ['actor:russia'], countries: ['NO'],
      excerpt: "Russia's embassy in Norway has yet to comment on the PST findings, but in October it lambasted Eriksen Søreide's accusation as “unacceptable”." },
    { key: 'statement:pst', article: NORWAY, speakerOrganization: 'org:pst',
      said: { from: '2020-10', to: '2020-12', text: 'Tuesday (after the embassy\'s October reply, same year as the attack)' },
      quote: 'The investigation shows that the network operation which the Storting (Norwegian parliament) was subjected to was part of a broader national and international campaign that has been going on since at least 2019. '
        + 'Analyses show that it is likely that the operation was led by a cyber actor … known as APT28 or Fancy Bear. This actor has ties to GRU, Russia\'s military intelligence agency. '
        + 'The investigation has however not yielded enough elements to bring charges.',
      summary: 'Blamed a Russian hacker group linked to Moscow\'s military intelligence (APT28 / Fancy Bear) for the attack on the Storting, but there was not enough evidence to pursue charges.',
      stance: Stance.ACCUSES, incidents: ['incident:storting-2020'], actors: ['actor:apt28', 'actor:gru'], countries: ['NO', 'RU'],
      excerpt: 'The Norwegian intelligence agency (PST) said the likely perpetrators were the Fancy Bear collective — a group regularly accused of attacks including on the US election — but there was not enough evidence to pursue charges.' },
  ],

  attributions: [
    { key: 'attribution:macron-spokesman', incident: 'incident:macron-campaign-2017', actor: 'actor:russia', byOrganization: 'org:macron-campaign',
      attributed: { on: '2017', text: 'before Wednesday' }, bases: [], status: AttributionStatus.ASSERTED,
      notes: 'A spokesman for Macron "pointed the finger of blame at Moscow".', statements: ['statement:macron-spokesman'],
      sources: [{ article: FRANCE, excerpt: 'A spokesman for Macron, who is currently riding high in the polls, has accused Moscow of being behind a flurry of cyberattacks on his campaign website and email servers over the past month.' }] },
    { key: 'attribution:us-intelligence', incident: 'incident:us-democratic-party-2016', actor: 'actor:russian-intelligence', byOrganization: 'org:us-intelligence',
      bases: [], status: AttributionStatus.ASSERTED, statements: ['statement:us-intelligence'],
      sources: [{ article: FRANCE, excerpt: "US intelligence agencies had already accused Russian intelligence of hacking Democratic Party emails that embarrassed Trump's rival Hillary Clinton." }] },
    // The article names Søreide alone as accusing Russia: the Government of Norway is not credited with the claim.
    { key: 'attribution:soreide', incident: 'incident:storting-2020', actor: 'actor:russia', byPerson: 'person:soreide',
      attributed: { from: '2020-08-24', to: '2020-10-31', text: 'later' }, bases: [], status: AttributionStatus.ASSERTED,
      statements: ['statement:soreide'],
      sources: [{ article: NORWAY, excerpt: 'Norwegian Foreign Minister Ine Eriksen Søreide later accused Russia of being behind the attack' }] },
    { key: 'attribution:russia-embassy-denial', incident: 'incident:storting-2020', actor: 'actor:russia', byOrganization: 'org:russia-embassy-norway',
      attributed: { on: '2020-10', text: 'in October' }, bases: [], status: AttributionStatus.DENIED,
      notes: 'Rejected Eriksen Søreide\'s accusation as "unacceptable", "a serious and wilful provocation".', statements: ['statement:russia-embassy'],
      sources: [{ article: NORWAY, excerpt: "in October it lambasted Eriksen Søreide's accusation as “unacceptable”." }] },
    { key: 'attribution:pst', incident: 'incident:storting-2020', actor: 'actor:apt28', byOrganization: 'org:pst',
      attributed: { from: '2020-10', to: '2020-12', text: 'Tuesday' }, confidenceWords: 'likely',
      bases: [AttributionBasis.INVESTIGATION], status: AttributionStatus.ASSERTED,
      notes: 'The investigation has however not yielded enough elements to bring charges.', statements: ['statement:pst'],
      sources: [{ article: NORWAY, excerpt: 'Analyses show that it is likely that the operation was led by a cyber actor … known as APT28 or Fancy Bear.' }] },
  ],
  responses: [
    { key: 'response:france-defense-council', incident: 'incident:macron-campaign-2017', responderOrganization: 'org:france-defense-council',
      responderCountry: 'FR', responded: { on: '2017', text: 'planned next week' }, kind: ResponseKind.EXECUTIVE_OR_LEGISLATIVE,
      description: 'A special meeting of the French Defense Council, planned for the week after the article, to strengthen measures to protect against this kind of threat.',
      article: FRANCE,
      excerpt: 'A special meeting of the French Defense Council is planned next week to strengthen measures to protect against this kind of threat.' },
  ],
};
