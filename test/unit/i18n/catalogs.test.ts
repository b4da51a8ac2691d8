import { leafKeys, localeFrom, t } from '../../../src/i18n';

describe('message catalogs', () => {
  it('say the same things in English and French', () => {
    expect(leafKeys('fr')).toEqual(leafKeys('en'));
  });

  it('have no empty message', () => {
    for (const locale of ['en', 'fr'] as const) {
      for (const key of leafKeys(locale)) expect(t(locale, key).trim()).not.toBe('');
    }
  });

  it.each([
    ['fr-FR', 'fr'],
    ['fr-CA', 'fr'],
    ['FR', 'fr'],
    ['en-US', 'en'],
    ['de-DE', 'en'],
    [undefined, 'en'],
    ['frisian', 'en'],
  ])('maps the client locale %s to %s', (input, expected) => {
    expect(localeFrom(input)).toBe(expected);
  });

  it('interpolates parameters', () => {
    expect(t('fr', 'errors.generic', { correlationId: 'abc' })).toContain('abc');
  });
});
