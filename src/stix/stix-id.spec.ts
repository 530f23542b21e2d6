import { TRACKER_NAMESPACE, mintedId, uuidv5 } from './stix-id';

describe('UUIDv5 ids', () => {
  it('matches RFC 9562 (the URL namespace example) and keeps the ids the tracker has always minted', () => {
    expect(uuidv5('https://attribution-tracker.invalid/stix', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe(TRACKER_NAMESPACE);
    // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('6ba7b811-9dad-11d1-80b4-00c04fd430c8'), 'https://attribution-tracker.invalid/stix'))"
    expect(TRACKER_NAMESPACE).toBe('3c13a736-3233-5fab-b411-cbe97d6b537a');
    // uuid.uuid5(that namespace, 'incident:00000000-0000-0000-0000-000000000001'), twice: the same id each time.
    for (let i = 0; i < 2; i++) expect(mintedId('incident', 'incident', '00000000-0000-0000-0000-000000000001')).toBe('incident--9d844c82-8889-52c4-9931-6ca186339226');
  });

  it('gives a cached small table\'s row the same id as an uncached one, and keeps tables apart', () => {
    const row = '00000000-0000-0000-0000-000000000001';
    expect(mintedId('intrusion-set', 'threat_actor', row)).toBe(mintedId('intrusion-set', 'threat_actor', row));
    expect(mintedId('intrusion-set', 'threat_actor', row)).toBe(`intrusion-set--${uuidv5(`threat_actor:${row}`)}`);
    expect(mintedId('incident', 'incident', row)).not.toBe(mintedId('incident', 'threat_actor', row).replace(/^[^-]+/, 'incident'));
  });
});
