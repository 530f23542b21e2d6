import { DataSource } from 'typeorm';
import { normalizeName } from '../../src/common/names';
import { DAY_MS, isoDay as iso, pad2 as pad, lastOfMonth, randomTools, seededRandom as prng } from './random';

/**
 * A deterministic, skewed attribution graph for tests and benchmarks: a few states with
 * agencies, units and APT groups below them (plus unparented groups), organizations and
 * people that attribute and are targeted, and incidents whose start and attribution dates
 * are as imprecise as real ones (days, months, years, open ranges, unknown). Choices are
 * Zipf-skewed, so a few actors, countries and techniques dominate, as in real data.
 * The same seed always gives the same rows (and the same ids).
 */
export interface GeneratedOrganization { id: string; name: string; kind: string; countryCode: string | null; sector: string | null }
export interface GeneratedPerson { id: string; name: string; organizationId: string | null; countryCode: string | null }
export interface GeneratedActor {
  id: string; name: string; kind: string; countryCode: string | null; sponsorCountryCode: string | null; parentId: string | null;
}
export interface GeneratedIncident {
  id: string; title: string; startedFrom: string | null; startedTo: string | null; types: string[]; techniqueIds: string[];
}
export interface GeneratedTarget {
  id: string; incidentId: string; organizationId: string | null; personId: string | null; countryCode: string | null; sector: string | null;
}
export interface GeneratedAttribution {
  id: string; incidentId: string; actorId: string; byOrganizationId: string | null; byPersonId: string | null;
  attributedFrom: string | null; attributedTo: string | null; status: string;
}
export interface GeneratedGraph {
  organizations: GeneratedOrganization[];
  people: GeneratedPerson[];
  actors: GeneratedActor[];
  incidents: GeneratedIncident[];
  targets: GeneratedTarget[];
  attributions: GeneratedAttribution[];
}



const TARGET_COUNTRIES = ['US', 'UA', 'DE', 'GB', 'FR', 'NO', 'PL', 'EE', 'JP', 'KR', 'IL', 'NL', 'SE', 'IN', 'AU'];
const SECTORS = ['Government', 'Defense', 'Energy', 'Finance', 'Media', 'Political party', 'Health', 'Telecommunications'];
const TYPES = ['INTRUSION', 'PHISHING', 'DATA_THEFT', 'ESPIONAGE', 'MALWARE', 'CREDENTIAL_ATTACK', 'HACK_AND_LEAK', 'DDOS',
  'RANSOMWARE', 'INFLUENCE_OPERATION', 'SABOTAGE', 'DEFACEMENT'];
const TECHNIQUES = ['T1566', 'T1110', 'T1190', 'T1078', 'T1059.001', 'T1486', 'T1498', 'T1003', 'T1071', 'T1566.001', 'T1204'];
const TARGET_KINDS = ['GOVERNMENT', 'MINISTRY', 'COMPANY', 'PARLIAMENT', 'MEDIA', 'POLITICAL_PARTY', 'MILITARY', 'NGO', 'ACADEMIC'];
const ATTRIBUTING_KINDS = ['SECURITY_COMPANY', 'GOVERNMENT', 'INTELLIGENCE_AGENCY', 'MEDIA', 'SECURITY_AGENCY', 'LAW_ENFORCEMENT'];

export function generateIncidentGraph(options: { seed: number; incidents: number }): GeneratedGraph {
  const random = prng(options.seed);
  const { uuid, int, chance, zipf, some } = randomTools(random);

  // Actors: states → agencies / military units → units → APT groups; some groups with no parent.
  const actors: GeneratedActor[] = [];
  const actor = (name: string, kind: string, country: string | null, sponsor: string | null, parent: GeneratedActor | null) => {
    const a = { id: uuid(), name, kind, countryCode: country, sponsorCountryCode: sponsor, parentId: parent?.id ?? null };
    actors.push(a);
    return a;
  };
  for (const [code, stateName] of [['RU', 'Generated Russia'], ['CN', 'Generated China'], ['KP', 'Generated North Korea'], ['IR', 'Generated Iran']]) {
    const state = actor(stateName, 'STATE', code, null, null);
    for (let agencyNo = 1; agencyNo <= 2; agencyNo++) {
      const agency = actor(`${code} Agency ${agencyNo}`, 'INTELLIGENCE_AGENCY', code, code, state);
      for (let unitNo = 1; unitNo <= 2; unitNo++) {
        const unit = actor(`${code} Unit ${agencyNo}${unitNo}`, 'MILITARY_UNIT', code, chance(0.5) ? code : null, agency);
        actor(`${code} APT ${agencyNo}${unitNo}`, 'APT_GROUP', code, null, unit);
      }
    }
    // A branch with no agency: state → army → unit → group (rolls up to the army, the top-most below the state).
    const army = actor(`${code} Army`, 'MILITARY_UNIT', code, null, state);
    const brigade = actor(`${code} Brigade`, 'MILITARY_UNIT', code, null, army);
    actor(`${code} Brigade Group`, 'APT_GROUP', code, null, brigade);
  }
  actor('Free Ransom Crew', 'CRIMINAL_GROUP', 'RU', null, null);
  actor('Lone Hacktivists', 'HACKTIVIST', null, null, null);
  actor('Unparented APT', 'APT_GROUP', 'CN', 'CN', null);
  // The actors accused most often: groups and units first, then agencies and states (Zipf over this order).
  const accusable = [
    ...actors.filter((a) => a.kind === 'APT_GROUP'),
    ...actors.filter((a) => ['MILITARY_UNIT', 'CRIMINAL_GROUP', 'HACKTIVIST'].includes(a.kind)),
    ...actors.filter((a) => a.kind === 'INTELLIGENCE_AGENCY'),
    ...actors.filter((a) => a.kind === 'STATE'),
  ];

  const organizations: GeneratedOrganization[] = [];
  for (let i = 0; i < 30; i++) {
    const country = chance(0.9) ? zipf(TARGET_COUNTRIES) : null;
    // Sector spelled as people do: case and stray spaces vary, the dashboard groups them together.
    const base = chance(0.85) ? zipf(SECTORS) : null;
    const sector = base && chance(0.2) ? `${base.toLowerCase()} ` : base;
    organizations.push({ id: uuid(), name: `Target Org ${i}`, kind: zipf(TARGET_KINDS), countryCode: country, sector });
  }
  const attributors: GeneratedOrganization[] = [];
  for (let i = 0; i < 14; i++) {
    const org = { id: uuid(), name: `Attributor ${i}`, kind: zipf(ATTRIBUTING_KINDS), countryCode: zipf(TARGET_COUNTRIES), sector: null };
    organizations.push(org);
    attributors.push(org);
  }
  const people: GeneratedPerson[] = [];
  for (let i = 0; i < 16; i++) {
    const org = i % 4 === 3 ? null : i % 2 === 0 ? zipf(attributors) : zipf(organizations.slice(0, 30));
    people.push({ id: uuid(), name: `Person ${i}`, organizationId: org?.id ?? null, countryCode: chance(0.8) ? zipf(TARGET_COUNTRIES) : null });
  }

  const incidents: GeneratedIncident[] = [];
  const targets: GeneratedTarget[] = [];
  const attributions: GeneratedAttribution[] = [];
  const firstDay = Date.UTC(2012, 0, 1);
  for (let i = 0; i < options.incidents; i++) {
    // Skewed towards recent years: the square root pushes most starts late in 2012..2024.
    const start = firstDay + Math.floor(Math.sqrt(random()) * 13 * 365) * DAY_MS;
    const d = new Date(start);
    const [y, m] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
    let startedFrom: string | null = null;
    let startedTo: string | null = null;
    const precision = random();
    if (precision < 0.55) [startedFrom, startedTo] = [iso(start), iso(start)];
    else if (precision < 0.72) [startedFrom, startedTo] = [`${y}-${pad(m)}-01`, lastOfMonth(y, m)];
    else if (precision < 0.82) [startedFrom, startedTo] = [`${y}-01-01`, `${y}-12-31`];
    else if (precision < 0.86) [startedFrom, startedTo] = [iso(start), iso(start + int(2, 20) * DAY_MS)];
    else if (precision < 0.89) startedFrom = iso(start); // "since"
    else if (precision < 0.91) startedTo = iso(start); // "by"
    const incident = {
      id: uuid(), title: `Generated incident ${i}`, startedFrom, startedTo,
      types: some(TYPES, 3), techniqueIds: chance(0.6) ? some(TECHNIQUES, 3) : [],
    };
    incidents.push(incident);

    const targetKeys = new Set<string>();
    for (let n = int(0, 3); n > 0; n--) {
      const form = random();
      const target = { id: uuid(), incidentId: incident.id, organizationId: null, personId: null, countryCode: null, sector: null } as GeneratedTarget;
      if (form < 0.55) target.organizationId = zipf(organizations.slice(0, 30)).id;
      else if (form < 0.65) target.personId = zipf(people).id;
      else if (form < 0.9) target.countryCode = zipf(TARGET_COUNTRIES);
      else target.sector = zipf(SECTORS);
      const key = `${target.organizationId ?? target.personId ?? target.countryCode ?? target.sector!.toLowerCase()}`;
      if (targetKeys.has(key)) continue; // one target per incident and value (a unique index)
      targetKeys.add(key);
      targets.push(target);
    }

    for (let n = chance(0.12) ? 0 : int(1, 4); n > 0; n--) {
      const party = random();
      const byOrganization = party < 0.7 || party >= 0.9 ? zipf(attributors) : null;
      const byPerson = party >= 0.7 ? zipf(people) : null;
      // Attributed days to years after the start (heavy tail), at day or month precision, or undated.
      const base = startedFrom ? Date.parse(startedFrom) : startedTo ? Date.parse(startedTo) : start;
      const when = base + Math.floor(Math.pow(random(), 3) * 1500 + (chance(0.1) ? -int(1, 40) : 0)) * DAY_MS;
      const w = new Date(when);
      const dated = random();
      let attributedFrom: string | null = null;
      let attributedTo: string | null = null;
      if (dated < 0.65) [attributedFrom, attributedTo] = [iso(when), iso(when)];
      else if (dated < 0.85) [attributedFrom, attributedTo] = [`${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-01`, lastOfMonth(w.getUTCFullYear(), w.getUTCMonth() + 1)];
      else if (dated < 0.92) attributedFrom = iso(when);
      const status = chance(0.8) ? 'ASSERTED' : zipf(['DISPUTED', 'DENIED', 'RETRACTED']);
      attributions.push({
        id: uuid(), incidentId: incident.id, actorId: zipf(accusable).id,
        byOrganizationId: byOrganization?.id ?? null, byPersonId: byPerson?.id ?? null, attributedFrom, attributedTo, status,
      });
    }
  }
  return { organizations, people, actors, incidents, targets, attributions };
}

/** Writes a generated graph in one transaction, a few set-based INSERTs per table. */
export async function insertIncidentGraph(dataSource: DataSource, graph: GeneratedGraph): Promise<void> {
  const insert = (table: string, columns: string[], rows: Record<string, unknown>[]) =>
    (query: (sql: string, parameters: unknown[]) => Promise<unknown>) =>
      query(
        `INSERT INTO ${table} (${columns.join(', ')})
         SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)`,
        [JSON.stringify(rows)],
      );
  await dataSource.transaction(async (manager) => {
    const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters);
    await insert('organization', ['id', 'name', 'kind', 'country_code', 'sector'],
      graph.organizations.map((o) => ({ id: o.id, name: o.name, kind: o.kind, country_code: o.countryCode, sector: o.sector })))(query);
    await insert('person', ['id', 'name', 'organization_id', 'country_code'],
      graph.people.map((p) => ({ id: p.id, name: p.name, organization_id: p.organizationId, country_code: p.countryCode })))(query);
    // Parents first: actors are generated top-down, and the parent FK is checked row by row.
    await insert('threat_actor', ['id', 'name', 'kind', 'country_code', 'sponsor_country_code', 'parent_id'],
      graph.actors.map((a) => ({
        id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode, parent_id: a.parentId,
      })))(query);
    await insert('actor_alias', ['actor_id', 'name', 'normalized'],
      graph.actors.map((a) => ({ actor_id: a.id, name: a.name, normalized: normalizeName(a.name) })))(query);
    await insert('incident', ['id', 'title', 'started_from', 'started_to', 'types', 'technique_ids'],
      graph.incidents.map((i) => ({
        id: i.id, title: i.title, started_from: i.startedFrom, started_to: i.startedTo, types: i.types, technique_ids: i.techniqueIds,
      })))(query);
    await insert('incident_target', ['id', 'incident_id', 'organization_id', 'person_id', 'country_code', 'sector'],
      graph.targets.map((t) => ({
        id: t.id, incident_id: t.incidentId, organization_id: t.organizationId, person_id: t.personId, country_code: t.countryCode, sector: t.sector,
      })))(query);
    await insert('attribution',
      ['id', 'incident_id', 'actor_id', 'attributed_by_organization_id', 'attributed_by_person_id', 'attributed_from', 'attributed_to', 'status'],
      graph.attributions.map((a) => ({
        id: a.id, incident_id: a.incidentId, actor_id: a.actorId, attributed_by_organization_id: a.byOrganizationId,
        attributed_by_person_id: a.byPersonId, attributed_from: a.attributedFrom, attributed_to: a.attributedTo, status: a.status,
      })))(query);
  });
}
