import i18next from 'i18next';
import en from '../../../src/i18n/locales/en/partnercenter.json';
import fr from '../../../src/i18n/locales/fr/partnercenter.json';
import {
  ERROR_CODES,
  PartnerCenterError,
  errorMessageKey,
  isTransientCode,
} from '../../../src/partnercenter';

const REQUIRED_CODES = [
  '800002',
  '800009',
  '800060',
  '800064',
  '13605',
  '20000',
  '2055',
  '400019',
  '900105',
  '900106',
  '900107',
  '900108',
  '900109',
  '900110',
  '900111',
  '900112',
  '900113',
  '900114',
  '900115',
  '900130',
  '900329',
  '900421',
  '429',
  'timeout',
  'network',
  'schema',
  'unknown',
];

const i18n = i18next.createInstance();

beforeAll(async () => {
  await i18n.init({
    lng: 'en',
    fallbackLng: false,
    showSupportNotice: false,
    resources: { en: { translation: en }, fr: { translation: fr } },
    interpolation: { escapeValue: false },
  });
});

describe('the Partner Center error table', () => {
  it('covers the codes the product must explain', () => {
    for (const code of REQUIRED_CODES) expect(Object.keys(ERROR_CODES)).toContain(code);
  });

  it.each(Object.keys(ERROR_CODES))('has an English and a French text for %s', (code) => {
    const key = errorMessageKey(code);
    expect(key).toBe(`errors.pc.${code}`);
    for (const lng of ['en', 'fr']) {
      expect(i18n.exists(key, { lng })).toBe(true);
      expect(i18n.t(key, { lng }).trim().length).toBeGreaterThan(10);
    }
    expect(i18n.t(key, { lng: 'fr' })).not.toBe(i18n.t(key, { lng: 'en' }));
  });

  it('has no text for a code that is not in the table', () => {
    const table = new Set(Object.keys(ERROR_CODES).map((code) => `errors.pc.${code}`));
    const leaves = (node: object, prefix: string): string[] =>
      Object.entries(node).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? leaves(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    expect(leaves(en, '').filter((key) => !table.has(key))).toEqual([]);
    expect(leaves(fr, '').filter((key) => !table.has(key))).toEqual([]);
  });

  it('writes French with its accents', () => {
    expect(i18n.t('errors.pc.13605', { lng: 'fr' })).toContain('accepté');
    expect(i18n.t('errors.pc.900115', { lng: 'fr' })).toMatch(/avant de suspendre/);
  });

  it('sends unknown codes to the generic text', () => {
    expect(errorMessageKey('123456789')).toBe('errors.pc.unknown');
  });

  it('says which failures are worth trying again later', () => {
    expect(isTransientCode('429')).toBe(true);
    expect(isTransientCode('800064')).toBe(true);
    expect(isTransientCode('13605')).toBe(false);
    expect(isTransientCode('900115')).toBe(false);
  });

  it('gives every error its message key and treats a 5xx with an unknown code as transient', () => {
    const error = new PartnerCenterError({
      code: '999999',
      description: 'x',
      method: 'GET',
      path: '/v1/x',
      status: 503,
    });
    expect(error.messageKey).toBe('errors.pc.unknown');
    expect(error.transient).toBe(true);
    const mca = new PartnerCenterError({
      code: '13605',
      description: 'MCA',
      method: 'POST',
      path: '/v1/x',
      status: 403,
    });
    expect(mca.messageKey).toBe('errors.pc.13605');
    expect(mca.transient).toBe(false);
  });
});
