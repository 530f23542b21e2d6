import { CatalogueFileError, parseGalaxyCluster } from './galaxy-schema';

const actor = { value: 'APT28', uuid: '5b4ee3ea-eee3-4c8e-8323-85ae32658754', meta: { synonyms: ['Fancy Bear'], country: 'RU' } };
const cluster = (type: string, values: unknown[]) => JSON.stringify({ type, name: 'x', values });

describe('parseGalaxyCluster: the kind of a catalogue file is read from its content', () => {
  it('reads each known cluster type, whatever the file is called', () => {
    expect(parseGalaxyCluster(cluster('threat-actor', [actor]), 'a.json').type).toBe('threat-actor');
    const group = { value: 'APT28 - G0007', uuid: 'bef4c620-0787-42a8-a96d-b7eb6e85917c', meta: { external_id: 'G0007', synonyms: ['Sofacy'] } };
    expect(parseGalaxyCluster(cluster('mitre-intrusion-set', [group]), 'b.json').values).toHaveLength(1);
    const technique = { value: 'Brute Force - T1110', uuid: 'a93494bb-4b80-4ea1-8695-3236a49916fd', description: 'x', meta: { external_id: 'T1110' } };
    expect(parseGalaxyCluster(cluster('mitre-attack-pattern', [technique]), 'c.json').type).toBe('mitre-attack-pattern');
  });

  it('names the file and the fault in one line', () => {
    const fault = (text: string) => {
      try {
        parseGalaxyCluster(text, 'bad.json');
      } catch (error) {
        expect(error).toBeInstanceOf(CatalogueFileError);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(fault('{"type": ')).toMatch(/^bad\.json: not JSON \(/);
    expect(fault('[1, 2]')).toBe('bad.json: not a MISP galaxy cluster: expected a JSON object with "type" and "values"');
    expect(fault(cluster('sector', []))).toBe(
      'bad.json: not a MISP galaxy cluster this importer knows: "type" is "sector", expected one of threat-actor, mitre-intrusion-set, mitre-attack-pattern',
    );
    expect(fault(cluster('threat-actor', [actor, { ...actor, uuid: 'not-a-uuid' }]))).toBe(
      'bad.json: not a valid "threat-actor" cluster: values[1].uuid: not a UUID',
    );
    expect(fault(cluster('threat-actor', [{ ...actor, meta: { synonyms: 'Fancy Bear' } }]))).toMatch(
      /^bad\.json: not a valid "threat-actor" cluster: values\[0\]\.meta\.synonyms: .*expected array/,
    );
    expect(fault(cluster('mitre-intrusion-set', [{ value: 'X', uuid: actor.uuid, meta: { external_id: '7' } }]))).toMatch(
      /values\[0\]\.meta\.external_id: not an ATT&CK group id/,
    );
    for (const message of [fault('nope'), fault(cluster('threat-actor', [{}]))]) expect(message).not.toContain('\n');
  });
});
