import { parseActorString, parseIndictment, parseParty } from './eurepoc-names';

describe('EuRepoC actor strings', () => {
  it('split names, ATT&CK ids and the parent chain', () => {
    expect(parseActorString('Sandworm/VOODOO Bear/Quedagh/G0034 (GRU, Main Centre for Special Technologies (GTsST) Military Unit 74455)')).toEqual({
      text: 'Sandworm/VOODOO Bear/Quedagh/G0034 (GRU, Main Centre for Special Technologies (GTsST) Military Unit 74455)',
      names: ['Sandworm', 'VOODOO Bear', 'Quedagh'], attackIds: ['G0034'],
      parents: ['GRU', 'Main Centre for Special Technologies (GTsST) Military Unit 74455'], umbrella: null,
    });
    expect(parseActorString('Fancy Bear/APT28/TG-4127/Group G0007 (GRU, 85th Main Special Service Center (GTsSS) Military Unit 26165)'))
      .toMatchObject({ names: ['Fancy Bear', 'APT28', 'TG-4127'], attackIds: ['G0007'] });
    expect(parseActorString('APT41/BARIUM/G0096 (Chengdu 404 Network Technology) < Winnti Umbrella/G0044'))
      .toMatchObject({ names: ['APT41', 'BARIUM'], parents: ['Chengdu 404 Network Technology'], umbrella: 'Winnti Umbrella/G0044' });
  });

  it('read an umbrella after a no-break space', () => {
    expect(parseActorString('Axiom/APT17/G0001 (MSS, Jinan Bureau)\u00a0< Winnti Umbrella/G0044 ')).toMatchObject({
      names: ['Axiom', 'APT17'], attackIds: ['G0001'], parents: ['MSS', 'Jinan Bureau'], umbrella: 'Winnti Umbrella/G0044',
    });
  });

  it('keep a parenthesis that is part of a name, and refuse placeholders', () => {
    expect(parseActorString('NoName057(16)')).toMatchObject({ names: ['NoName057(16)'], parents: [] });
    expect(parseActorString('Ministry of Intelligence and Security (MOIS; Iran)')).toMatchObject({
      names: ['Ministry of Intelligence and Security (MOIS; Iran)'], parents: [],
    });
    expect(parseActorString('Not available')).toBeNull();
    expect(parseActorString('Unknown')).toBeNull();
    expect(parseActorString('')).toBeNull();
  });

  it('read indicted people and their unit', () => {
    expect(parseIndictment('Yevgeniy Polyanin --> REvil/ Sodinokibi')).toEqual({ person: 'Yevgeniy Polyanin', unit: 'REvil/ Sodinokibi' });
    expect(parseIndictment('APT28')).toBeNull();
  });

  it('read "Name (role; GBR)" as a person and anything else as an organization', () => {
    expect(parseParty('Lord (Tariq) Ahmad of Wimbledon (Foreign Office Minister; GBR)')).toEqual({
      kind: 'person', name: 'Lord (Tariq) Ahmad of Wimbledon', role: 'Foreign Office Minister', countryCode: 'GB',
    });
    expect(parseParty('Joe Biden (President, USA)')).toEqual({ kind: 'person', name: 'Joe Biden', role: 'President', countryCode: 'US' });
    expect(parseParty('Federal Bureau of Investigation (FBI)')).toEqual({ kind: 'organization', name: 'Federal Bureau of Investigation (FBI)' });
    expect(parseParty('Not available')).toBeNull();
  });
});
