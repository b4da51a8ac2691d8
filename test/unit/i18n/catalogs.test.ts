import fc from 'fast-check';
import {
  LOCALES,
  billingCycleLabel,
  i18nextT,
  leafKeys,
  localeFrom,
  statusLabel,
  strings,
  t,
} from '../../../src/i18n';
import { stringsReadBy } from '../../../src/cards/render';
import { templates, type CardName } from '../../../src/cards/templates';

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

describe('translations kept between calls', () => {
  it('a subtree without parameters is translated once, frozen, and the same whatever the parameters', () => {
    const first = strings('fr', 'roles', { anything: 'x' });
    expect(first).toEqual({
      viewer: expect.any(String),
      requester: expect.any(String),
      approver: expect.any(String),
      admin: 'Administrateur',
    });
    expect(strings('fr', 'roles', { other: 'y' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as Record<string, unknown>).viewer = 'changed';
    }).toThrow(TypeError);
    expect(strings('en', 'roles').admin).toBe('Administrator');
  });

  it('a subtree with parameters is interpolated on every call', () => {
    expect(strings('en', 'common', { correlationId: 'abc' }).correlation).toBe('Reference: abc');
    expect(strings('en', 'common', { correlationId: 'def' }).correlation).toBe('Reference: def');
  });

  it('a message without parameters is kept; with parameters it is interpolated each time', () => {
    expect(t('en', 'roles.admin')).toBe('Administrator');
    expect(t('fr', 'roles.admin')).toBe('Administrateur');
    expect(t('en', 'common.correlation', { correlationId: '1' })).toBe('Reference: 1');
    expect(t('en', 'common.correlation', { correlationId: '2' })).toBe('Reference: 2');
  });
});

describe('messages filled without i18next', () => {
  /** The placeholders a message names, as i18next reads them (`{{ name }}`, `{{name, format}}`). */
  const placeholders = (locale: 'en' | 'fr', key: string) =>
    [...i18nextT(locale, key).matchAll(/\{\{-?\s*([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  // Values that hold no placeholder of the catalogs: i18next fills the first occurrence of each
  // placeholder's text in the string as filled so far, so a value holding a later placeholder's
  // text would be filled again by it (see the last test), where t() keeps it as given.
  const tricky = [
    '€1,000.00',
    '$& $1 $$',
    '{{notAPlaceholder}}',
    '$t(errors.generic)',
    '',
    'Contoso {{x}} Ltd',
  ];

  it('every message of both catalogs reads as i18next reads it, each placeholder with a value of its own', () => {
    let compared = 0;
    for (const locale of LOCALES) {
      for (const key of leafKeys(locale)) {
        const names = placeholders(locale, key);
        if (names.length === 0) continue;
        for (const value of [...tricky, 42, 0, null]) {
          // A distinct value per placeholder: names and values swapped or shifted would show.
          const params = Object.fromEntries(
            names.map((name, i) => [name, value === null || i === 0 ? value : `${String(value)}#${i}`]),
          );
          expect([key, t(locale, key, params)]).toEqual([key, i18nextT(locale, key, params)]);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("answers as i18next does for the message's own placeholders, a count, a missing value or values it does not name", () => {
    const keys = leafKeys('en').filter((key) => placeholders('en', key).length > 0);
    fc.assert(
      fc.property(
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...keys),
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { minLength: 4, maxLength: 4 }),
        fc.subarray(['count', 'extra', 'context']),
        fc.boolean(),
        (locale, key, values, extras, dropFirst) => {
          const names = placeholders(locale, key);
          const params: Record<string, unknown> = Object.fromEntries(
            names.map((name, i) => [name, values[i % values.length]]),
          );
          if (dropFirst) delete params[names[0]];
          for (const extra of extras) params[extra] = 3;
          expect(t(locale, key, params)).toBe(i18nextT(locale, key, params));
        },
      ),
      { seed: 20261202, numRuns: 500 },
    );
  });

  it("keeps a value that holds a later placeholder's text as given (i18next would fill it again)", () => {
    const key = leafKeys('en').find((k) => new Set(placeholders('en', k)).size >= 2);
    expect(key).toBeDefined();
    const [first, second] = [...new Set(placeholders('en', key as string))];
    const params = { [first]: `{{${second}}}`, [second]: 'Contoso' };
    const text = t('en', key as string, params);
    expect(text).toContain(`{{${second}}}`);
    expect(text).toContain('Contoso');
    expect(i18nextT('en', key as string, params)).not.toBe(text);
  });
});

describe('the strings a card template gets', () => {
  const sections = [
    ...new Set((Object.keys(templates) as CardName[]).flatMap((name) => [...stringsReadBy(name).keys()])),
  ];
  const params = { customerName: 'Contoso', correlationId: 'c-1', count: 2, name: 'Adele', amount: '10' };

  it.each(sections.flatMap((section) => LOCALES.map((locale) => [section, locale] as const)))(
    '%s (%s): every string is what the message alone says, with the same parameters',
    (section, locale) => {
      const subtree = strings(locale, section, params);
      const leaves = leafKeys(locale).filter((key) => key.startsWith(`${section}.`));
      expect(leaves.length).toBeGreaterThan(0);
      for (const key of leaves) {
        const path = key.slice(section.length + 1).split('.');
        const value = path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], subtree);
        expect([key, value]).toEqual([key, t(locale, key, params)]);
      }
    },
  );
});

describe('the strings a card template reads', () => {
  const params = { customerName: 'Contoso', correlationId: 'c-1', count: 2, name: 'Adele', amount: '10' };

  it.each(
    (Object.keys(templates) as CardName[]).flatMap((name) =>
      LOCALES.map((locale) => [name, locale] as const),
    ),
  )('%s (%s): each string it reads is filled, as the message alone says it', (name, locale) => {
    const read = stringsReadBy(name);
    for (const [section, paths] of read) {
      const subtree = strings(locale, section, params, paths);
      const leaves = leafKeys(locale)
        .filter((key) => key.startsWith(`${section}.`))
        .map((key) => key.slice(section.length + 1))
        .filter((leaf) => !paths || paths.some((p) => leaf === p || leaf.startsWith(`${p}.`)));
      for (const leaf of leaves) {
        const value = leaf
          .split('.')
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], subtree);
        expect([leaf, value]).toEqual([leaf, t(locale, `${section}.${leaf}`, params)]);
      }
    }
  });

  it('finds the strings a template reads, section by section', () => {
    expect(stringsReadBy('help').get('help')).toEqual(expect.arrayContaining(['title']));
    expect([...stringsReadBy('customerPicker').keys()]).toContain('customerPicker');
  });
});
