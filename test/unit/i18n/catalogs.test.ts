import { billingCycleLabel, leafKeys, localeFrom, statusLabel, t } from '../../../src/i18n';

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

describe('Partner Center values in words', () => {
  it.each([
    ['fr', 'order', 'pending review', 'En cours de vérification'],
    ['en', 'order', 'completed', 'Completed'],
    ['fr', 'subscription', 'Active', 'actif'],
    ['en', 'provisioning', 'prefulfillment_pending', 'Provisioning'],
    ['fr', 'provisioning', 'PrefulfillmentPending', 'Approvisionnement en cours'],
  ] as const)('%s %s status "%s" reads "%s"', (locale, kind, status, expected) => {
    expect(statusLabel(locale, kind, status)).toBe(expected);
  });

  it('shows a status or billing cycle it does not know as it came', () => {
    expect(statusLabel('fr', 'order', 'brand_new_state')).toBe('brand_new_state');
    expect(billingCycleLabel('en', 'quinquennial')).toBe('quinquennial');
  });

  it('says billing cycles in words', () => {
    expect(billingCycleLabel('fr', 'one_time')).toBe('Achat unique');
    expect(billingCycleLabel('en', 'Monthly')).toBe('Monthly');
  });
});
