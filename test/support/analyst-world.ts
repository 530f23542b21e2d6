import { DataSource } from 'typeorm';
import { normalizeName } from '../../src/common/names';
import { DAY_MS, isoDay as iso, pad2 as pad, lastOfMonth, randomTools, seededRandom as prng } from './random';

/**
 * A small deterministic world for the analyst filter and search tests: actors in a
 * hierarchy (with and without sponsors), organizations and people that are targeted and
 * that attribute, incidents whose titles and summaries draw on a fixed vocabulary, with
 * imprecise start and end dates, targets, attributions with and without confidence in
 * every status, and articles and statements with text. Choices are Zipf-skewed so that a
 * few actors, countries and words dominate; the same seed always gives the same rows.
 *
 * The tests compute their expected answers from these rows in JavaScript, never through
 * the API or the service's SQL.
 */
export interface WorldOrganization { id: string; name: string; kind: string; countryCode: string | null; sector: string | null }
export interface WorldPerson { id: string; name: string; organizationId: string | null; countryCode: string | null }
export interface WorldActor {
  id: string; name: string; kind: string; countryCode: string | null; sponsorCountryCode: string | null; parentId: string | null;
  aliases: string[];
}
export interface WorldIncident {
  id: string; title: string; summary: string | null;
  startedFrom: string | null; startedTo: string | null; endedFrom: string | null; endedTo: string | null;
  types: string[]; techniqueIds: string[]; campaignId: string | null;
}
export interface WorldTarget {
  id: string; incidentId: string; organizationId: string | null; personId: string | null; countryCode: string | null; sector: string | null;
}
export interface WorldAttribution {
  id: string; incidentId: string | null; campaignId: string | null; actorId: string;
  byOrganizationId: string | null; byPersonId: string | null; confidence: number | null; status: string;
}
export interface WorldArticle { id: string; title: string; body: string }
export interface WorldStatement { id: string; speakerOrganizationId: string; speakerRole: string | null; quote: string | null; summary: string | null }
export interface World {
  organizations: WorldOrganization[];
  people: WorldPerson[];
  actors: WorldActor[];
  campaigns: { id: string; name: string }[];
  incidents: WorldIncident[];
  targets: WorldTarget[];
  attributions: WorldAttribution[];
  articles: WorldArticle[];
  statements: WorldStatement[];
}



export const COUNTRIES = ['UA', 'US', 'DE', 'NO', 'FR', 'GB', 'PL', 'EE', 'JP', 'NL'];
export const SECTORS = ['Government', 'Defense', 'Energy', 'Media', 'Finance', 'Health', 'Political party'];
export const KINDS = ['GOVERNMENT', 'MINISTRY', 'COMPANY', 'PARLIAMENT', 'MEDIA', 'POLITICAL_PARTY', 'MILITARY'];
const ATTRIBUTING_KINDS = ['SECURITY_COMPANY', 'GOVERNMENT', 'INTELLIGENCE_AGENCY', 'SECURITY_AGENCY'];
const TYPES = ['INTRUSION', 'PHISHING', 'DATA_THEFT', 'ESPIONAGE', 'MALWARE', 'RANSOMWARE', 'DDOS', 'SABOTAGE'];
const TECHNIQUES = ['T1566', 'T1110', 'T1190', 'T1078', 'T1486', 'T1566.001'];
const STATUSES = ['ASSERTED', 'DISPUTED', 'DENIED', 'RETRACTED'];
const CONFIDENCES = [10, 30, 50, 70, 90, 100];

/**
 * Words of the generated texts. Codenames and places are chosen so that none is the start
 * of another word of the vocabulary, and each stems only to itself: "contains the word"
 * in JavaScript is then exactly what full-text and literal matching find.
 */
export const CODENAMES = ['Nightfall', 'Ironclad', 'Glacier', 'Harbor', 'Quartz', 'Saffron', 'Tundra', 'Meridian', 'Obsidian', 'Lantern'];
export const PLACES = ['Zürich', 'Kraków', 'Tromsø', 'Reykjavík', 'Gdańsk'];
const METHODS = ['spearphishing', 'wiper', 'ransomware', 'credential theft', 'defacement', 'supply chain compromise'];
const VICTIMS = ['ministry', 'utility', 'newspaper', 'parliament', 'bank', 'hospital'];

export function generateWorld(options: { seed: number; incidents: number; articles?: number; statements?: number }): World {
  const random = prng(options.seed);
  const { uuid, int, chance, zipf, some } = randomTools(random);

  // Actors: two states with agencies and groups below; a group that names no sponsor inherits
  // its parent's; unparented groups with and without a sponsor.
  const actors: WorldActor[] = [];
  const actor = (name: string, kind: string, country: string | null, sponsor: string | null, parent: WorldActor | null, aliases: string[] = []) => {
    const a = { id: uuid(), name, kind, countryCode: country, sponsorCountryCode: sponsor, parentId: parent?.id ?? null, aliases };
    actors.push(a);
    return a;
  };
  const northland = actor('Northland State', 'STATE', 'RU', null, null);
  const northAgency = actor('Northland Directorate', 'INTELLIGENCE_AGENCY', 'RU', 'RU', northland, ['Directorate N']);
  const ashen = actor('Ashen Lynx', 'APT_GROUP', 'RU', null, northAgency, ['Group 74', 'Grey-Owl']);
  const boreal = actor('Boreal Kite', 'APT_GROUP', 'RU', 'RU', northAgency, ['Kite Team']);
  const eastland = actor('Eastland State', 'STATE', 'CN', null, null);
  const eastBureau = actor('Eastland Bureau', 'INTELLIGENCE_AGENCY', 'CN', 'CN', eastland);
  const jade = actor('Jade Heron', 'APT_GROUP', 'CN', null, eastBureau, ['Heron Crew']);
  const lazuli = actor('Lazuli Mantis', 'APT_GROUP', 'KP', 'KP', null, ['Mantis Unit']);
  const cobalt = actor('Cobalt Scorpion', 'CRIMINAL_GROUP', null, null, null);
  const hacktivists = actor('Velvet Chorus', 'HACKTIVIST', 'IR', null, null);
  // Accused most often first (Zipf over this order).
  const accusable = [ashen, jade, lazuli, boreal, cobalt, northAgency, hacktivists, eastBureau, northland, eastland];

  const organizations: WorldOrganization[] = [];
  for (let i = 0; i < 24; i++) {
    organizations.push({
      id: uuid(), name: `Target Org ${i}`, kind: zipf(KINDS),
      countryCode: chance(0.9) ? zipf(COUNTRIES) : null,
      // Spelled as people do: the case varies.
      sector: chance(0.85) ? (chance(0.2) ? zipf(SECTORS).toLowerCase() : zipf(SECTORS)) : null,
    });
  }
  const attributors: WorldOrganization[] = [];
  for (let i = 0; i < 8; i++) {
    const org = { id: uuid(), name: `Attributor ${i}`, kind: zipf(ATTRIBUTING_KINDS), countryCode: zipf(COUNTRIES), sector: null };
    organizations.push(org);
    attributors.push(org);
  }
  const people: WorldPerson[] = [];
  for (let i = 0; i < 12; i++) {
    const organization = i % 3 === 0 ? null : i % 3 === 1 ? zipf(attributors) : zipf(organizations.slice(0, 24));
    // Every fourth person has no country of their own (their organization's counts).
    people.push({ id: uuid(), name: `Person ${i}`, organizationId: organization?.id ?? null, countryCode: i % 4 === 3 ? null : zipf(COUNTRIES) });
  }
  const campaigns = [0, 1, 2].map((i) => ({ id: uuid(), name: `Campaign ${CODENAMES[i]}` }));

  const incidents: WorldIncident[] = [];
  const targets: WorldTarget[] = [];
  const attributions: WorldAttribution[] = [];
  const firstDay = Date.UTC(2013, 0, 1);
  for (let i = 0; i < options.incidents; i++) {
    const start = firstDay + Math.floor(Math.sqrt(random()) * 11 * 365) * DAY_MS;
    const d = new Date(start);
    const [y, m] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
    let [startedFrom, startedTo]: (string | null)[] = [null, null];
    const precision = random();
    if (precision < 0.5) [startedFrom, startedTo] = [iso(start), iso(start)];
    else if (precision < 0.68) [startedFrom, startedTo] = [`${y}-${pad(m)}-01`, lastOfMonth(y, m)];
    else if (precision < 0.8) [startedFrom, startedTo] = [`${y}-01-01`, `${y}-12-31`];
    else if (precision < 0.86) startedTo = iso(start); // "since at least"
    else if (precision < 0.9) startedFrom = iso(start); // "from … on"
    let [endedFrom, endedTo]: (string | null)[] = [null, null];
    const ending = random();
    const end = start + int(1, 400) * DAY_MS;
    if (ending < 0.15) [endedFrom, endedTo] = [iso(end), iso(end)];
    else if (ending < 0.22) endedFrom = iso(end); // "still going on after"
    const codename = zipf(CODENAMES);
    const place = chance(0.25) ? zipf(PLACES) : null;
    const method = zipf(METHODS);
    const victim = zipf(VICTIMS);
    const title = chance(0.5)
      ? `Operation ${codename}: ${method} against a ${victim}${place ? ` in ${place}` : ''}`
      : `${method[0].toUpperCase()}${method.slice(1)} against a ${victim}${place ? ` in ${place}` : ''}`;
    // Half the titles leave the codename to the summary, so title and summary matches differ.
    const summary = chance(0.15) ? null : `Investigators describe ${method} by an intrusion set tracked as ${
      title.startsWith('Operation') ? zipf(['unknown', 'several clusters']) : codename}; reporting ${zipf(['continues', 'stopped', 'varies'])}.`;
    const incident: WorldIncident = {
      id: uuid(), title, summary, startedFrom, startedTo, endedFrom, endedTo,
      types: some(TYPES, 2), techniqueIds: chance(0.6) ? some(TECHNIQUES, 2) : [], campaignId: chance(0.3) ? zipf(campaigns).id : null,
    };
    incidents.push(incident);

    const keys = new Set<string>();
    for (let n = int(0, 3); n > 0; n--) {
      const form = random();
      const target: WorldTarget = { id: uuid(), incidentId: incident.id, organizationId: null, personId: null, countryCode: null, sector: null };
      if (form < 0.5) target.organizationId = zipf(organizations.slice(0, 24)).id;
      else if (form < 0.65) target.personId = zipf(people).id;
      else if (form < 0.85) target.countryCode = zipf(COUNTRIES);
      else target.sector = chance(0.3) ? zipf(SECTORS).toUpperCase() : zipf(SECTORS);
      const key = target.organizationId ?? target.personId ?? target.countryCode ?? target.sector!.toLowerCase();
      if (keys.has(key)) continue; // one target per incident, role and value (unique index)
      keys.add(key);
      targets.push(target);
    }

    for (let n = chance(0.15) ? 0 : int(1, 3); n > 0; n--) {
      const party = random();
      attributions.push({
        id: uuid(), incidentId: incident.id, campaignId: null, actorId: zipf(accusable).id,
        byOrganizationId: party < 0.6 || party >= 0.85 ? zipf(attributors).id : null,
        byPersonId: party >= 0.6 ? zipf(people).id : null,
        confidence: chance(0.35) ? null : zipf(CONFIDENCES.slice().reverse()),
        status: chance(0.7) ? 'ASSERTED' : zipf(STATUSES.slice(1)),
      });
    }
  }
  // Claims about campaigns, not incidents: no incident filter may pick them up.
  for (const campaign of campaigns) {
    attributions.push({
      id: uuid(), incidentId: null, campaignId: campaign.id, actorId: cobalt.id, byOrganizationId: attributors[0].id,
      byPersonId: null, confidence: 100, status: 'ASSERTED',
    });
  }

  const articles: WorldArticle[] = [];
  for (let i = 0; i < (options.articles ?? 40); i++) {
    const words = Array.from({ length: int(2, 5) }, () => `${zipf(CODENAMES)} ${zipf(METHODS)} ${zipf(VICTIMS)}`);
    const place = chance(0.3) ? ` Officials in ${zipf(PLACES)} declined to comment.` : '';
    articles.push({ id: uuid(), title: `Report ${i}: ${zipf(METHODS)} wave`, body: `Analysts linked ${words.join(', then ')}.${place}` });
  }
  const statements: WorldStatement[] = [];
  for (let i = 0; i < (options.statements ?? 60); i++) {
    statements.push({
      id: uuid(), speakerOrganizationId: zipf(attributors).id,
      speakerRole: chance(0.5) ? zipf(['spokesperson', 'director', 'minister']) : null,
      quote: chance(0.6) ? `We saw ${zipf(METHODS)} tied to ${zipf(CODENAMES)}` : null,
      summary: `Commented on ${zipf(VICTIMS)} incidents${chance(0.3) ? ` in ${zipf(PLACES)}` : ''}.`,
    });
  }
  return { organizations, people, actors, campaigns, incidents, targets, attributions, articles, statements };
}

/** Writes a world in one transaction, one set-based INSERT per table. */
export async function insertWorld(dataSource: DataSource, world: World): Promise<void> {
  await dataSource.transaction(async (manager) => {
    const insert = (table: string, rows: Record<string, unknown>[]) => {
      if (rows.length === 0) return Promise.resolve();
      const columns = Object.keys(rows[0]);
      return manager.query(
        `INSERT INTO ${table} (${columns.join(', ')})
         SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)`,
        [JSON.stringify(rows)],
      );
    };
    await insert('organization', world.organizations.map((o) => ({ id: o.id, name: o.name, kind: o.kind, country_code: o.countryCode, sector: o.sector })));
    await insert('person', world.people.map((p) => ({ id: p.id, name: p.name, organization_id: p.organizationId, country_code: p.countryCode })));
    // Parents are generated before their children, and the parent FK is checked row by row.
    await insert('threat_actor', world.actors.map((a) => ({
      id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode, parent_id: a.parentId,
    })));
    await insert('actor_alias', world.actors.flatMap((a) =>
      [a.name, ...a.aliases].map((name) => ({ actor_id: a.id, name, normalized: normalizeName(name) }))));
    await insert('campaign', world.campaigns.map((c) => ({ id: c.id, name: c.name })));
    await insert('incident', world.incidents.map((i) => ({
      id: i.id, title: i.title, summary: i.summary, started_from: i.startedFrom, started_to: i.startedTo,
      ended_from: i.endedFrom, ended_to: i.endedTo, types: i.types, technique_ids: i.techniqueIds, campaign_id: i.campaignId,
    })));
    await insert('incident_target', world.targets.map((t) => ({
      id: t.id, incident_id: t.incidentId, organization_id: t.organizationId, person_id: t.personId, country_code: t.countryCode, sector: t.sector,
    })));
    await insert('attribution', world.attributions.map((a) => ({
      id: a.id, incident_id: a.incidentId, campaign_id: a.campaignId, actor_id: a.actorId,
      attributed_by_organization_id: a.byOrganizationId, attributed_by_person_id: a.byPersonId, confidence: a.confidence, status: a.status,
    })));
    await insert('source_article', world.articles.map((a) => ({ id: a.id, title: a.title, body: a.body })));
    await insert('statement', world.statements.map((s) => ({
      id: s.id, speaker_organization_id: s.speakerOrganizationId, speaker_role: s.speakerRole, quote: s.quote, summary: s.summary, stance: 'COMMENTS',
    })));
  });
}

/** Text folded as the search does: lower case, accents removed (ø, ł and đ too). */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '');
}
