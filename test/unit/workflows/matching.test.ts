import { namedCustomer, normalizeName, rank } from '../../../src/workflows/customers';

describe('normalizeName', () => {
  it.each([
    ['  Société   Générale ', 'societe generale'],
    ['CONTOSO', 'contoso'],
    ['Île-de-France', 'ile-de-france'],
    ['Zürich Ärzte', 'zurich arzte'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe('rank', () => {
  const names = ['The Contoso Group', 'Contoso Pharmaceuticals', 'Contoso', 'Contoso France'];

  it('puts the exact match first, then prefixes, then the rest, alphabetically within each', () => {
    expect(rank(names, 'contoso', (n) => n)).toEqual([
      'Contoso',
      'Contoso France',
      'Contoso Pharmaceuticals',
      'The Contoso Group',
    ]);
  });

  it('matches the exact name without regard to case or accents', () => {
    expect(rank(['Société A', 'Societe'], 'SOCIÉTÉ', (n) => n)[0]).toBe('Societe');
  });

  it('does not change the input', () => {
    const copy = [...names];
    rank(names, 'contoso', (n) => n);
    expect(names).toEqual(copy);
  });
});

describe('namedCustomer', () => {
  const customer = (companyName: string, domain: string) => ({ id: domain, companyName, domain });
  const france = customer('Contoso France', 'contosofrance.onmicrosoft.com');
  const france2 = customer('Contoso France Services', 'contosofranceservices.onmicrosoft.com');
  const pharma = customer('Contoso Pharmaceuticals', 'contosopharma.onmicrosoft.com');

  it('is the only match', () => {
    expect(namedCustomer([pharma], 'contoso')).toBe(pharma);
  });

  it('is the one exact name or domain among several, ignoring case and accents', () => {
    expect(namedCustomer([france, france2, pharma], 'CONTOSO FRANCE')).toBe(france);
    expect(namedCustomer([france, france2], 'contosofranceservices.onmicrosoft.com')).toBe(france2);
  });

  it('is nobody when several match and none exactly, or nothing matches', () => {
    expect(namedCustomer([france, pharma], 'contoso')).toBeUndefined();
    expect(namedCustomer([], 'contoso')).toBeUndefined();
  });
});
