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

describe('UUIDv5 of long and non-ASCII names', () => {
  // python3 -c "import uuid; ns=uuid.UUID('3c13a736-3233-5fab-b411-cbe97d6b537a'); print(uuid.uuid5(ns, 'bundle:' + 'é' * 400)); print(uuid.uuid5(ns, 'bundle:ü')); print(uuid.uuid5(ns, 'bundle:' + '€' * 300))"
  it('gives RFC 9562 ids whatever the name\'s length (the reused buffer or the streaming hash)', () => {
    expect(uuidv5(`bundle:${'é'.repeat(400)}`)).toBe('5cddae60-1a71-5358-af93-ce9a8e475913');
    expect(uuidv5('bundle:ü')).toBe('7d2fadfe-f108-54eb-8cee-96e1852fe025');
    expect(uuidv5(`bundle:${'€'.repeat(300)}`)).toBe('33adf661-9d5f-56dd-af0d-04b2e85435e8');
  });
});
