import { randomUUID } from 'node:crypto';
import { TRACKER_NAMESPACE, mintedId, uuidv5, uuidv5Reference } from './stix-id';

describe('UUIDv5 ids', () => {
  it('the JavaScript SHA-1 gives the ids node:crypto gives, for every length of name around the block boundaries', () => {
    for (let length = 0; length <= 130; length++) {
      const name = `${'incident:'.slice(0, Math.min(9, length))}${randomUUID().repeat(4)}`.slice(0, length).padEnd(length, 'x');
      expect(uuidv5(name)).toBe(uuidv5Reference(name));
    }
    for (let i = 0; i < 2000; i++) {
      const name = `statement:${randomUUID()}`;
      expect(uuidv5(name)).toBe(uuidv5Reference(name));
    }
    expect(uuidv5('organisation:Ærø')).toBe(uuidv5Reference('organisation:Ærø'));
    // Big tables' ids are hashed as prefix and row id written one after the other.
    for (const table of ['statement', 'attribution', 'some_table']) {
      const row = randomUUID();
      expect(mintedId('note', table, row)).toBe(`note--${uuidv5Reference(`${table}:${row}`)}`);
    }
    expect(mintedId('note', 'statement', 'x'.repeat(120))).toBe(`note--${uuidv5Reference(`statement:${'x'.repeat(120)}`)}`);
  });

  it('matches RFC 9562 (the URL namespace example) and keeps the ids the tracker has always minted', () => {
    expect(uuidv5('https://attribution-tracker.invalid/stix', '6ba7b811-9dad-11d1-80b4-00c04fd430c8')).toBe(TRACKER_NAMESPACE);
    // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('6ba7b811-9dad-11d1-80b4-00c04fd430c8'), 'https://attribution-tracker.invalid/stix'))"
    expect(TRACKER_NAMESPACE).toBe('3c13a736-3233-5fab-b411-cbe97d6b537a');
    // uuid.uuid5(that namespace, 'incident:00000000-0000-0000-0000-000000000001'), twice: the same id each time.
    for (let i = 0; i < 2; i++) expect(mintedId('incident', 'incident', '00000000-0000-0000-0000-000000000001')).toBe('incident--9d844c82-8889-52c4-9931-6ca186339226');
  });
});
