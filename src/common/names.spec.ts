import { normalizeName } from './names';

describe('normalizeName: one form for the many ways an alias is written', () => {
  it('ignores case, spaces, hyphens, punctuation and accents', () => {
    const forms = ['Fancy Bear', 'fancy-bear', 'FANCY BEAR', ' Fancy_Bear ', 'Fancy.Bear'];
    expect(new Set(forms.map(normalizeName))).toEqual(new Set(['fancybear']));
    expect(normalizeName('Søreide')).toBe('søreide'); // ø is a letter, not an accent
    expect(normalizeName('Équipe Fantôme')).toBe('equipefantome');
  });

  it('keeps names apart that differ in letters or digits', () => {
    expect(normalizeName('APT28')).not.toBe(normalizeName('APT29'));
    expect(normalizeName('---')).toBe('');
  });
});
