import { normalizeName, rank } from '../../../src/workflows/customers';

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
