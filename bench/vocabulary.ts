/**
 * The words the dataset generator (bench/generate.ts) builds its synthetic records from.
 * Lists are ordered by how often they are drawn (the first entries dominate), so the
 * skew of the data reads from here. Only the actor catalogue and the ATT&CK techniques
 * are real (imported from ../shared/data); everything else is made up and says so
 * (publishers on news.example.org, organisations with numbered names).
 */

/** Targeted countries, most often targeted first; the other ISO countries follow in code order. */
export const TOP_TARGET_COUNTRIES = [
  'US', 'UA', 'GB', 'DE', 'FR', 'KR', 'JP', 'IN', 'IL', 'TW', 'SA', 'NO', 'PL', 'EE', 'NL', 'AU', 'CA', 'IT', 'ES', 'SE',
  'CN', 'RU', 'IR', 'VN', 'PH', 'SG', 'BR', 'TR', 'AE', 'CZ', 'LT', 'LV', 'FI', 'DK', 'BE', 'CH', 'AT', 'RO', 'GE', 'MD',
];

/** ATT&CK techniques most often reported first; the other imported ones follow in id order. */
export const TOP_TECHNIQUES = [
  'T1566', 'T1566.001', 'T1190', 'T1078', 'T1059', 'T1110', 'T1071', 'T1105', 'T1027', 'T1204', 'T1486', 'T1498',
  'T1003', 'T1021', 'T1090', 'T1133', 'T1053', 'T1547', 'T1036', 'T1041', 'T1110.003', 'T1059.001', 'T1189', 'T1195',
];

/** Incident types (IncidentType values), most frequent first, with the words a title uses. */
export const INCIDENT_TYPES: { type: string; title: string; noun: string }[] = [
  { type: 'ESPIONAGE', title: 'Espionage campaign against', noun: 'espionage campaign' },
  { type: 'INTRUSION', title: 'Intrusion into', noun: 'intrusion' },
  { type: 'PHISHING', title: 'Spearphishing of', noun: 'phishing campaign' },
  { type: 'RANSOMWARE', title: 'Ransomware attack on', noun: 'ransomware attack' },
  { type: 'DDOS', title: 'DDoS attack on', noun: 'denial-of-service attack' },
  { type: 'DATA_THEFT', title: 'Data theft from', noun: 'data theft' },
  { type: 'HACK_AND_LEAK', title: 'Hack-and-leak operation against', noun: 'hack-and-leak operation' },
  { type: 'MALWARE', title: 'Malware infection at', noun: 'malware infection' },
  { type: 'CREDENTIAL_ATTACK', title: 'Brute-force attack on', noun: 'brute-force attack' },
  { type: 'INFLUENCE_OPERATION', title: 'Influence operation targeting', noun: 'influence operation' },
  { type: 'DEFACEMENT', title: 'Defacement of', noun: 'defacement' },
  { type: 'SABOTAGE', title: 'Sabotage of', noun: 'sabotage' },
  { type: 'OTHER', title: 'Cyber incident at', noun: 'cyber incident' },
];

/** What a title says was hit, and the sector a sector target gives for it; most frequent first. */
export const TARGET_NOUNS: { noun: string; sector: string }[] = [
  { noun: 'the foreign ministry', sector: 'Government' },
  { noun: 'a defence contractor', sector: 'Defense' },
  { noun: 'an energy utility', sector: 'Energy' },
  { noun: 'a major bank', sector: 'Finance' },
  { noun: 'a regional hospital', sector: 'Healthcare' },
  { noun: 'a telecom operator', sector: 'Telecommunications' },
  { noun: 'the national parliament', sector: 'Government' },
  { noun: 'election authorities', sector: 'Elections' },
  { noun: 'a news agency', sector: 'Media' },
  { noun: 'a software vendor', sector: 'Technology' },
  { noun: 'a university', sector: 'Education' },
  { noun: 'a think tank', sector: 'Think Tanks' },
  { noun: 'a shipping company', sector: 'Transportation' },
  { noun: 'a water utility', sector: 'Water' },
  { noun: 'a political party', sector: 'Political Parties' },
  { noun: 'a pharmaceutical company', sector: 'Pharmaceuticals' },
];

/** Organization kinds (OrganizationKind values) of attributing parties, most frequent first. */
export const PARTY_KINDS: { kind: string; noun: string }[] = [
  { kind: 'SECURITY_COMPANY', noun: 'Security' },
  { kind: 'GOVERNMENT', noun: 'Government Office' },
  { kind: 'SECURITY_AGENCY', noun: 'Cyber Security Centre' },
  { kind: 'MINISTRY', noun: 'Ministry' },
  { kind: 'INTELLIGENCE_AGENCY', noun: 'Intelligence Service' },
  { kind: 'LAW_ENFORCEMENT', noun: 'Police' },
  { kind: 'EMBASSY', noun: 'Embassy' },
  { kind: 'MILITARY', noun: 'Cyber Command' },
];

/** Organization kinds of targeted organizations, most frequent first. */
export const TARGET_KINDS: { kind: string; noun: string }[] = [
  { kind: 'COMPANY', noun: 'Industries' },
  { kind: 'GOVERNMENT', noun: 'Agency' },
  { kind: 'MINISTRY', noun: 'Ministry' },
  { kind: 'MEDIA', noun: 'News' },
  { kind: 'ACADEMIC', noun: 'University' },
  { kind: 'PARLIAMENT', noun: 'Assembly' },
  { kind: 'NGO', noun: 'Foundation' },
  { kind: 'POLITICAL_PARTY', noun: 'Party' },
  { kind: 'POLITICAL_CAMPAIGN', noun: 'Campaign' },
  { kind: 'INTERNATIONAL_ORGANIZATION', noun: 'Council' },
  { kind: 'MILITARY', noun: 'Command' },
  { kind: 'OTHER', noun: 'Group' },
];

export const NAME_WORDS = [
  'Aurora', 'Northwind', 'Meridian', 'Harbor', 'Summit', 'Granite', 'Silverline', 'Bluewater', 'Redstone', 'Evergreen',
  'Horizon', 'Atlas', 'Beacon', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Glacier', 'Ironwood', 'Juniper',
];

export const FIRST_NAMES = [
  'Anna', 'James', 'Maria', 'John', 'Olga', 'Pierre', 'Ingrid', 'Hiroshi', 'Sofia', 'David', 'Elena', 'Lars', 'Amira',
  'Tomasz', 'Chen', 'Fatima', 'Marco', 'Yuki', 'Kwame', 'Sara', 'Mehmet', 'Liesbeth', 'Rahul', 'Noor', 'Jan',
];
export const LAST_NAMES = [
  'Smith', 'Novak', 'Dubois', 'Hansen', 'Tanaka', 'Kowalski', 'Rossi', 'Schmidt', 'Andersson', 'Kim', 'Ivanova', 'Haddad',
  'Mensah', 'Garcia', 'Nguyen', 'Okafor', 'Jensen', 'Petrov', 'Cohen', 'Silva', 'Müller', 'Søreide', 'Yilmaz', 'Patel',
];

/** Speakers' roles with their share of people; "foreign minister" is a README question. */
export const ROLES: { role: string; weight: number }[] = [
  { role: 'Spokesperson', weight: 0.24 },
  { role: 'Security Researcher', weight: 0.15 },
  { role: 'Threat Intelligence Analyst', weight: 0.13 },
  { role: 'Director', weight: 0.12 },
  { role: 'Ambassador', weight: 0.06 },
  { role: 'Member of Parliament', weight: 0.06 },
  { role: 'Minister of Defence', weight: 0.05 },
  { role: 'Chief Executive', weight: 0.05 },
  { role: 'Prime Minister', weight: 0.03 },
  { role: 'President', weight: 0.03 },
  { role: 'Head of Cyber Command', weight: 0.03 },
  { role: 'Interior Minister', weight: 0.03 },
  { role: 'Foreign Minister', weight: 0.015 },
  { role: 'Deputy Foreign Minister', weight: 0.005 },
];

/** Statement stances (Stance values) with their share, and the sentence each makes. */
export const STANCES: { stance: string; weight: number }[] = [
  { stance: 'ACCUSES', weight: 0.35 },
  { stance: 'COMMENTS', weight: 0.2 },
  { stance: 'CONDEMNS', weight: 0.15 },
  { stance: 'CONFIRMS', weight: 0.12 },
  { stance: 'WARNS', weight: 0.1 },
  { stance: 'DENIES', weight: 0.08 },
];

/** Attribution statuses with their share. */
export const STATUSES: { status: string; weight: number }[] = [
  { status: 'ASSERTED', weight: 0.82 },
  { status: 'DENIED', weight: 0.09 },
  { status: 'DISPUTED', weight: 0.06 },
  { status: 'RETRACTED', weight: 0.03 },
];

/**
 * How confidently attributions are worded: no words (and no number) for almost half, as
 * in the press; the number of words comes from the app's estimative scale.
 */
export const CONFIDENCE_WORDS: { words: string | null; weight: number }[] = [
  { words: null, weight: 0.45 },
  { words: 'likely', weight: 0.2 },
  { words: 'highly likely', weight: 0.12 },
  { words: 'almost certainly', weight: 0.08 },
  { words: 'high confidence', weight: 0.07 },
  { words: 'even chance', weight: 0.05 },
  { words: 'unlikely', weight: 0.03 },
];

export const BASES = ['TECHNICAL', 'INTELLIGENCE', 'INVESTIGATION', 'POLITICAL', 'OTHER'];

/** Publishers, most prolific first (fictional, on news.example.org). */
export const PUBLISHERS = [
  'Global Wire', 'Daily Ledger', 'Cyber Observer', 'The Northern Times', 'Security Weekly Review', 'Capital Post',
  'Evening Herald', 'Tech Chronicle', 'Baltic Monitor', 'Pacific Report', 'Continental Journal', 'Signal & Noise',
  'Harbor Gazette', 'Policy Brief Daily', 'The Correspondent', 'Metro Courier', 'Digital Frontier', 'World Desk',
  'Atlantic Dispatch', 'Eastern Bulletin',
];

export const SECTIONS = ['World', 'Technology', 'Politics', 'Security', 'Business'];

/** Weights to the lower bounds width_bucket() reads: [0, w1, w1+w2, …]. */
export function thresholds(weights: number[]): number[] {
  const bounds: number[] = [];
  let sum = 0;
  for (const w of weights) {
    bounds.push(Number(sum.toFixed(6)));
    sum += w;
  }
  return bounds;
}
