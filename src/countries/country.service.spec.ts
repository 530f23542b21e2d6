import { requireCountryCode, resolveCountryCode } from './country.service';

describe('country names as people write them', () => {
  it.each([
    ['NO', 'NO'], ['no', 'NO'], ['Norway', 'NO'], ['Russia', 'RU'], ['Russian Federation', 'RU'],
    ['RUS', 'RU'], ['United States', 'US'], ['France', 'FR'], ['Germany', 'DE'],
  ])('%s → %s', (input, code) => {
    expect(resolveCountryCode(input)).toBe(code);
  });

  it('rejects what is not a country, with a message that says what to give', () => {
    expect(resolveCountryCode('Atlantis')).toBeNull();
    expect(resolveCountryCode('XX')).toBeNull();
    expect(() => requireCountryCode('Atlantis', 'country')).toThrow(
      'country: "Atlantis" is not a country; give an ISO 3166-1 code ("NO") or an English name ("Norway")',
    );
  });
});
