import { ThreatActorKind } from '../actors/threat-actor.entity';
import { catalogueCountryCode, distinctNames, fromMispThreatActor, fromMitreAttackPattern, fromMitreIntrusionSet, stripAttackId } from './catalogue-records';

const UUID = '5B4EE3EA-EEE3-4C8E-8323-85AE32658754';

describe('catalogue entries in the importer terms', () => {
  it('strips the ATT&CK id from a name', () => {
    expect(stripAttackId('APT28 - G0007')).toBe('APT28');
    expect(stripAttackId('Brute Force - T1110')).toBe('Brute Force');
    expect(stripAttackId('Password Guessing - T1110.001')).toBe('Password Guessing');
    expect(stripAttackId('Command and Control - TA0011')).toBe('Command and Control');
    expect(stripAttackId('Team - Red')).toBe('Team - Red');
  });

  it('keeps one spelling per normalized name, the first', () => {
    expect(distinctNames(['APT28', 'FANCY BEAR', 'Fancy Bear', ' fancy-bear ', '???', 'Sofacy'])).toEqual(['APT28', 'FANCY BEAR', 'Sofacy']);
  });

  it('resolves the countries catalogues write, and nothing else', () => {
    expect(catalogueCountryCode('RU')).toBe('RU');
    expect(catalogueCountryCode('Russian Federation')).toBe('RU');
    expect(catalogueCountryCode('Iran (Islamic Republic of)')).toBe('IR');
    expect(catalogueCountryCode('Korea (Republic of)')).toBe('KR');
    expect(catalogueCountryCode("Korea (Democratic People's Republic of)")).toBe('KP');
    expect(catalogueCountryCode('Syria')).toBe('SY');
    expect(catalogueCountryCode('The Philippines')).toBe('PH');
    for (const notCountry of ['NATO', 'Middle East', 'Lebonon', 'World Anti-Doping Agency', '', 'XX']) {
      expect(catalogueCountryCode(notCountry)).toBeNull();
    }
  });

  it('reads a MISP threat actor: names, origin, sponsor, victims in the source words', () => {
    const record = fromMispThreatActor({
      value: 'APT28', uuid: UUID, description: ' The Sofacy Group … ',
      meta: {
        synonyms: ['Pawn Storm', 'FANCY BEAR', 'Fancy Bear', 'G0007', 'APT 28'],
        country: 'RU', 'cfr-suspected-state-sponsor': 'Russian Federation',
        'cfr-suspected-victims': ['Georgia', 'NATO', 'Iran (Islamic Republic of)'], 'suspected-victims': 'Georgia',
        'cfr-target-category': ['Government', 'Military'], 'targeted-sector': ['military', 'Security Service'],
        'attribution-confidence': '50', refs: ['https://a', 'https://a', 'https://b'],
      },
    });
    expect(record.uuid).toBe(UUID.toLowerCase());
    expect(record.content).toEqual({
      name: 'APT28', synonyms: ['Pawn Storm', 'FANCY BEAR', 'G0007'], attackGroupIds: [], kind: ThreatActorKind.APT_GROUP,
      countryCode: 'RU', sponsorCountryCode: 'RU', description: 'The Sofacy Group …',
      references: ['https://a', 'https://b'], targetedSectors: ['Government', 'Military', 'Security Service'],
      suspectedVictims: [
        { name: 'Georgia', countryCode: 'GE' }, { name: 'NATO', countryCode: null }, { name: 'Iran (Islamic Republic of)', countryCode: 'IR' },
      ],
      attributionConfidence: 50,
    });
    expect(record.unresolved).toEqual([]);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a sponsor that is not a country out of the country columns, and says so', () => {
    const record = fromMispThreatActor({ value: 'X', uuid: UUID, meta: { country: '', 'cfr-suspected-state-sponsor': 'Atlantis', motive: 'Cybercrime' } });
    expect(record.content).toMatchObject({ countryCode: null, sponsorCountryCode: null, kind: ThreatActorKind.CRIMINAL_GROUP });
    expect(record.unresolved).toEqual([{ field: 'cfr-suspected-state-sponsor', text: 'Atlantis' }]);
    expect(fromMispThreatActor({ value: 'X', uuid: UUID, meta: { 'cfr-suspected-state-sponsor': 'Unknown' } }).unresolved).toEqual([]);
  });

  it('reads an ATT&CK group and an ATT&CK technique', () => {
    const group = fromMitreIntrusionSet({
      value: 'APT28 - G0007', uuid: UUID, revoked: false, meta: { external_id: 'G0007', synonyms: ['APT28', 'Sofacy'], refs: [] },
    });
    expect(group.content).toMatchObject({ name: 'APT28', synonyms: ['Sofacy'], attackGroupIds: ['G0007'], countryCode: null });
    expect(fromMitreIntrusionSet({ value: 'Old - G0001', uuid: UUID, revoked: true, meta: { external_id: 'G0001' } }).revoked).toBe(true);

    expect(fromMitreAttackPattern({
      value: 'Password Guessing - T1110.001', uuid: UUID, description: 'Guessing.',
      meta: {
        external_id: 'T1110.001', kill_chain: ['attack-Windows:credential-access', 'attack-Linux:credential-access', 'mobile-attack-Android:impact'],
        mitre_platforms: ['Windows'], refs: ['https://example.org', 'https://attack.mitre.org/techniques/T1110/001'],
      },
    })).toEqual({
      id: 'T1110.001', name: 'Password Guessing', description: 'Guessing.', tactics: ['credential-access', 'impact'],
      platforms: ['Windows'], url: 'https://attack.mitre.org/techniques/T1110/001', parentId: 'T1110', revoked: false,
    });
    expect(fromMitreAttackPattern({ value: 'Command and Control - TA0011', uuid: UUID, meta: { external_id: 'TA0011' } })).toBeNull();
  });
});
